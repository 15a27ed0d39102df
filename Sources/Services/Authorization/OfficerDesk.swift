public import Accounts
import Audit
public import Authorization
import Foundation
public import Kernel
public import Storage

/// The officer's side: presence, the queue, the claim (with its lease), the decision, the material. The database's
/// guards have the last word on every step; the checks here exist to give clear errors first.
public struct OfficerDesk: Sendable {
    let repository: any AuthorizationRepository
    let dataKey: DataKey
    let time: any TimeSource

    public init(repository: any AuthorizationRepository, dataKey: DataKey, time: any TimeSource = SystemTime()) {
        self.repository = repository
        self.dataKey = dataKey
        self.time = time
    }

    public func setPresence(_ requested: String, user: UserIdentity, terminal: String?) async throws -> OfficerPresence {
        try Self.requireOfficer(user)
        guard let status = OfficerPresence(rawValue: requested) else {
            throw AuthorizationError(.badPresence, "presence is online, paused or offline")
        }
        try await repository.setPresence(officer: user.id, branch: user.branch, to: status, terminal: terminal, at: time.now())
        return status
    }

    /// A presence change, and the requests assigned to the officer moved to someone else when they stop being
    /// online; returns the audit events to append (the change's own, then one `authz.reassigned` per request). The
    /// caller appends them with everything else of its transaction in one ``AuditLog/append(all:in:)``, which
    /// takes chain heads in chain order: appended one by one, a presence event (the centre's chain) and the
    /// reassignments (the branches' chains) took heads in different orders in different transactions, and two
    /// instances could deadlock. The officer's own choice and the sweep that finds a silent console both come
    /// through here.
    static func changePresence(
        officer: String, branch: String, to status: OfficerPresence, terminal: String?, actor: String, action: String,
        details: [String: CanonicalJSON] = [:], at now: Timestamp, in tx: Transaction
    ) async throws -> [AuditEvent] {
        let released = try await AuthorizationStore.setPresence(officer: officer, status: status, terminal: terminal, at: now, in: tx)
        var payload = details
        payload["status"] = .string(status.rawValue)
        payload["reassigned"] = .array(released.map { .string($0.id) })
        let change = AuditEvent(
            actor: actor, branch: branch, terminal: terminal, action: action, subject: "user:\(officer)", payload: .object(payload))
        return [change]
            + released.map { request in
                AuditEvent(
                    actor: "system:router", branch: request.branch, action: "authz.reassigned", subject: "authz:\(request.id)",
                    payload: ["from": .string(officer), "to": request.assignedTo.map { .string($0) } ?? .null, "reason": "presence"])
            }
    }

    public func queue(user: UserIdentity) async throws -> (OfficerPresence, [RequestSnapshot]) {
        try Self.requireOfficer(user)
        let (presence, requests) = try await repository.queue(officer: user.id)
        return (presence, requests)
    }

    /// Of any number of officers claiming at once, exactly one gets the request; the rest get 409. The claim and its
    /// audit event are one statement, computed from the request as read just before; if it was widened in between,
    /// the claim is tried again on what it is now.
    /// The teller withdrew the transaction (the customer left): there is nothing left to decide.
    static func withdrawn(_ id: String) -> AuthorizationError {
        AuthorizationError(.withdrawn, "the teller withdrew request \(id): there is nothing to decide / 柜员已撤回该授权申请，无需处理")
    }

    public func claim(_ id: String, user: UserIdentity, terminal: String?) async throws -> RequestSnapshot {
        try Self.requireOfficer(user)
        let now = time.now()
        var attempt = 0
        while true {
            attempt += 1
            guard let seen = try await repository.request(id) else {
                throw AuthorizationError(.notFound, "no authorization request \(id)")
            }
            guard seen.state == .pending else {
                if seen.state == .claimed {
                    throw AuthorizationError(.alreadyClaimed, "request \(id) was claimed by another officer")
                }
                if seen.state == .withdrawn { throw Self.withdrawn(id) }
                throw AuthorizationError(.notPending, "request \(id) is \(seen.state)")
            }
            let event = try AuditLog.Append(Self.claimed(seen, by: user.id, at: now, terminal: terminal))
            if let snapshot = try await repository.claim(id, officer: user.id, at: now, scope: seen.scope, event: event) { return snapshot }
            if attempt == 3 { throw AuthorizationError(.alreadyClaimed, "request \(id) was claimed by another officer") }
        }
    }

    public func decide(
        _ id: String, decision: String, reason: String?, payloadDigest: String, materialDigest: String, user: UserIdentity, terminal: String?
    ) async throws -> RequestSnapshot {
        try Self.requireOfficer(user)
        let decision = try Self.checkDecision(decision, reason: reason)
        guard let payload = SHA256Hash(hex: payloadDigest), let material = SHA256Hash(hex: materialDigest) else {
            throw AuthorizationError(.badDigest, "payload_digest and material_digest are 64 hex digits, as the request shows them")
        }
        let now = time.now()
        guard let current = try await repository.request(id) else {
            throw AuthorizationError(.notFound, "no authorization request \(id)")
        }
        if current.state == .withdrawn { throw Self.withdrawn(id) }
        guard current.state == .claimed, current.claimedBy == user.id else {
            throw AuthorizationError(.noClaim, "you hold no claim on request \(id); claim it first")
        }
        guard let lease = current.leaseUntilUs, now.microsecondsSinceEpoch < lease else {
            throw AuthorizationError(.leaseExpired, "your claim on request \(id) has expired")
        }
        guard current.payloadDigest == payload.hex, current.materialDigest == material.hex else {
            throw AuthorizationError(.staleView, "the request changed since you opened it; reload it before deciding")
        }
        let event = try AuditLog.Append(Self.decided(current, decision: decision, reason: reason, by: user.id, terminal: terminal))
        return try await repository.decide(
            id, officer: user.id, decision: decision, reason: reason, payloadDigest: payload, materialDigest: material,
            approvals: current.approvals, at: now, event: event)
    }

    /// Local mode: the supervisor at the teller's terminal claims and decides in the teller's transaction.
    static func claimAndDecide(
        _ request: RequestSnapshot, officer: String, decision: String, reason: String?, at now: Timestamp, terminal: String?,
        in tx: Transaction
    ) async throws -> RequestSnapshot {
        let decision = try checkDecision(decision, reason: reason)
        let claimEvent = try AuditLog.Append(claimed(request, by: officer, at: now, terminal: terminal))
        guard let held = try await AuthorizationStore.claim(request.id, officer: officer, at: now, scope: request.scope, event: claimEvent, in: tx)
        else { throw AuthorizationError(.notPending, "request \(request.id) is not pending") }
        guard let payload = SHA256Hash(hex: held.payloadDigest), let material = SHA256Hash(hex: held.materialDigest) else {
            throw InconsistencyError("request \(held.id) holds digests that are not 64 hex digits")
        }
        let decideEvent = try AuditLog.Append(decided(held, decision: decision, reason: reason, by: officer, terminal: terminal))
        return try await AuthorizationStore.decide(
            request.id, officer: officer, decision: decision, reason: reason, payloadDigest: payload, materialDigest: material,
            approvals: held.approvals, at: now, event: decideEvent, in: tx)
    }

    /// The material bytes, for the officer holding the claim, an officer who decided, the teller, or an auditor.
    public func material(_ id: String, kind: String, user: UserIdentity) async throws -> (String, [UInt8]) {
        let missing = AuthorizationError(.materialNotFound, "no material '\(kind)' you may see on request \(id)")
        guard let request = try await repository.request(id) else { throw missing }
        // Offered officers see material only once they claim: the claim is what the audit trail records.
        var allowed = request.teller == user.id || user.role.canReadAudit || request.claimedBy == user.id
        if !allowed, request.state != .pending {
            allowed = try await repository.concerns(officer: user.id, request: id)
        }
        guard allowed, let (type, _, box) = try await repository.material(requestID: id, kind: kind),
            let item = request.material.first(where: { $0.kind == kind })
        else { throw missing }
        let bytes = try dataKey.open(box, context: AuthorizationDesk.materialContext(transaction: request.transaction, kind, item.sha256))
        return (type, bytes)
    }

    // MARK: Audit events and checks

    /// The claim of `seen` (the request as read, pending) at `now`: the lease runs from now for the request's lease
    /// time, exactly as the claim statement sets it.
    static func claimed(_ seen: RequestSnapshot, by officer: String, at now: Timestamp, terminal: String?) -> AuditEvent {
        let at = now.microsecondsSinceEpoch
        return AuditEvent(
            actor: officer, branch: seen.branch, terminal: terminal, action: "authz.claimed", subject: "authz:\(seen.id)",
            payload: [
                "scope": .string(seen.scope), "lease_until_us": .integer(at + Int64(seen.leaseSeconds) * 1_000_000),
                "waited_us": .integer(at - seen.createdAtUs),
            ])
    }

    /// The decision on `held` (the request as read, claimed by `officer`), with the approvals it will have after.
    static func decided(
        _ held: RequestSnapshot, decision: AuthorizationDecision, reason: String?, by officer: String, terminal: String?
    ) -> AuditEvent {
        let approvals = held.approvals + (decision == .approve ? 1 : 0)
        let action =
            switch decision {
            case .approve: approvals >= held.officers ? "authz.approved" : "authz.first_approval"
            case .reject: "authz.rejected"
            case .return: "authz.returned"
            }
        return AuditEvent(
            actor: officer, branch: held.branch, terminal: terminal, action: action, subject: "authz:\(held.id)",
            payload: [
                "decision": .string(decision.rawValue), "reason": reason.map { .string($0) } ?? .null, "approvals": .integer(Int64(approvals)),
                "officers": .integer(Int64(held.officers)), "payload_digest": .string(held.payloadDigest),
                "material_digest": .string(held.materialDigest),
            ])
    }

    /// The decision as its type, once its reason is what the decision needs.
    static func checkDecision(_ decision: String, reason: String?) throws -> AuthorizationDecision {
        guard let decision = AuthorizationDecision(rawValue: decision) else {
            throw AuthorizationError(.badDecision, "decision is approve, reject or return")
        }
        if let reason, reason.count > 500 { throw AuthorizationError(.badReason, "the reason is at most 500 characters") }
        if decision.needsReason, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw AuthorizationError(.reasonRequired, "a rejection or return needs a reason the teller can act on")
        }
        return decision
    }

    static func requireOfficer(_ user: UserIdentity) throws {
        guard user.role == .supervisor || user.role == .officer else {
            throw AccessError(.forbidden, "only supervisors and authorization officers authorize")
        }
    }
}
