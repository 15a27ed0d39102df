public import Accounts
import Audit
import Crypto
public import Forms
public import Foundation
public import Storage
public import Vouchers

/// The voucher work behind the HTTP API: render from the transaction's data, add the customer's signature, stamp
/// the branch's seal. Each step's new PDF, its record and its audit event commit in one transaction; the PDF work
/// itself happens before it, so no connection is held while rendering or signing.
public struct VoucherDesk: Sendable {
    public struct Settings: Sendable {
        public var witnessKeyFile: String
        public var keyPassword: String
        public var bankName: LocalizedText

        public init(witnessKeyFile: String, keyPassword: String, bankName: LocalizedText) {
            self.witnessKeyFile = witnessKeyFile
            self.keyPassword = keyPassword
            self.bankName = bankName
        }
    }

    let database: Database
    let settings: Settings
    let dataKey: DataKey
    let renderer: VoucherRenderer
    let catalogue: FormCatalogue

    /// `catalogue` is the one `serve` loaded and checked at start.
    public init(database: Database, settings: Settings, catalogue: FormCatalogue, dataKey: DataKey, renderer: VoucherRenderer = VoucherRenderer()) {
        self.database = database
        self.settings = settings
        self.catalogue = catalogue
        self.dataKey = dataKey
        self.renderer = renderer
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// Renders a new voucher for `user`'s branch; the values are encrypted before they are stored.
    public func create(formID: String, values: [String: String], user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let form = try catalogue.form(formID)
        // The same checks as at the counter: a voucher never carries a value its form would refuse.
        let values = try form.check(values, filledBy: [.customer, .teller], today: Self.chinaToday(.now()))
        let (branch, serial) = try await database.read { tx in
            (try await Directory.branchNames(user.branch, in: tx), try await VoucherStore.nextSerial(in: tx))
        }
        guard let (branchZH, branchEN) = branch else { throw AppError(.forbidden, code: "voucher.no_branch", "your branch is unknown") }
        let data = VoucherData(
            serial: serial, bankName: settings.bankName, branch: LocalizedText(zh: branchZH, en: branchEN), teller: user.id,
            time: Self.chinaTime(.now()), values: values)
        let pdf = try renderer.render(form: form, data: data)
        let digest = Self.sha256(pdf)
        let box = try dataKey.seal(Array(try JSONEncoder().encode(values)), context: serial)
        try await database.transaction { tx in
            try await VoucherStore.insert(
                id: serial, formID: form.id, formVersion: form.version, branch: user.branch, teller: user.id, terminal: terminal,
                keyID: dataKey.id, dataCiphertext: box, pdf: pdf, pdfSHA256: digest, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "voucher.rendered", subject: "voucher:\(serial)",
                    payload: ["form": .string(form.id), "form_version": .integer(Int64(form.version)), "pdf_sha256": .string(SHA256Hex.hex(digest))]),
                in: tx)
        }
        return VoucherRecord(
            id: serial, formID: form.id, formVersion: form.version, branch: user.branch, teller: user.id, terminal: terminal, state: "rendered",
            pdf: pdf, pdfSHA256: digest, sealID: nil)
    }

    public func voucher(_ id: String, for user: UserIdentity) async throws -> VoucherRecord {
        guard id.utf8.count == 17, id.first == "V", id.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }),
            let voucher = try await database.read({ try await VoucherStore.find(id, in: $0) })
        else { throw AppError(.notFound, code: "voucher.not_found", "there is no voucher \(id)") }
        // Tellers and supervisors see their own branch's vouchers; auditors see all.
        guard user.role == .auditor || user.branch == voucher.branch else {
            throw AppError(.notFound, code: "voucher.not_found", "there is no voucher \(id)")
        }
        return voucher
    }

    /// Signs with the counter's witness key and stores the strokes encrypted, with their digest in the PDF.
    public func addCustomerSignature(_ id: String, strokes: [[StrokePoint]], user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let voucher = try await voucher(id, for: user)
        guard voucher.state == "rendered" else { throw AppError(.conflict, code: "voucher.wrong_state", "voucher \(id) is \(voucher.state)") }
        let witness = try SignerCache.shared.signer(keyFile: settings.witnessKeyFile, password: settings.keyPassword)
        let signed = try CustomerSignature.sign(voucher.pdf, strokes: strokes, with: witness, at: Date())
        let canonical = CustomerSignature.canonicalBytes(strokes)
        let strokesDigest = Self.sha256(canonical)
        let digest = Self.sha256(signed)
        let box = try dataKey.seal(canonical, context: "\(id)/strokes")
        try await database.transaction { tx in
            guard
                try await VoucherStore.advance(
                    id, from: "rendered", to: "customer_signed", expectedSHA256: voucher.pdfSHA256, pdf: signed, pdfSHA256: digest,
                    strokesCiphertext: box, strokesSHA256: strokesDigest, in: tx)
            else { throw AppError(.conflict, code: "voucher.changed", "voucher \(id) changed meanwhile; reload it") }
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: voucher.branch, terminal: terminal, action: "voucher.customer_signed", subject: "voucher:\(id)",
                    payload: [
                        "strokes_sha256": .string(SHA256Hex.hex(strokesDigest)), "points": .integer(Int64(strokes.reduce(0) { $0 + $1.count })),
                        "pdf_sha256": .string(SHA256Hex.hex(digest)), "witness": .string(witness.subject),
                    ]),
                in: tx)
        }
        return voucher.advanced(to: "customer_signed", pdf: signed, pdfSHA256: digest)
    }

    /// Stamps one of the voucher's branch's seals as the final signature.
    public func seal(_ id: String, sealID: String, user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let voucher = try await voucher(id, for: user)
        guard voucher.state == "customer_signed" else {
            throw AppError(.conflict, code: "voucher.wrong_state", "voucher \(id) is \(voucher.state); the customer signs before the seal")
        }
        let use = SealUse(database: database, password: settings.keyPassword)
        let sealed = try await use.stamp(
            voucher.pdf, sealID: sealID, actor: user.id, terminal: terminal, subject: "voucher:\(id)", branch: voucher.branch
        ) { sealed, tx in
            guard
                try await VoucherStore.advance(
                    id, from: "customer_signed", to: "sealed", expectedSHA256: voucher.pdfSHA256, pdf: sealed, pdfSHA256: Self.sha256(sealed),
                    sealID: sealID, in: tx)
            else { throw AppError(.conflict, code: "voucher.changed", "voucher \(id) changed meanwhile; reload it") }
        }
        return voucher.advanced(to: "sealed", pdf: sealed, pdfSHA256: Self.sha256(sealed), sealID: sealID)
    }

    /// The bank's civil date (Beijing), which date fields are checked against.
    static func chinaToday(_ time: AuditTimestamp) -> CivilDate {
        let t = time.civil(offsetMinutes: 8 * 60)
        return CivilDate(year: Int(t.year), month: Int(t.month), day: Int(t.day))!
    }

    static func chinaTime(_ time: AuditTimestamp) -> String {
        let t = time.civil(offsetMinutes: 8 * 60)
        return String(format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld +08:00", t.year, t.month, t.day, t.hour, t.minute, t.second)
    }
}
