import Audit
public import Counter
import Foundation
public import Kernel
public import Storage

/// What the auditors' API answers (issue #18, part 4). Times are RFC 3339 in UTC; amounts in minor units.
func rfc3339(_ micros: Int64) -> String { Timestamp(microsecondsSinceEpoch: micros).description }

public struct SearchPage: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        let id, branch, teller, code, currency, state: String
        let submittedAt: String
        let committedAt: String?
        let amountMinor: Int64
        let authorization: String?
        let officers: [String]
        let voucher: String?

        init(_ t: FoundTransaction) {
            (id, branch, teller, code, currency, state) = (t.id, t.branch, t.teller, t.code, t.currency, t.state)
            (submittedAt, committedAt, amountMinor) = (rfc3339(t.submittedMicros), t.committedMicros.map(rfc3339), t.amountMinor)
            (authorization, officers, voucher) = (t.authorization, t.officers, t.voucher)
        }

        enum CodingKeys: String, CodingKey {
            case id, branch, teller, code, currency, state, authorization, officers, voucher
            case submittedAt = "submitted_at"
            case committedAt = "committed_at"
            case amountMinor = "amount_minor"
        }
    }

    public let transactions: [Row]
    /// The `after` of the next page; absent on the last one.
    public let next: String?
}

/// One transaction's evidence page.
public struct TransactionEvidence: Sendable, Encodable {
    public struct Facts: Sendable, Encodable {
        let id, branch, teller, code, currency, state, submittedAt, ruleSetVersion, payloadSHA256: String
        let terminal, committedAt, replaces: String?
        let amountMinor: Int64
        let matchedRules: [AuthorizationDesk.MatchedRule]

        enum CodingKeys: String, CodingKey {
            case id, branch, teller, code, currency, state, terminal, replaces
            case submittedAt = "submitted_at"
            case committedAt = "committed_at"
            case ruleSetVersion = "rule_set_version"
            case payloadSHA256 = "payload_sha256"
            case amountMinor = "amount_minor"
            case matchedRules = "matched_rules"
        }
    }

    /// What the customer's screen showed and what they wrote: each point as [x, y, t, pressure] (x and y fractions
    /// of the pad, t milliseconds from the first touch), so the page can replay the signature as it was written.
    public struct Customer: Sendable, Encodable {
        let view: ConfirmationView
        let strokes: [[[Double]]]

        init(view: ConfirmationView, strokes: [[SignatureInk.Point]]) {
            self.view = view
            self.strokes = strokes.map { $0.map { [$0.x, $0.y, $0.t, $0.pressure] } }
        }
    }

    public struct Voucher: Sendable, Encodable {
        let id, form, state, pdfSHA256, createdAt, pdf: String
        let seal: String?

        enum CodingKeys: String, CodingKey {
            case id, form, state, seal, pdf
            case pdfSHA256 = "pdf_sha256"
            case createdAt = "created_at"
        }
    }

    public struct Decision: Sendable, Encodable {
        let officer, decision, claimedAt, decidedAt: String
        let reason: String?

        enum CodingKeys: String, CodingKey {
            case officer, decision, reason
            case claimedAt = "claimed_at"
            case decidedAt = "decided_at"
        }
    }

    public struct Material: Sendable, Encodable {
        let kind, mediaType, sha256: String

        enum CodingKeys: String, CodingKey {
            case kind, sha256
            case mediaType = "media_type"
        }
    }

    public struct Request: Sendable, Encodable {
        let id, mode, state, createdAt: String
        let version, level, officersRequired: Int
        let claimedBy, decidedAt, committedAt: String?
        let decisions: [Decision]
        let material: [Material]

        enum CodingKeys: String, CodingKey {
            case id, mode, state, version, level, decisions, material
            case createdAt = "created_at"
            case officersRequired = "officers_required"
            case claimedBy = "claimed_by"
            case decidedAt = "decided_at"
            case committedAt = "committed_at"
        }
    }

    /// An audit event about the transaction, and whether it holds where it stands in its chain (``LinkCheck``).
    public struct Event: Sendable, Encodable {
        let chain, time, actor, action, subject, payload, hash: String
        let seq: Int64
        let branch, terminal: String?
        let verified: Bool
        let problem: String?

        /// Each of `records`, in the order given, checked where it stands in its chain: `around` holds the rows just
        /// before and after each, `heads` its chain's head.
        static func checked(_ records: [AuditRecord], around: [AuditRecord], heads: [ChainHead]) -> [Event] {
            var rows: [String: AuditRecord] = [:]
            for record in records + around { rows["\(record.chain)/\(record.seq)"] = record }
            let heads = Dictionary(heads.map { ($0.chain, $0) }, uniquingKeysWith: { first, _ in first })
            return records.map { e in
                let problem = LinkCheck.check(
                    e, previous: rows["\(e.chain)/\(e.seq - 1)"], next: rows["\(e.chain)/\(e.seq + 1)"], head: heads[e.chain])
                return Event(
                    chain: e.chain, time: e.time.description, actor: e.actor, action: e.action, subject: e.subject, payload: e.payload,
                    hash: e.hash.hex, seq: e.seq, branch: e.branch, terminal: e.terminal, verified: problem == nil,
                    problem: problem?.description)
            }
        }
    }

    let transaction: Facts
    let customer: Customer?
    let voucher: Voucher?
    let authorization: [Request]
    let events: [Event]
    /// Every event's hash recomputed and linked to its neighbours (or its chain's head), every event the records call
    /// for present, and nothing in `problems`.
    let chainVerified: Bool
    /// What does not hold: an event the records call for that the trail lacks, a record that does not match its digest.
    let problems: [String]
    let findings: [FindingView]

    enum CodingKeys: String, CodingKey {
        case transaction, customer, voucher, authorization, events, findings, problems
        case chainVerified = "chain_verified"
    }

    init(
        _ r: EvidenceRecords, rules: [AuthorizationDesk.MatchedRule], customer: Customer?, counterSession: Bool, problems: [String],
        findings: [FindingView]
    ) {
        let f = r.facts
        transaction = Facts(
            id: f.id, branch: f.branch, teller: f.teller, code: f.code, currency: f.currency, state: f.state,
            submittedAt: rfc3339(f.submittedMicros), ruleSetVersion: f.ruleSetVersion, payloadSHA256: f.payloadSHA256, terminal: f.terminal,
            committedAt: f.committedMicros.map(rfc3339), replaces: f.replaces, amountMinor: f.amountMinor, matchedRules: rules)
        self.customer = customer
        voucher = r.voucher.map {
            Voucher(
                id: $0.id, form: $0.form, state: $0.state, pdfSHA256: $0.pdfSHA256, createdAt: rfc3339($0.createdMicros),
                pdf: "/api/v1/vouchers/\($0.id)/pdf", seal: $0.seal)
        }
        authorization = r.requests.map { q in
            Request(
                id: q.id, mode: q.mode, state: q.state, createdAt: rfc3339(q.createdMicros), version: q.version, level: q.level,
                officersRequired: q.officersRequired, claimedBy: q.claimedBy, decidedAt: q.decidedMicros.map(rfc3339),
                committedAt: q.committedMicros.map(rfc3339),
                decisions: q.decisions.map {
                    Decision(
                        officer: $0.officer, decision: $0.decision, claimedAt: rfc3339($0.claimedMicros), decidedAt: rfc3339($0.decidedMicros),
                        reason: $0.reason)
                },
                material: q.material.map { Material(kind: $0.kind, mediaType: $0.mediaType, sha256: $0.sha256) })
        }
        events = Event.checked(
            r.events.sorted { ($0.time.microsecondsSinceEpoch, $0.chain, $0.seq) < ($1.time.microsecondsSinceEpoch, $1.chain, $1.seq) },
            around: r.neighbours, heads: r.heads)
        let missing = Self.missingEvents(r, counterSession: counterSession)
        self.problems = problems + missing.map { "the trail lacks \($0)" }
        chainVerified = !events.isEmpty && events.allSatisfy(\.verified) && self.problems.isEmpty
        self.findings = findings
    }
}

extension TransactionEvidence {
    /// The events the records call for that the trail does not hold: each link checked where it stands cannot see a
    /// row deleted and the chain linked again around it, but the records still say the row must be there.
    static func missingEvents(_ r: EvidenceRecords, counterSession: Bool) -> [String] {
        func count(_ subject: String, _ actions: Set<String>) -> Int {
            r.events.filter { $0.subject == subject && actions.contains($0.action) }.count
        }
        var missing: [String] = []
        let transaction = "txn:\(r.facts.id)"
        if r.facts.state == "committed", count(transaction, ["txn.committed"]) == 0 { missing.append("txn.committed of \(r.facts.id)") }
        for request in r.requests {
            let decided = count("authz:\(request.id)", ["authz.approved", "authz.first_approval", "authz.rejected", "authz.returned"])
            if decided < request.decisions.count {
                missing.append("\(request.decisions.count - decided) decision event(s) of \(request.id)")
            }
        }
        if let voucher = r.voucher {
            let subject = "voucher:\(voucher.id)"
            if count(subject, ["voucher.rendered"]) == 0 { missing.append("voucher.rendered of \(voucher.id)") }
            if voucher.state == "sealed", count(subject, ["seal.used"]) == 0 { missing.append("seal.used of \(voucher.id)") }
        }
        if counterSession {
            let actions = Set(r.events.filter { $0.subject.hasPrefix("counter:") }.map(\.action))
            for action in ["counter.confirmed", "counter.signature_captured"] where !actions.contains(action) { missing.append(action) }
        }
        return missing
    }
}

public struct FindingView: Sendable, Encodable {
    public struct Step: Sendable, Codable {
        let step, by, at, text: String
    }

    let id: Int64
    let transaction, branch, description, raisedBy, raisedAt: String
    let state: Finding.State
    let history: [Step]

    enum CodingKeys: String, CodingKey {
        case id, transaction, branch, description, state, history
        case raisedBy = "raised_by"
        case raisedAt = "raised_at"
    }

    init(_ f: Finding) {
        (id, transaction, branch, description, raisedBy, raisedAt, state) = (
            f.id, f.transaction, f.branch, f.description, f.raisedBy, rfc3339(f.raisedMicros), f.state
        )
        history = (try? JSONDecoder().decode([Step].self, from: Data(f.historyJSON.utf8))) ?? []
    }
}

public struct SampleView: Sendable, Encodable {
    public struct Item: Sendable, Encodable {
        let transaction, branch, code, currency: String
        let amountMinor: Int64
        let reviewedBy, reviewedAt: String?

        enum CodingKeys: String, CodingKey {
            case transaction, branch, code, currency
            case amountMinor = "amount_minor"
            case reviewedBy = "reviewed_by"
            case reviewedAt = "reviewed_at"
        }
    }

    let id: Int64
    let day, drawnBy, drawnAt: String
    let branch: String?
    let requested: Int
    let items: [Item]

    enum CodingKeys: String, CodingKey {
        case id, day, branch, requested, items
        case drawnBy = "drawn_by"
        case drawnAt = "drawn_at"
    }

    init(_ s: AuditSample) {
        (id, day, drawnBy, drawnAt, branch, requested) = (s.id, s.day, s.drawnBy, rfc3339(s.drawnMicros), s.branch, s.requested)
        items = s.items.map {
            Item(
                transaction: $0.transaction, branch: $0.branch, code: $0.code, currency: $0.currency, amountMinor: $0.amountMinor,
                reviewedBy: $0.reviewedBy, reviewedAt: $0.reviewedMicros.map(rfc3339))
        }
    }
}
