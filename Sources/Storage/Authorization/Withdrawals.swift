import Audit
public import Authorization
public import Kernel
import PostgresNIO

/// A teller's withdrawal of an open transaction (migration 0031): one row, whose insert withdraws the open request
/// and finishes the transaction in the same statement, with its audit event.
extension AuthorizationStore {
    public enum WithdrawalOutcome: Sendable {
        case withdrawn(request: RequestSnapshot?)
        /// Not this teller's transaction, or no such transaction.
        case notFound
        /// The transaction had already finished: committed or abandoned.
        case finished(state: TransactionState)
    }

    /// Locks the transaction's requests and then the transaction — the order a commit and a rejection take them
    /// in, so a withdrawal racing either waits for it (or it for the withdrawal) instead of deadlocking — then
    /// records the withdrawal and `event`. Asked again by the teller who withdrew it, it answers as the first time.
    public static func withdraw(
        transaction id: String, teller: String, reason: String, at: Timestamp, event: AuditLog.Append, in tx: Transaction
    ) async throws -> WithdrawalOutcome {
        // Read to the end: a SELECT's error (and its wait for the locks) comes with its rows.
        for try await _ in try await tx.query(
            "SELECT id FROM authz_requests WHERE transaction_id = \(id) ORDER BY id FOR UPDATE", context: "withdraw")
        {}
        var found: (String, String, Bool)?
        let locked = try await tx.query(
            """
            SELECT teller_id, state, EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = t.id)
            FROM teller_transactions t WHERE id = \(id) FOR UPDATE
            """, context: "withdraw")
        for try await row in locked.decode((String, String, Bool).self) { found = row }
        guard let (owner, state, withdrawn) = found, owner == teller else { return .notFound }
        if withdrawn { return .withdrawn(request: try await latestRequest(of: id, in: tx)) }
        let current = try TransactionState.stored(state, column: "teller_transactions.state")
        guard current.isOpen else { return .finished(state: current) }
        let rows = try await tx.query(
            """
            WITH w AS (
                INSERT INTO txn_withdrawals (transaction_id, teller_id, reason, withdrawn_at)
                VALUES (\(id), \(teller), \(reason), us_to_ts(\(at.microsecondsSinceEpoch))) RETURNING transaction_id)
            SELECT a.seq, a.at_us, a.prev_hash, a.hash FROM w, LATERAL audit_append(\(auditArguments: event)) a
            """, context: "withdraw")
        for try await stored in rows.decode((Int64, Int64, ByteBuffer, ByteBuffer).self) { _ = try event.stored(stored) }
        return .withdrawn(request: try await latestRequest(of: id, in: tx))
    }

    /// The request as the withdrawal left it: the newest version of the transaction's requests.
    static func latestRequest(of transaction: String, in tx: Transaction) async throws -> RequestSnapshot? {
        try await optionalSnapshot(
            tx.query(
                "SELECT authz_request_view(r)::text FROM authz_requests r WHERE transaction_id = \(transaction) ORDER BY version DESC LIMIT 1",
                context: "withdraw"))
    }

    /// Whether the transaction was withdrawn by its teller (rather than rejected).
    public static func wasWithdrawn(_ transaction: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query("SELECT 1 FROM txn_withdrawals WHERE transaction_id = \(transaction)", context: "withdrawal")
        for try await _ in rows { return true }
        return false
    }
}
