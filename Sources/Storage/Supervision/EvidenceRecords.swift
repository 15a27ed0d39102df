public import Audit
import Kernel
import NIOCore
import PostgresNIO

/// One transaction's records as an auditor's evidence page shows them (issue #18, part 4): the transaction, its
/// authorization requests with every decision and the material each was based on, its voucher, and every audit
/// event about any of them with the rows around it (to check each event's links where it stands).
public struct EvidenceRecords: Sendable {
    public struct Facts: Sendable {
        public let id: String
        public let branch: String
        public let teller: String
        public let terminal: String?
        public let code: String
        public let amountMinor: Int64
        public let currency: String
        public let state: String
        public let submittedMicros: Int64
        public let committedMicros: Int64?
        public let ruleSetVersion: String
        public let matchedRules: [String]
        public let payloadSHA256: String
        /// The transaction this one replaced (a new version after a return).
        public let replaces: String?
    }

    public struct Request: Sendable {
        public let id: String
        public let version: Int
        public let mode: String
        public let level: Int
        public let officersRequired: Int
        public let state: String
        public let createdMicros: Int64
        public let claimedBy: String?
        public let decidedMicros: Int64?
        public let committedMicros: Int64?
        public let decisions: [Decision]
        public let material: [Material]
    }

    public struct Decision: Sendable {
        public let officer: String
        public let decision: String
        public let reason: String?
        public let claimedMicros: Int64
        public let decidedMicros: Int64
    }

    public struct Material: Sendable {
        public let kind: String
        public let mediaType: String
        public let sha256: String
    }

    public struct Voucher: Sendable {
        public let id: String
        public let form: String
        public let state: String
        public let pdfSHA256: String
        public let seal: String?
        public let createdMicros: Int64
    }

    public let facts: Facts
    public let requests: [Request]
    public let voucher: Voucher?
    /// The transaction's events in chain order; `neighbours` the rows just before and after each, and `heads` the
    /// recorded heads of their chains.
    public let events: [AuditRecord]
    public let neighbours: [AuditRecord]
    public let heads: [ChainHead]
}

public enum EvidenceStore {
    public static func read(transaction id: String, in tx: Transaction) async throws -> EvidenceRecords? {
        guard let facts = try await facts(id, in: tx) else { return nil }
        let requests = try await requests(id, in: tx)
        let voucher = try await voucher(id, in: tx)
        var subjects = ["txn:\(id)"] + requests.map { "authz:\($0.id)" }
        if let voucher { subjects.append("voucher:\(voucher.id)") }
        let extra = try await tx.query(
            """
            SELECT 'counter:' || session_id FROM counter_transactions WHERE transaction_id = \(id)
            UNION ALL SELECT 'receipt:' || id FROM receipts WHERE transaction_id = \(id)
            UNION ALL SELECT 'finding:' || id FROM audit_findings WHERE transaction_id = \(id)
            """, context: "evidence subjects")
        for try await subject in extra.decode(String.self) { subjects.append(subject) }
        let (events, neighbours, heads) = try await events(subjects: subjects, in: tx)
        return EvidenceRecords(facts: facts, requests: requests, voucher: voucher, events: events, neighbours: neighbours, heads: heads)
    }

    static func facts(_ id: String, in tx: Transaction) async throws -> EvidenceRecords.Facts? {
        let rows = try await tx.query(
            """
            SELECT id, branch_code, teller_id, terminal, code, amount_minor, currency, state, ts_to_us(submitted_at), ts_to_us(committed_at),
                   rule_set_version, matched_rules, encode(payload_digest, 'hex'), replaces
            FROM teller_transactions WHERE id = \(id)
            """, context: "evidence facts")
        for try await row in rows {
            let c = row.makeRandomAccess()
            return EvidenceRecords.Facts(
                id: try c[0].decode(String.self), branch: try c[1].decode(String.self), teller: try c[2].decode(String.self),
                terminal: try c[3].decode(String?.self), code: try c[4].decode(String.self), amountMinor: try c[5].decode(Int64.self),
                currency: try c[6].decode(String.self), state: try c[7].decode(String.self), submittedMicros: try c[8].decode(Int64.self),
                committedMicros: try c[9].decode(Int64?.self), ruleSetVersion: try c[10].decode(String.self),
                matchedRules: try c[11].decode([String].self), payloadSHA256: try c[12].decode(String.self), replaces: try c[13].decode(String?.self))
        }
        return nil
    }

    static func requests(_ transaction: String, in tx: Transaction) async throws -> [EvidenceRecords.Request] {
        let decisionRows = try await tx.query(
            """
            SELECT d.request_id, d.officer_id, d.decision, d.reason, ts_to_us(d.claimed_at), ts_to_us(d.decided_at)
            FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
            WHERE r.transaction_id = \(transaction) ORDER BY d.decided_at
            """, context: "evidence decisions")
        var decisions: [String: [EvidenceRecords.Decision]] = [:]
        for try await (request, officer, decision, reason, claimed, decided) in decisionRows.decode(
            (String, String, String, String?, Int64, Int64).self)
        {
            decisions[request, default: []].append(
                .init(officer: officer, decision: decision, reason: reason, claimedMicros: claimed, decidedMicros: decided))
        }
        let materialRows = try await tx.query(
            """
            SELECT m.request_id, m.kind, m.media_type, encode(m.sha256, 'hex')
            FROM authz_material m JOIN authz_requests r ON r.id = m.request_id
            WHERE r.transaction_id = \(transaction) ORDER BY m.kind
            """, context: "evidence material")
        var material: [String: [EvidenceRecords.Material]] = [:]
        for try await (request, kind, type, digest) in materialRows.decode((String, String, String, String).self) {
            material[request, default: []].append(.init(kind: kind, mediaType: type, sha256: digest))
        }
        let rows = try await tx.query(
            """
            SELECT id, version, mode, level, officers_required, state, ts_to_us(created_at), claimed_by, ts_to_us(decided_at),
                   ts_to_us(committed_at)
            FROM authz_requests WHERE transaction_id = \(transaction) ORDER BY version
            """, context: "evidence requests")
        var requests: [EvidenceRecords.Request] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            let id = try c[0].decode(String.self)
            requests.append(
                .init(
                    id: id, version: try c[1].decode(Int.self), mode: try c[2].decode(String.self), level: try c[3].decode(Int.self),
                    officersRequired: try c[4].decode(Int.self), state: try c[5].decode(String.self), createdMicros: try c[6].decode(Int64.self),
                    claimedBy: try c[7].decode(String?.self), decidedMicros: try c[8].decode(Int64?.self),
                    committedMicros: try c[9].decode(Int64?.self), decisions: decisions[id] ?? [], material: material[id] ?? []))
        }
        return requests
    }

    static func voucher(_ transaction: String, in tx: Transaction) async throws -> EvidenceRecords.Voucher? {
        let rows = try await tx.query(
            """
            SELECT id, form_id, state, encode(pdf_sha256, 'hex'), seal_id, ts_to_us(created_at) FROM vouchers WHERE transaction_id = \(transaction)
            """, context: "evidence voucher")
        for try await (id, form, state, digest, seal, created) in rows.decode((String, String, String, String, String?, Int64).self) {
            return .init(id: id, form: form, state: state, pdfSHA256: digest, seal: seal, createdMicros: created)
        }
        return nil
    }

    /// The events about `subjects` and, for each, the rows just before and after it in its chain.
    static func events(subjects: [String], in tx: Transaction) async throws -> ([AuditRecord], [AuditRecord], [ChainHead]) {
        let rows = try await tx.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH own AS (SELECT chain_id, seq FROM audit_events WHERE subject = ANY($1))
                    SELECT \(AuditLog.recordColumns)
                    FROM audit_events e
                    WHERE (e.chain_id, e.seq) IN (SELECT chain_id, seq + d.k FROM own, (VALUES (-1), (0), (1)) AS d(k))
                    ORDER BY e.chain_id, e.seq
                    """,
                binds: {
                    var binds = PostgresBindings()
                    binds.append(subjects)
                    return binds
                }()), context: "evidence events")
        var own: [AuditRecord] = []
        var around: [AuditRecord] = []
        let wanted = Set(subjects)
        for try await row in rows {
            let record = try AuditLog.decodeRecord(row)
            if wanted.contains(record.subject) { own.append(record) } else { around.append(record) }
        }
        let chains = Array(Set(own.map(\.chain))).sorted()
        let headRows = try await tx.query(
            "SELECT chain_id, last_seq, last_hash FROM audit_chain_heads WHERE chain_id = ANY(\(chains))", context: "evidence chain heads")
        var heads: [ChainHead] = []
        for try await (chain, seq, hash) in headRows.decode((String, Int64, ByteBuffer).self) {
            heads.append(ChainHead(chain: chain, seq: seq, hash: SHA256Hash(bytes: hash.byteArray) ?? .zero))
        }
        return (own, around, heads)
    }
}
