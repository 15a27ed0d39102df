import Accounts
import Audit
import Authorization
import Foundation
import Kernel
import Services
import Storage
import Synchronization

/// The authorization repository's in-memory twin: the answers the desk reacts to (which officer a request goes to,
/// an assignment refused because the officer left, an approval for exactly this payload, a commit that another
/// instance won), without PostgreSQL. The database's guards are tested against the database; this tests the desk.
final class InMemoryAuthorizationRepository: AuthorizationRepository {
    struct State {
        var serial = 0
        var transactions: [String: TransactionRecord] = [:]
        var requests: [String: RequestSnapshot] = [:]
        var events: [AuditEvent] = []
        /// Officers a central request is assigned to, in turn.
        var candidates: [String] = []
        /// Officers who left meanwhile: an assignment to them is refused as the database refuses it.
        var gone: Set<String> = []
        var supervisors: [String: String] = [:]
        /// The next commit finds that another instance committed first.
        var loseNextCommitRace = false
        /// The next claims find the request widened to another scope (by the timeout sweep) just before.
        var widenBeforeNextClaims = 0
        var claimsTried = 0
        var presence: [String: OfficerPresence] = [:]
        var commitsTried = 0
    }

    let state = Mutex(State())
    let rules: RuleSet

    init(rules: RuleSet) { self.rules = rules }

    var events: [AuditEvent] { state.withLock { $0.events } }
    func configure(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }

    /// What an officer's decision leaves behind, as the database would (the officer's side is not this twin's).
    func decide(_ requestID: String, _ decision: RequestState) {
        state.withLock { state in
            guard let request = state.requests[requestID] else { return }
            state.requests[requestID] = Self.snapshot(request, state: decision)
            if decision == .approved, let transaction = state.transactions[request.transaction] {
                state.transactions[transaction.id] = Self.record(transaction, state: .ready)
            }
        }
    }

    func nextTransactionID() async throws -> String {
        state.withLock {
            $0.serial += 1; return "T\($0.serial)"
        }
    }
    func nextRequestID() async throws -> String {
        state.withLock {
            $0.serial += 1; return "R\($0.serial)"
        }
    }
    func rulesInForce() async throws -> RuleSet? { rules }
    func ruleSetSource(version: String) async throws -> String? { nil }

    func insertTransaction(
        _ t: AuthorizationStore.NewTransaction, id: String, event: AuditLog.Append, alongside: ((String, Transaction) async throws -> Void)?
    ) async throws {
        precondition(alongside == nil, "the in-memory twin has no database transaction to write alongside in")
        state.withLock { state in
            state.transactions[id] = TransactionRecord(
                id: id, branch: t.branch, teller: t.teller, terminal: t.terminal, code: t.code, amountMinor: t.amountMinor, currency: t.currency,
                keyID: t.keyID, payloadCiphertext: t.payloadCiphertext, payloadDigest: t.payloadDigest, requirementJSON: t.requirementJSON,
                state: t.requirementJSON == nil ? .ready : .needsAuthorization)
            state.events.append(event.event)
        }
    }

    func transaction(_ id: String) async throws -> TransactionRecord? { state.withLock { $0.transactions[id] } }

    func transactionToRequest(_ id: String, mode: AuthorizationMode) async throws -> (TransactionRecord, String?)? {
        state.withLock { state in
            guard let record = state.transactions[id] else { return nil }
            guard mode == .central, !state.candidates.isEmpty else { return (record, nil) }
            return (record, state.candidates.removeFirst())
        }
    }

    func transactionToCommit(_ id: String, digest: SHA256Hash) async throws -> (TransactionRecord, (id: String, version: Int)?)? {
        state.withLock { state in
            guard let record = state.transactions[id] else { return nil }
            let approved = state.requests.values.first {
                $0.transaction == id && $0.state == .approved && $0.payloadDigest == digest.hex
            }
            return (record, approved.map { ($0.id, $0.version) })
        }
    }

    func insertRequest(
        _ r: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial], event: AuditLog.Append
    ) async throws -> RequestSnapshot {
        try state.withLock { state in
            if let assignedTo, state.gone.contains(assignedTo) {
                throw StorageError(.constraintViolation, "insert request: \(assignedTo) is not available", constraint: "authz_assigned_available")
            }
            let snapshot = try Self.snapshot(r, id: id, assignedTo: assignedTo, state: .pending)
            state.requests[id] = snapshot
            state.events.append(event.event)
            return snapshot
        }
    }

    func insertRequestDecidedLocally(
        _ r: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial], event: AuditLog.Append,
        supervisor: String, decision: String, reason: String?, terminal: String?, at: Timestamp
    ) async throws -> RequestSnapshot {
        let pending = try await insertRequest(r, id: id, assignedTo: assignedTo, material: material, event: event)
        let outcome: RequestState = decision == "approve" ? .approved : decision == "reject" ? .rejected : .returned
        decide(pending.id, outcome)
        return try await request(pending.id)!
    }

    func request(_ id: String) async throws -> RequestSnapshot? { state.withLock { $0.requests[id] } }
    func material(requestID: String, kind: String) async throws -> (String, String, [UInt8])? { nil }
    func concerns(officer: String, request id: String) async throws -> Bool { false }

    func commit(transaction id: String, digest: SHA256Hash, request: String?, at: Timestamp, event: AuditLog.Append) async throws
        -> (committed: Bool, request: RequestSnapshot?)
    {
        state.withLock { state in
            state.commitsTried += 1
            guard let record = state.transactions[id], record.state != .committed, record.payloadDigest == digest else { return (false, nil) }
            if state.loseNextCommitRace {
                // Another instance's commit of the same approval landed first.
                state.loseNextCommitRace = false
                state.transactions[id] = Self.record(record, state: .committed)
                return (false, nil)
            }
            if record.requirementJSON != nil {
                guard let request, state.requests[request]?.state == .approved else { return (false, nil) }
                state.requests[request] = Self.snapshot(state.requests[request]!, state: .committed)
            }
            state.transactions[id] = Self.record(record, state: .committed)
            state.events.append(event.event)
            return (true, request.flatMap { state.requests[$0] })
        }
    }

    func withdraw(transaction id: String, teller: String, reason: String, at: Timestamp, event: AuditLog.Append) async throws
        -> AuthorizationStore.WithdrawalOutcome
    {
        state.withLock { state in
            guard let record = state.transactions[id], record.teller == teller else { return .notFound }
            guard record.state.isOpen else { return .finished(state: record.state) }
            state.transactions[id] = Self.record(record, state: .abandoned)
            state.events.append(event.event)
            return .withdrawn(request: nil)
        }
    }

    func setPresence(officer: String, branch: String, to status: OfficerPresence, terminal: String?, at: Timestamp) async throws {
        state.withLock { $0.presence[officer] = status }
    }

    func queue(officer: String) async throws -> (presence: OfficerPresence, requests: [RequestSnapshot]) {
        state.withLock { state in
            (state.presence[officer] ?? .offline, state.requests.values.filter { $0.state == .pending || $0.claimedBy == officer })
        }
    }

    func claim(_ id: String, officer: String, at: Timestamp, scope: String, event: AuditLog.Append) async throws -> RequestSnapshot? {
        state.withLock { state in
            state.claimsTried += 1
            guard var request = state.requests[id] else { return nil }
            if state.widenBeforeNextClaims > 0 {
                state.widenBeforeNextClaims -= 1
                request = Self.snapshot(request, changing: ["scope": "widened-\(state.claimsTried)"])
                state.requests[id] = request
            }
            guard request.state == .pending, request.scope == scope else { return nil }
            let lease = at.microsecondsSinceEpoch + Int64(request.leaseSeconds) * 1_000_000
            let claimed = Self.snapshot(
                request, changing: ["state": "claimed", "claimed_by": officer, "claimed_at_us": at.microsecondsSinceEpoch, "lease_until_us": lease])
            state.requests[id] = claimed
            state.events.append(event.event)
            return claimed
        }
    }

    func decide(
        _ id: String, officer: String, decision: AuthorizationDecision, reason: String?, payloadDigest: SHA256Hash, materialDigest: SHA256Hash,
        approvals: Int, at: Timestamp, event: AuditLog.Append
    ) async throws -> RequestSnapshot {
        try state.withLock { state in
            guard let request = state.requests[id], request.state == .claimed, request.claimedBy == officer else {
                throw StorageError(.refused, "decide: not claimed by \(officer)")
            }
            let next: RequestState =
                switch decision {
                case .approve: approvals + 1 >= request.officers ? .approved : .pending
                case .reject: .rejected
                case .return: .returned
                }
            var changes: [String: Any] = ["state": next.rawValue, "approvals": approvals + (decision == .approve ? 1 : 0)]
            if decision != .approve, let reason { changes["reason"] = reason }
            let decided = Self.snapshot(request, changing: changes)
            state.requests[id] = decided
            state.events.append(event.event)
            return decided
        }
    }

    func history(transaction: String) async throws -> RequestHistory? { nil }
    func statistics(officers: [String]?, branches: [String]?) async throws -> AuthorizationStatistics {
        throw StorageError(.queryFailed, "statistics are read from the database only")
    }
    func customerSide(transaction: String) async throws -> CounterStore.CustomerSide? { nil }

    func verifySupervisor(_ local: AuthorizationDesk.LocalDecision, terminal: String?, failure: CredentialCheck.Failure) async throws
        -> UserIdentity
    {
        guard state.withLock({ $0.supervisors[local.supervisor] }) == local.password else { throw AccessError(failure.code, failure.message) }
        return UserIdentity(id: local.supervisor, displayName: local.supervisor, branch: "BR001", role: .supervisor)
    }

    // MARK: Rows as the database would render them

    static func record(_ r: TransactionRecord, state: TransactionState) -> TransactionRecord {
        TransactionRecord(
            id: r.id, branch: r.branch, teller: r.teller, terminal: r.terminal, code: r.code, amountMinor: r.amountMinor, currency: r.currency,
            keyID: r.keyID, payloadCiphertext: r.payloadCiphertext, payloadDigest: r.payloadDigest, requirementJSON: r.requirementJSON,
            state: state)
    }

    static func snapshot(_ r: AuthorizationStore.NewRequest, id: String, assignedTo: String?, state: RequestState) throws -> RequestSnapshot {
        let at = r.at.microsecondsSinceEpoch
        let fields: [String: Any?] = [
            "id": id, "transaction": r.transaction.id, "version": r.version, "previous": r.previousID, "branch": r.transaction.branch,
            "teller": r.transaction.teller, "terminal": r.transaction.terminal, "code": r.transaction.code,
            "amount_minor": r.transaction.amountMinor, "currency": r.transaction.currency, "level": r.level, "officers": r.officers,
            "modes": r.modes, "mode": r.mode, "scope": r.mode == "central" ? "central" : r.transaction.branch, "assigned_to": assignedTo,
            "state": state.rawValue, "approvals": 0, "created_at_us": at, "offered_at_us": at,
            "teller_deadline_us": at + Int64(r.tellerWaitSeconds) * 1_000_000, "unclaimed_seconds": r.unclaimedSeconds,
            "lease_seconds": r.leaseSeconds, "payload_digest": r.transaction.payloadDigest.hex, "material_digest": r.materialDigest.hex,
            "material": [] as [Any],
        ]
        let json = try JSONSerialization.data(withJSONObject: fields.compactMapValues { $0 })
        return try RequestSnapshot.decode(json: String(decoding: json, as: UTF8.self))
    }

    static func snapshot(_ s: RequestSnapshot, state: RequestState) -> RequestSnapshot {
        snapshot(s, changing: state == .approved ? ["state": state.rawValue, "approvals": s.officers] : ["state": state.rawValue])
    }

    static func snapshot(_ s: RequestSnapshot, changing fields: [String: Any]) -> RequestSnapshot {
        var object = try! JSONSerialization.jsonObject(with: JSONEncoder().encode(s)) as! [String: Any]
        object.merge(fields) { _, new in new }
        return try! RequestSnapshot.decode(json: String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
}
