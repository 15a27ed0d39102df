public import Accounts
import Audit
import Authorization
import Counter
import Crypto
public import Forms
import Foundation
import Kernel
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
        /// Every signature the service makes carries a signature time-stamp from here (PAdES B-T).
        public var timeStamping: TimeStamping
        /// Every certificate the service signs with (witness, seals) is asked about here first; nil only where no
        /// responder is configured (an older development PKI; production refuses that).
        public var revocation: RevocationCheck?

        public init(
            witnessKeyFile: String, keyPassword: String, bankName: LocalizedText, timeStamping: TimeStamping, revocation: RevocationCheck? = nil
        ) {
            self.witnessKeyFile = witnessKeyFile
            self.keyPassword = keyPassword
            self.bankName = bankName
            self.timeStamping = timeStamping
            self.revocation = revocation
        }
    }

    let database: Database
    public let settings: Settings
    let dataKey: DataKey
    let renderer: VoucherRenderer
    let catalogue: FormCatalogue

    /// `catalogue` is the one `serve` loaded and checked at start.
    /// Where rendering and signing run: off the cooperative pool (issue #17, part 6).
    let blocking: BlockingWorkGate

    public init(
        database: Database, settings: Settings, catalogue: FormCatalogue, dataKey: DataKey, renderer: VoucherRenderer = VoucherRenderer(),
        blocking: BlockingWorkGate = .voucherWork()
    ) {
        self.blocking = blocking
        self.database = database
        self.settings = settings
        self.catalogue = catalogue
        self.dataKey = dataKey
        self.renderer = renderer
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// A preview of `formID` with `values`: watermarked 样张 SPECIMEN, checked like a voucher, never stored, and
    /// with no way to be signed or sealed — vouchers come only from committed counter transactions.
    public func specimen(formID: String, values: [String: String], user: UserIdentity) async throws -> [UInt8] {
        try await specimen(formID: formID, values: values, teller: user.id, branch: user.branch)
    }

    /// The same for a teller's counter draft: what the customer is about to sign, shown to them before they do —
    /// on a screen others at the counter can see, so masked as the confirmation view is.
    public func specimen(formID: String, values: [String: String], teller: String, branch: String, masked: Bool = false) async throws
        -> [UInt8]
    {
        let form = try catalogue.form(formID)
        var values = try form.check(values, filledBy: [.customer, .teller], today: Self.chinaToday(.now()))
        if masked {
            for field in form.fields {
                if let mask = field.mask, let value = values[field.id] { values[field.id] = mask.apply(value) }
            }
        }
        let names = try await database.read { try await Directory.branchNames(branch, in: $0) }
        guard let (branchZH, branchEN) = names else { throw VoucherDeskError(.noBranch, "your branch is unknown") }
        let data = VoucherData(
            serial: "SPECIMEN", bankName: settings.bankName, branch: LocalizedText(zh: branchZH, en: branchEN), teller: teller,
            time: Self.chinaTime(.now()), values: values, specimen: true)
        let renderer = renderer
        return try await blocking.run { try renderer.render(form: form, data: data) }
    }

    /// Renders the voucher of a committed counter transaction from its committed payload (decrypted and checked
    /// against the digest it was committed with), with the facts it proves printed on its face. The database
    /// refuses a voucher of anything else (migration 0021).
    public func render(_ source: VoucherSource, user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let form = try catalogue.form(source.code)
        // Checked as on the day it was committed: a step resumed after midnight must not fail a date check.
        let committed = Timestamp(microsecondsSinceEpoch: source.committedAtMicros)
        let values = try form.check(try committedValues(source), filledBy: [.customer, .teller], today: Self.chinaToday(committed))
        let (branch, serial, decisions, events) = try await database.read { tx in
            (
                try await Directory.branchNames(source.branch, in: tx), try await VoucherStore.nextSerial(in: tx),
                try await VoucherStore.decisions(transaction: source.transactionID, in: tx),
                try await VoucherStore.events(transaction: source.transactionID, session: source.session, in: tx)
            )
        }
        guard let (branchZH, branchEN) = branch else { throw VoucherDeskError(.noBranch, "your branch is unknown") }
        let data = VoucherData(
            serial: serial, bankName: settings.bankName, branch: LocalizedText(zh: branchZH, en: branchEN), teller: source.teller,
            time: Self.chinaTime(.now()), values: values, evidence: Self.evidence(source),
            evidenceJSON: Self.evidenceJSON(source, serial: serial, decisions: decisions, events: events).canonicalText)
        let renderer = renderer
        let pdf = try await blocking.run { try renderer.render(form: form, data: data) }
        let digest = Self.sha256(pdf)
        let box = try dataKey.seal(Array(try JSONEncoder().encode(values)), context: serial)
        try await database.transaction { tx in
            try await VoucherStore.insert(
                id: serial, formID: form.id, formVersion: form.version, branch: source.branch, teller: source.teller, terminal: terminal,
                keyID: dataKey.id, dataCiphertext: box, pdf: pdf, pdfSHA256: digest, transaction: source.transactionID,
                payloadDigest: source.committedDigest, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: source.branch, terminal: terminal, action: "voucher.rendered", subject: "voucher:\(serial)",
                    payload: [
                        "form": .string(form.id), "form_version": .integer(Int64(form.version)), "pdf_sha256": .string(digest.hexString),
                        "transaction": .string(source.transactionID), "payload_digest": .string(source.committedDigest.hexString),
                    ]),
                in: tx)
        }
        return VoucherRecord(
            id: serial, formID: form.id, formVersion: form.version, branch: source.branch, teller: source.teller, terminal: terminal,
            state: .rendered, pdf: pdf, pdfSHA256: digest, sealID: nil)
    }

    /// The values the customer confirmed, as committed: the payload opens only with the digest it was committed
    /// with, and names the view the customer confirmed.
    func committedValues(_ source: VoucherSource) throws -> [String: String] {
        guard let digest = SHA256Hash(bytes: source.committedDigest) else { throw Self.brokenSource(source) }
        let plain = try dataKey.open(source.payloadCiphertext, context: AuthorizationDesk.payloadContext(digest))
        guard SHA256Hash.sha256(of: plain) == digest, let submission = try? JSONDecoder().decode(TransactionSubmission.self, from: Data(plain))
        else { throw Self.brokenSource(source) }
        var values = submission.fields
        guard values.removeValue(forKey: CounterBooking.viewDigestField) == source.viewDigest.hexString else {
            throw Self.brokenSource(source)
        }
        return values
    }

    static func brokenSource(_ source: VoucherSource) -> VoucherDeskError {
        VoucherDeskError(
            .sourceMismatch,
            "transaction \(source.transactionID) does not match what the customer confirmed / 交易与客户确认的内容不符")
    }

    /// The chain the voucher proves, embedded in it: what the customer confirmed and signed (digests), who
    /// authorized it on which digests, when it was committed by which rules, and the audit events of its story —
    /// so the file alone can be matched against the bank's records and its audit trail.
    static func evidenceJSON(_ s: VoucherSource, serial: String, decisions: [EvidenceDecision], events: [EvidenceEvent]) -> CanonicalJSON {
        func time(_ micros: Int64) -> CanonicalJSON { .string(Timestamp(microsecondsSinceEpoch: micros).description) }
        return [
            "format": "countersign-voucher-evidence/1",
            "voucher": .string(serial),
            "transaction": .string(s.transactionID),
            "form": .string(s.code),
            "committed_at": time(s.committedAtMicros),
            "payload_sha256": .string(s.committedDigest.hexString),
            "rules": [
                "version": .string(s.ruleSetVersion), "level": s.level.map { .integer(Int64($0)) } ?? .null,
                "mode": s.mode.map { .string($0) } ?? .null,
            ],
            "customer": [
                "counter_session": .integer(s.session), "draft_version": .integer(Int64(s.draftVersion)),
                "confirmed_view_sha256": .string(s.viewDigest.hexString), "strokes_sha256": .string(s.strokesSHA256.hexString),
                "screen": s.screen.map(screenEvidence) ?? .null,
            ],
            "decisions": .array(
                decisions.map {
                    [
                        "request": .string($0.request), "officer": .string($0.officer), "decision": .string($0.decision.rawValue),
                        "decided_at": time($0.decidedAtMicros), "payload_sha256": .string($0.payloadSHA256),
                        "material_sha256": .string($0.materialSHA256),
                    ]
                }),
            "audit_events": .array(
                events.map { ["chain": .string($0.chain), "seq": .integer($0.seq), "action": .string($0.action), "hash": .string($0.hash)] }),
        ]
    }

    /// The enrolled screen's statements as it signed them, with its public key: anyone can check them with the
    /// file alone (ECDSA P-256 / SHA-256 over the statement text's bytes, signature r ‖ s).
    static func screenEvidence(_ screen: ScreenStatements) -> CanonicalJSON {
        func signed(_ statement: (text: String, signature: [UInt8])) -> CanonicalJSON {
            ["statement": .string(statement.text), "signature": .string(Data(statement.signature).base64EncodedString())]
        }
        return [
            "device": .integer(screen.device), "terminal": .string(screen.terminal),
            "public_key": .string(Data(screen.publicKey).base64EncodedString()), "algorithm": "ECDSA P-256 SHA-256, signature r||s",
            "confirmation": signed(screen.confirmation), "signature": signed(screen.signature),
        ]
    }

    /// What the voucher proves beyond its fields, printed under them.
    static func evidence(_ s: VoucherSource) -> [String] {
        let committed = chinaTime(Timestamp(microsecondsSinceEpoch: s.committedAtMicros))
        var lines = ["交易 Transaction \(s.transactionID) · 记账 Committed \(committed) · 规则 Rules \(s.ruleSetVersion)"]
        if let level = s.level, let mode = s.mode {
            let modes = [
                "local": "本地授权 local", "cross-terminal": "跨终端授权 cross-terminal", "cross-branch": "跨网点授权 cross-branch",
                "central": "集中授权 central",
            ]
            lines.append(
                "授权 Authorized: \(level) 级 level \(level) · \(modes[mode] ?? mode) · 授权人 by \(s.approvers.joined(separator: ", "))")
        } else {
            lines.append("无需授权 No authorization required by the rules")
        }
        // One digest per line: both on one line ran off an A5 page.
        lines.append("客户确认画面 Confirmed view SHA-256 \(s.viewDigest.hexString)")
        lines.append("签名笔迹 Strokes SHA-256 \(s.strokesSHA256.hexString)")
        if let screen = s.screen {
            lines.append("客户屏 Screen \(screen.terminal) · 登记设备 device \(screen.device) · 确认与签名均由其密钥签署 both signed by its key")
        }
        return lines
    }

    public func voucher(_ id: String, for user: UserIdentity) async throws -> VoucherRecord {
        guard id.utf8.count == 17, id.first == "V", id.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }),
            let voucher = try await database.read({ try await VoucherStore.find(id, in: $0) })
        else { throw VoucherDeskError(.notFound, "there is no voucher \(id)") }
        // Tellers and supervisors see their own branch's vouchers; auditors see all.
        guard user.role == .auditor || user.branch == voucher.branch else {
            throw VoucherDeskError(.notFound, "there is no voucher \(id)")
        }
        return voucher
    }

    /// A voucher's PDF for `user`. An auditor reads any branch's (the customer's name, account and ID on its face):
    /// each such reading is an audit event, committed before the file is handed out.
    public func pdf(_ id: String, for user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let record = try await voucher(id, for: user)
        if user.role == .auditor {
            try await database.transaction { tx in
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, terminal: terminal, action: "voucher.read", subject: "voucher:\(record.id)",
                        payload: ["pdf_sha256": .string(record.pdfSHA256.hexString)]), in: tx)
            }
        }
        return record
    }

    /// The pad's size in the voucher's stroke units: the screen captures fractions of its pad.
    static let pad = (width: 600.0, height: 220.0)

    /// Signs with the counter's witness key, with the strokes the customer screen captured for the voucher's
    /// transaction — read back from their record, and named in the PDF by the capture's own digest. The database
    /// refuses any other strokes (migration 0021).
    public func addCustomerSignature(_ voucher: VoucherRecord, source: VoucherSource, user: UserIdentity, terminal: String?) async throws
        -> VoucherRecord
    {
        guard voucher.state == .rendered else {
            throw VoucherDeskError(.wrongState, "voucher \(voucher.id) is already signed / 凭证 \(voucher.id) 已有客户签名")
        }
        let id = voucher.id
        let captured = try dataKey.open(
            source.strokesCiphertext, context: CounterDesk.strokesContext(session: source.session, version: source.draftVersion))
        guard Self.sha256(captured) == source.strokesSHA256, let points = SignatureInk.parse(canonical: captured) else {
            throw Self.brokenSource(source)
        }
        let strokes = points.map { stroke in
            stroke.map { StrokePoint(x: $0.x * Self.pad.width, y: $0.y * Self.pad.height, t: $0.t, pressure: $0.pressure) }
        }
        let witness = try SignerCache.shared.signer(keyFile: settings.witnessKeyFile, password: settings.keyPassword)
        _ = try await settings.revocation?.requireGood(witness, at: Date())
        let strokesDigest = source.strokesSHA256
        let signed = try await CustomerSignature.sign(
            voucher.pdf, strokes: strokes, strokesSHA256: strokesDigest.hexString, with: witness, at: Date(),
            timeStamper: settings.timeStamping.stamper, executor: blocking)
        let digest = Self.sha256(signed)
        let box = try dataKey.seal(captured, context: "\(id)/strokes")
        try await database.transaction { tx in
            guard
                try await VoucherStore.advance(
                    id, from: .rendered, to: .customerSigned, expectedSHA256: voucher.pdfSHA256, pdf: signed, pdfSHA256: digest,
                    strokesCiphertext: box, strokesSHA256: strokesDigest, in: tx)
            else { throw VoucherDeskError(.changed, "voucher \(id) changed meanwhile; reload it") }
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: voucher.branch, terminal: terminal, action: "voucher.customer_signed", subject: "voucher:\(id)",
                    payload: [
                        "strokes_sha256": .string(strokesDigest.hexString), "points": .integer(Int64(strokes.reduce(0) { $0 + $1.count })),
                        "pdf_sha256": .string(digest.hexString), "witness": .string(witness.subject),
                    ]),
                in: tx)
        }
        return voucher.advanced(to: .customerSigned, pdf: signed, pdfSHA256: digest)
    }

    /// Stamps one of the voucher's branch's seals as the final signature.
    public func seal(_ id: String, sealID: String, user: UserIdentity, terminal: String?) async throws -> VoucherRecord {
        let voucher = try await voucher(id, for: user)
        guard voucher.state == .customerSigned else {
            throw VoucherDeskError(.wrongState, "voucher \(id): the customer signs before the seal, once / 凭证 \(id) 须先由客户签名，且只用印一次")
        }
        let use = SealUse(
            database: database, password: settings.keyPassword, timeStamper: settings.timeStamping.stamper, revocation: settings.revocation,
            executor: blocking)
        // The seal reads as the bank's: its name and the branch's along the arc.
        let branchName = try await database.read { try await Directory.branchNames(voucher.branch, in: $0) }?.0 ?? ""
        let sealed = try await use.stamp(
            voucher.pdf, sealID: sealID, actor: user.id, terminal: terminal, subject: "voucher:\(id)", branch: voucher.branch,
            ring: settings.bankName.zh + branchName
        ) { sealed, archiveExpiry, tx in
            guard
                try await VoucherStore.advance(
                    id, from: .customerSigned, to: .sealed, expectedSHA256: voucher.pdfSHA256, pdf: sealed, pdfSHA256: Self.sha256(sealed),
                    sealID: sealID, archiveExpiresAt: archiveExpiry.map(Timestamp.init), in: tx)
            else { throw VoucherDeskError(.changed, "voucher \(id) changed meanwhile; reload it") }
        }
        return voucher.advanced(to: .sealed, pdf: sealed, pdfSHA256: Self.sha256(sealed), sealID: sealID)
    }

    /// The bank's civil date (Beijing), which date fields are checked against.
    static func chinaToday(_ time: Timestamp) -> CivilDate {
        let t = time.civil(offsetMinutes: 8 * 60)
        return CivilDate(year: Int(t.year), month: Int(t.month), day: Int(t.day))!
    }

    static func chinaTime(_ time: Timestamp) -> String {
        let t = time.civil(offsetMinutes: 8 * 60)
        return String(format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld +08:00", t.year, t.month, t.day, t.hour, t.minute, t.second)
    }
}
