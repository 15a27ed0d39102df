public import Accounts
import Audit
import Crypto
public import Foundation
public import Storage
public import Vouchers

/// The voucher work behind the HTTP API: render from the transaction's data, add the customer's signature, stamp
/// the branch's seal. Each step's new PDF, its record and its audit event commit in one transaction.
public struct VoucherDesk: Sendable {
    public struct Settings: Sendable {
        public var formsDirectory: String
        public var witnessKeyFile: String
        public var keyPassword: String
        public var bankName: LocalizedText

        public init(formsDirectory: String, witnessKeyFile: String, keyPassword: String, bankName: LocalizedText) {
            self.formsDirectory = formsDirectory
            self.witnessKeyFile = witnessKeyFile
            self.keyPassword = keyPassword
            self.bankName = bankName
        }
    }

    let database: Database
    let settings: Settings
    let dataKey: DataKey
    let renderer: VoucherRenderer

    public init(database: Database, settings: Settings, dataKey: DataKey, renderer: VoucherRenderer = VoucherRenderer()) {
        self.database = database
        self.settings = settings
        self.dataKey = dataKey
        self.renderer = renderer
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    func form(_ id: String) throws -> FormDefinition {
        guard id.range(of: "^[a-z][a-z0-9-]{1,40}$", options: .regularExpression) != nil,
            FileManager.default.fileExists(atPath: "\(settings.formsDirectory)/\(id).json")
        else { throw AppError(.notFound, code: "voucher.unknown_form", "there is no form '\(id)'") }
        return try FormDefinition.load(URL(fileURLWithPath: "\(settings.formsDirectory)/\(id).json"))
    }

    /// Renders a new voucher for `user`'s branch; the values are encrypted before they are stored.
    public func create(formID: String, values: [String: String], user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let form = try form(formID)
        let branch = try await database.read { try await Directory.branchNames(user.branch, in: $0) }
        guard let (branchZH, branchEN) = branch else { throw AppError(.forbidden, code: "voucher.no_branch", "your branch is unknown") }
        let now = AuditTimestamp.now()
        let serial = try await database.transaction { tx in
            let serial = try await VoucherStore.nextSerial(in: tx)
            let data = VoucherData(
                serial: serial, bankName: settings.bankName, branch: LocalizedText(zh: branchZH, en: branchEN), teller: user.id,
                time: Self.chinaTime(now), values: values)
            let pdf = try renderer.render(form: form, data: data)
            let digest = Self.sha256(pdf)
            let plaintext = Array(try JSONEncoder().encode(values))
            try await VoucherStore.insert(
                id: serial, formID: form.id, formVersion: form.version, branch: user.branch, teller: user.id, terminal: terminal,
                keyID: dataKey.id, dataCiphertext: try dataKey.seal(plaintext, context: serial), pdf: pdf, pdfSHA256: digest, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "voucher.rendered", subject: "voucher:\(serial)",
                    payload: ["form": .string(form.id), "form_version": .integer(Int64(form.version)), "pdf_sha256": .string(Self.hex(digest))]),
                in: tx)
            return serial
        }
        return try await voucher(serial, for: user)
    }

    public func voucher(_ id: String, for user: UserIdentity) async throws -> VoucherRecord {
        guard id.range(of: "^V[0-9]{16}$", options: .regularExpression) != nil,
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
                        "strokes_sha256": .string(Self.hex(strokesDigest)), "points": .integer(Int64(strokes.reduce(0) { $0 + $1.count })),
                        "pdf_sha256": .string(Self.hex(digest)), "witness": .string(witness.subject),
                    ]),
                in: tx)
        }
        return try await self.voucher(id, for: user)
    }

    /// Stamps one of the voucher's branch's seals as the final signature.
    public func seal(_ id: String, sealID: String, user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let voucher = try await voucher(id, for: user)
        guard voucher.state == "customer_signed" else {
            throw AppError(.conflict, code: "voucher.wrong_state", "voucher \(id) is \(voucher.state); the customer signs before the seal")
        }
        guard let seal = try await database.read({ try await SealStore.find(sealID, in: $0) }) else {
            throw VoucherError(.unknownSeal, "no seal \(sealID) is registered")
        }
        guard seal.branch == voucher.branch else {
            throw AppError(.forbidden, code: "voucher.seal_wrong_branch", "seal \(sealID) belongs to branch \(seal.branch), not \(voucher.branch)")
        }
        let use = SealUse(database: database, password: settings.keyPassword)
        let sealed = try await use.stamp(voucher.pdf, sealID: sealID, actor: user.id, terminal: terminal, subject: "voucher:\(id)") {
            sealed, tx in
            guard
                try await VoucherStore.advance(
                    id, from: "customer_signed", to: "sealed", expectedSHA256: voucher.pdfSHA256, pdf: sealed, pdfSHA256: Self.sha256(sealed),
                    sealID: sealID, in: tx)
            else { throw AppError(.conflict, code: "voucher.changed", "voucher \(id) changed meanwhile; reload it") }
        }
        _ = sealed
        return try await self.voucher(id, for: user)
    }

    static func hex(_ bytes: [UInt8]) -> String { SHA256Hex.hex(bytes) }

    static func chinaTime(_ time: AuditTimestamp) -> String {
        let shifted = AuditTimestamp(microsecondsSinceEpoch: time.microsecondsSinceEpoch + 8 * 3_600_000_000).description
        return String(shifted.prefix(19)).replacingOccurrences(of: "T", with: " ") + " +08:00"
    }
}
