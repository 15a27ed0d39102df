import Audit
import Foundation
public import Kernel
import NIOCore
import PostgresNIO

/// Where a voucher stands (`vouchers.state`; migration 0004's guard allows only these moves, in this order).
public enum VoucherState: String, Codable, StoredWord {

    /// Rendered from the committed transaction; nothing signed yet.
    case rendered
    /// The customer's handwritten signature is on it.
    case customerSigned = "customer_signed"
    /// The bank's e-seal is on it: final (only archive renewals follow, as new generations).
    case sealed
}

/// A voucher row; `dataCiphertext` and `strokesCiphertext` are sealed boxes the service decrypts, never the database.
public struct VoucherRecord: Sendable {
    public let id: String
    public let formID: String
    public let formVersion: Int
    public let branch: String
    public let teller: String
    public let terminal: String?
    public let state: VoucherState
    public let pdf: [UInt8]
    public let pdfSHA256: [UInt8]
    public let sealID: String?

    public init(
        id: String, formID: String, formVersion: Int, branch: String, teller: String, terminal: String?, state: VoucherState, pdf: [UInt8],
        pdfSHA256: [UInt8], sealID: String?
    ) {
        self.id = id
        self.formID = formID
        self.formVersion = formVersion
        self.branch = branch
        self.teller = teller
        self.terminal = terminal
        self.state = state
        self.pdf = pdf
        self.pdfSHA256 = pdfSHA256
        self.sealID = sealID
    }

    /// This voucher after a step: new state and revision.
    public func advanced(to state: VoucherState, pdf: [UInt8], pdfSHA256: [UInt8], sealID: String? = nil) -> VoucherRecord {
        VoucherRecord(
            id: id, formID: formID, formVersion: formVersion, branch: branch, teller: teller, terminal: terminal, state: state, pdf: pdf,
            pdfSHA256: pdfSHA256, sealID: sealID ?? self.sealID)
    }
}

public enum VoucherStore {
    /// The next serial: V + date in China Standard Time + 8 digits.
    public static func nextSerial(in tx: Transaction) async throws -> String {
        let rows = try await tx.query(
            "SELECT 'V' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(nextval('voucher_serial')::text, 8, '0')")
        for try await serial in rows.decode(String.self) { return serial }
        throw StorageError(.queryFailed, "no voucher serial")
    }

    public static func insert(
        id: String, formID: String, formVersion: Int, branch: String, teller: String, terminal: String?, keyID: String, dataCiphertext: [UInt8],
        pdf: [UInt8], pdfSHA256: [UInt8], transaction: String, payloadDigest: [UInt8], in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO vouchers (id, form_id, form_version, branch_code, teller_id, terminal, state, key_id, data_ciphertext, pdf, pdf_sha256,
                                  transaction_id, payload_digest)
            VALUES (\(id), \(formID), \(formVersion), \(branch), \(teller), \(terminal), 'rendered', \(keyID), \(dataCiphertext.bytea),
                    \(pdf.bytea), \(pdfSHA256.bytea), \(transaction), \(payloadDigest.bytea))
            """, context: "insert voucher")
    }

    public static func find(_ id: String, in tx: Transaction) async throws -> VoucherRecord? {
        let rows = try await tx.query(
            """
            SELECT id, form_id, form_version, branch_code, teller_id, terminal, state, pdf, pdf_sha256, seal_id
            FROM vouchers WHERE id = \(id)
            """)
        for try await (id, form, version, branch, teller, terminal, state, pdf, digest, seal) in rows.decode(
            (String, String, Int, String, String, String?, String, ByteBuffer, ByteBuffer, String?).self)
        {
            return VoucherRecord(
                id: id, formID: form, formVersion: version, branch: branch, teller: teller, terminal: terminal,
                state: try .stored(state, column: "vouchers.state"),
                pdf: pdf.byteArray, pdfSHA256: digest.byteArray, sealID: seal)
        }
        return nil
    }

    /// Moves the voucher forward if it is still at `from` with the PDF the caller started from (no lost update).
    /// Returns false when another request got there first.
    public static func advance(
        _ id: String, from: VoucherState, to: VoucherState, expectedSHA256: [UInt8], pdf: [UInt8], pdfSHA256: [UInt8],
        strokesCiphertext: [UInt8]? = nil,
        strokesSHA256: [UInt8]? = nil, sealID: String? = nil, archiveExpiresAt: Timestamp? = nil, in tx: Transaction
    ) async throws -> Bool {
        let rows = try await tx.query(
            """
            UPDATE vouchers SET state = \(to.rawValue), pdf = \(pdf.bytea), pdf_sha256 = \(pdfSHA256.bytea),
                strokes_ciphertext = coalesce(\(strokesCiphertext?.bytea), strokes_ciphertext),
                strokes_sha256 = coalesce(\(strokesSHA256?.bytea), strokes_sha256),
                seal_id = coalesce(\(sealID), seal_id), updated_at = now(),
                archive_expires_at = coalesce(us_to_ts(\(archiveExpiresAt?.microsecondsSinceEpoch)), archive_expires_at)
            WHERE id = \(id) AND state = \(from.rawValue) AND pdf_sha256 = \(expectedSHA256.bytea)
            RETURNING id
            """)
        for try await _ in rows { return true }
        return false
    }
}
