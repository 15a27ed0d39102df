public import Accounts
import Audit
import Foundation
public import Storage

extension AuthorizationDesk {
    public struct Withdrawn: Sendable {
        public let transactionID: String
        /// The transaction's newest request as the withdrawal left it (withdrawn, or already finished before it).
        public let request: RequestSnapshot?
    }

    /// The teller withdraws a transaction not yet committed — the customer changed their mind or left while an
    /// officer was looking: its open or approved request is withdrawn (an officer holding it can no longer decide
    /// it) and the transaction is finished, with the teller's reason, in one audited statement. Asked again (its answer
    /// lost on the way), it answers as the first time.
    public func withdraw(transaction id: String, reason: String, user: UserIdentity, terminal: String?) async throws -> Withdrawn {
        try Self.requireTeller(user)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        // Counted in code points, as the database's char_length counts them.
        guard (1...200).contains(reason.unicodeScalars.count) else {
            throw AuthorizationError(.withdrawReason, "say why the transaction is withdrawn, in at most 200 characters / 请填写撤回原因（不超过200字）")
        }
        let now = time.now()
        let event = try AuditLog.Append(
            AuditEvent(
                actor: user.id, branch: user.branch, terminal: terminal, action: "txn.withdrawn", subject: "txn:\(id)",
                payload: ["reason": .string(reason)]))
        let outcome = try await repository.withdraw(transaction: id, teller: user.id, reason: reason, at: now, event: event)
        switch outcome {
        case .withdrawn(let request): return Withdrawn(transactionID: id, request: request)
        case .notFound: throw AuthorizationError(.transactionNotFound, "no transaction \(id) of yours")
        case .finished(let state) where state == .committed:
            throw AuthorizationError(.alreadyCommitted, "transaction \(id) was already committed")
        case .finished:
            throw AuthorizationError(.finished, "transaction \(id) was rejected / 交易 \(id) 已被拒绝")
        }
    }
}
