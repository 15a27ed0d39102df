import NIOCore
import PostgresNIO

/// What the bank's own records say about an uploaded file (issue #14: genuine means issued by this bank): whether
/// its bytes are a sealed voucher of ours, and the standing of the seal that signed it.
public enum VoucherRegistry {
    public struct Issued: Sendable {
        public let voucher: String
        public let transaction: String?
        /// When the seal was stamped, by the bank's record (the PDF's own date is only claimed by the signer).
        public let sealedAtMicros: Int64
        public let sealID: String?
    }

    public struct SealStanding: Sendable {
        public let certificateSubject: String
        public let nameZH: String
        public let nameEN: String
        public let revokedAtMicros: Int64?
        public let validFromMicros: Int64
        public let validUntilMicros: Int64

        /// Usable at `time`: within its validity and not yet revoked.
        public func active(at time: Int64) -> Bool {
            validFromMicros <= time && time < validUntilMicros && (revokedAtMicros.map { time < $0 } ?? true)
        }
    }

    /// The sealed voucher whose final PDF — as sealed, or as an archive renewal left it (migration 0034) — has
    /// exactly this SHA-256, if the bank issued one at the end of a committed counter transaction (vouchers minted
    /// before migration 0021 by the old free-standing routes are not).
    public static func issued(sha256: [UInt8], in tx: Transaction) async throws -> Issued? {
        let rows = try await tx.query(
            """
            SELECT id, transaction_id, ts_to_us(updated_at), seal_id FROM vouchers
            WHERE pdf_sha256 = \(sha256.bytea) AND state = 'sealed' AND transaction_id IS NOT NULL
            UNION ALL
            SELECT v.id, v.transaction_id, ts_to_us(v.updated_at), v.seal_id FROM voucher_renewals r JOIN vouchers v ON v.id = r.voucher_id
            WHERE r.pdf_sha256 = \(sha256.bytea) AND v.state = 'sealed' AND v.transaction_id IS NOT NULL
            LIMIT 1
            """, context: "voucher by digest")
        for try await (id, transaction, sealedAt, seal) in rows.decode((String, String?, Int64, String?).self) {
            return Issued(voucher: id, transaction: transaction, sealedAtMicros: sealedAt, sealID: seal)
        }
        return nil
    }

    public static func standing(seal id: String, in tx: Transaction) async throws -> SealStanding? {
        let rows = try await tx.query(
            """
            SELECT certificate_subject, name_zh, name_en, ts_to_us(revoked_at), ts_to_us(valid_from), ts_to_us(valid_until)
            FROM seals WHERE id = \(id)
            """, context: "seal standing")
        for try await (subject, zh, en, revoked, from, until) in rows.decode((String, String, String, Int64?, Int64, Int64).self) {
            return SealStanding(
                certificateSubject: subject, nameZH: zh, nameEN: en, revokedAtMicros: revoked, validFromMicros: from, validUntilMicros: until)
        }
        return nil
    }
}
