import Audit
public import Kernel
import NIOCore
import PostgresNIO

/// E-receipt links (migration 0010), found by the SHA-256 of their token.
public enum ReceiptStore {
    public static func insert(
        tokenSHA256: [UInt8], voucher: String, session: Int64?, transaction: String?, at: Timestamp, lifetimeSeconds: Int,
        in tx: Transaction
    ) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO receipts (token_sha256, voucher_id, session_id, transaction_id, created_at, expires_at)
            VALUES (\(tokenSHA256.bytea), \(voucher), \(session), \(transaction), us_to_ts(\(at.microsecondsSinceEpoch)),
                    us_to_ts(\(at.microsecondsSinceEpoch)) + \(lifetimeSeconds) * interval '1 second')
            RETURNING id
            """, context: "receipt")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the receipt was not stored")
    }

    public enum Found: Sendable {
        case valid(id: Int64, voucher: String)
        case expired(id: Int64)
        case unknown
    }

    /// Counts a download of a valid receipt in the same statement that finds it.
    public static func download(tokenSHA256: [UInt8], at: Timestamp, in tx: Transaction) async throws -> Found {
        let rows = try await tx.query(
            """
            WITH hit AS (
                UPDATE receipts SET downloads = downloads + 1
                WHERE token_sha256 = \(tokenSHA256.bytea) AND expires_at > us_to_ts(\(at.microsecondsSinceEpoch))
                RETURNING id, voucher_id
            )
            SELECT id, voucher_id, true FROM hit
            UNION ALL
            SELECT id, voucher_id, false FROM receipts WHERE token_sha256 = \(tokenSHA256.bytea) AND NOT EXISTS (SELECT 1 FROM hit)
            """, context: "receipt")
        for try await (id, voucher, valid) in rows.decode((Int64, String, Bool).self) {
            return valid ? .valid(id: id, voucher: voucher) : .expired(id: id)
        }
        return .unknown
    }
}
