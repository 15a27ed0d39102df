import Audit
public import Authorization
public import Counter
public import Kernel
import NIOCore
import PostgresNIO

/// Counter sessions and the customer's confirmations (migration 0008).
public enum CounterStore {
    public static func openSession(teller: String, branch: String, terminal: String, device: Int64, at: Timestamp, in tx: Transaction)
        async throws -> Int64
    {
        let rows = try await tx.query(
            """
            INSERT INTO counter_sessions (teller_id, branch_code, terminal, device_id, created_at)
            VALUES (\(teller), \(branch), \(terminal), \(device), us_to_ts(\(at.microsecondsSinceEpoch))) RETURNING id
            """, context: "counter")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the counter session was not stored")
    }

    public static func closeSession(_ id: Int64, at: Timestamp, in tx: Transaction) async throws {
        try await tx.query(
            "UPDATE counter_sessions SET closed_at = us_to_ts(\(at.microsecondsSinceEpoch)) WHERE id = \(id) AND closed_at IS NULL",
            context: "counter")
    }

    /// One answer per draft version: a second answer to the same view is refused by the unique key.
    public static func recordConfirmation(
        session: Int64, version: Int, decision: ScreenStatement.Decision, digest: [UInt8], keyID: String, viewCiphertext: [UInt8],
        statement: (text: String, signature: [UInt8]),
        at: Timestamp, in tx: Transaction
    ) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO counter_confirmations (session_id, draft_version, decision, view_digest, key_id, view_ciphertext, statement,
                                               statement_signature, at)
            VALUES (\(session), \(version), \(decision.rawValue), \(digest.bytea), \(keyID), \(viewCiphertext.bytea), \(statement.text),
                    \(statement.signature.bytea), us_to_ts(\(at.microsecondsSinceEpoch)))
            RETURNING id
            """, context: "counter")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the confirmation was not stored")
    }
}

extension CounterStore {
    public static func recordSignature(
        session: Int64, version: Int, viewDigest: [UInt8], strokesSHA256: [UInt8], points: Int, keyID: String, ciphertext: [UInt8],
        statement: (text: String, signature: [UInt8]), at: Timestamp, in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO counter_signatures (session_id, draft_version, view_digest, strokes_sha256, points, key_id, strokes_ciphertext,
                                            statement, statement_signature, at)
            VALUES (\(session), \(version), \(viewDigest.bytea), \(strokesSHA256.bytea), \(points), \(keyID), \(ciphertext.bytea),
                    \(statement.text), \(statement.signature.bytea), us_to_ts(\(at.microsecondsSinceEpoch)))
            """, context: "counter")
    }
}

extension CounterStore {
    /// Links a signed draft version to the teller transaction it was booked as (migration 0011); a version is
    /// booked once.
    public static func bookTransaction(session: Int64, version: Int, transaction: String, in tx: Transaction) async throws {
        try await tx.query(
            """
            INSERT INTO counter_transactions (session_id, draft_version, transaction_id)
            VALUES (\(session), \(version), \(transaction))
            """, context: "counter")
    }

    /// The draft version of `teller`'s counter session that was booked as a transaction, if any (one per session
    /// reaches a voucher).
    public static func bookedVersion(session: Int64, teller: String, in tx: Transaction) async throws -> Int? {
        let rows = try await tx.query(
            """
            SELECT c.draft_version FROM counter_transactions c JOIN counter_sessions s ON s.id = c.session_id
            WHERE c.session_id = \(session) AND s.teller_id = \(teller)
            ORDER BY c.draft_version DESC LIMIT 1
            """, context: "counter")
        for try await version in rows.decode(Int.self) { return version }
        return nil
    }

    /// The transaction a signed draft version was booked as, with its state (`needs_authorization`, `ready`,
    /// `committed`, `abandoned`); nil if it was never booked.
    public static func bookedTransaction(session: Int64, version: Int, in tx: Transaction) async throws -> (id: String, state: TransactionState)? {
        let rows = try await tx.query(
            """
            SELECT t.id, t.state FROM counter_transactions c JOIN teller_transactions t ON t.id = c.transaction_id
            WHERE c.session_id = \(session) AND c.draft_version = \(version)
            """, context: "counter")
        for try await (id, state) in rows.decode((String, String).self) {
            return (id, try .stored(state, column: "teller_transactions.state"))
        }
        return nil
    }
}

extension CounterStore {
    /// What the customer confirmed and signed for a booked counter transaction: the confirmed view and the captured
    /// strokes, both sealed, with the session and version their seals are bound to.
    public struct CustomerSide: Sendable {
        public let session: Int64
        public let version: Int
        public let viewCiphertext: [UInt8]
        public let strokesCiphertext: [UInt8]
        public let strokesSHA256: [UInt8]
    }

    public static func customerSide(transaction: String, in tx: Transaction) async throws -> CustomerSide? {
        let rows = try await tx.query(
            """
            SELECT c.session_id, c.draft_version, f.view_ciphertext, g.strokes_ciphertext, g.strokes_sha256
            FROM counter_transactions c
            JOIN counter_confirmations f ON f.session_id = c.session_id AND f.draft_version = c.draft_version AND f.decision = 'confirm'
            JOIN counter_signatures g ON g.session_id = c.session_id AND g.draft_version = c.draft_version
            WHERE c.transaction_id = \(transaction)
            """, context: "counter")
        for try await (session, version, view, strokes, digest) in rows.decode((Int64, Int, ByteBuffer, ByteBuffer, ByteBuffer).self) {
            return CustomerSide(
                session: session, version: version, viewCiphertext: view.byteArray, strokesCiphertext: strokes.byteArray,
                strokesSHA256: digest.byteArray)
        }
        return nil
    }
}
