import Audit
import Foundation
public import Kernel
import NIOCore
import PostgresNIO

/// Archive renewals of sealed vouchers (migration 0034): which vouchers' newest archive time-stamp expires before a
/// horizon, and the renewed files, each appended to the one before it.
public enum VoucherRenewals {
    /// A sealed voucher's file as it now stands: the sealed one, or its newest renewal.
    public struct Current: Sendable {
        public let voucher: String
        public let branch: String
        /// How many renewals it has had; the next one is `generation + 1`.
        public let generation: Int
        public let pdf: [UInt8]

        public init(voucher: String, branch: String, generation: Int, pdf: [UInt8]) {
            self.voucher = voucher
            self.branch = branch
            self.generation = generation
            self.pdf = pdf
        }
    }

    /// Where candidates are looked for: sealed vouchers whose recorded archive expiry is before `horizon`, or not
    /// recorded (sealed before migration 0034; the caller reads the file).
    private static func candidates(after cursor: String, horizon: Timestamp) -> PostgresQuery {
        """
        FROM vouchers v
        LEFT JOIN LATERAL (
            SELECT generation, pdf, archive_expires_at FROM voucher_renewals WHERE voucher_id = v.id ORDER BY generation DESC LIMIT 1
        ) r ON true
        WHERE v.state = 'sealed' AND v.id > \(cursor)
          AND coalesce(r.archive_expires_at, v.archive_expires_at, '-infinity') < us_to_ts(\(horizon.microsecondsSinceEpoch))
        """
    }

    /// How many vouchers a run starting after `cursor` will look at (for its progress bar).
    public static func count(after cursor: String = "", horizon: Timestamp, in tx: Transaction) async throws -> Int {
        var query = candidates(after: cursor, horizon: horizon)
        query = PostgresQuery(unsafeSQL: "SELECT count(*)::int " + query.sql, binds: query.binds)
        for try await count in try await tx.query(query, context: "renewal candidates").decode(Int.self) { return count }
        return 0
    }

    /// The next `limit` candidates after `cursor`, in id order (keyset: a run resumes where it stopped).
    public static func next(after cursor: String, horizon: Timestamp, limit: Int, in tx: Transaction) async throws -> [Current] {
        var query = candidates(after: cursor, horizon: horizon)
        query = PostgresQuery(
            unsafeSQL: "SELECT v.id, v.branch_code, coalesce(r.generation, 0), coalesce(r.pdf, v.pdf) " + query.sql
                + " ORDER BY v.id LIMIT \(max(1, min(limit, 1000)))",
            binds: query.binds)
        var found: [Current] = []
        for try await (id, branch, generation, pdf) in try await tx.query(query, context: "renewal batch").decode(
            (String, String, Int, ByteBuffer).self)
        {
            found.append(Current(voucher: id, branch: branch, generation: generation, pdf: pdf.byteArray))
        }
        return found
    }

    /// Records a renewal; PostgreSQL refuses one that is not the next or does not append to the current file.
    public static func record(
        _ current: Current, renewed pdf: [UInt8], sha256: [UInt8], previousSHA256: [UInt8], archiveExpiresAt: Timestamp, by actor: String,
        in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO voucher_renewals (voucher_id, generation, previous_sha256, pdf, pdf_sha256, archive_expires_at, renewed_by)
            VALUES (\(current.voucher), \(current.generation + 1), \(previousSHA256.bytea), \(pdf.bytea), \(sha256.bytea),
                    us_to_ts(\(archiveExpiresAt.microsecondsSinceEpoch)), \(actor))
            """, context: "record renewal")
    }

    /// The voucher's file as it now stands (its newest renewal, or the sealed file), if it is sealed.
    public static func current(_ voucher: String, in tx: Transaction) async throws -> Current? {
        let rows = try await tx.query(
            """
            SELECT v.id, v.branch_code, coalesce(r.generation, 0), coalesce(r.pdf, v.pdf) FROM vouchers v
            LEFT JOIN LATERAL (SELECT generation, pdf FROM voucher_renewals WHERE voucher_id = v.id ORDER BY generation DESC LIMIT 1) r ON true
            WHERE v.id = \(voucher) AND v.state = 'sealed'
            """, context: "current voucher file")
        for try await (id, branch, generation, pdf) in rows.decode((String, String, Int, ByteBuffer).self) {
            return Current(voucher: id, branch: branch, generation: generation, pdf: pdf.byteArray)
        }
        return nil
    }
}
