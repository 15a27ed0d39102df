import Audit
import Counter
import Crypto
import Forms
import Foundation
import Kernel
import PDFReader
public import Storage
import Vouchers

/// The public check of a voucher: every signature of an uploaded PDF (or of the sealed voucher with a given
/// receipt number), in plain words. Anyone may ask; what they learn about a receipt number is whether it is genuine,
/// never its content.
public struct ReceiptVerifier: Sendable {
    let database: Database
    let trustedRootsPEM: String
    /// The time-stamping roots: with them each signature is judged at the time its time-stamp proves.
    let timeStampRootsPEM: String?
    let gate: BlockingWorkGate

    public init(database: Database, trustedRootsPEM: String, timeStampRootsPEM: String? = nil, gate: BlockingWorkGate = .verification()) {
        self.database = database
        self.trustedRootsPEM = trustedRootsPEM
        self.timeStampRootsPEM = timeStampRootsPEM
        self.gate = gate
    }

    public struct Signature: Sendable, Encodable {
        let field: String
        let signer: String
        let seal: String?
        let signedAt: String
        let intact: Bool
        let trusted: Bool
        let wholeFile: Bool
        let words: LocalizedText
        /// "B-LTA", "B-LT" or "B-T" when its time-stamp holds (and then `proven_at` is the time it proves), else "B-B";
        /// "DocTimeStamp" for an archive time-stamp over the whole file.
        let level: String
        let provenAt: String?

        enum CodingKeys: String, CodingKey {
            case field, signer, seal, intact, trusted, words, level
            case signedAt = "signed_at"
            case wholeFile = "whole_file"
            case provenAt = "proven_at"
        }
    }

    /// One thing a genuine voucher must be, and whether this file is it.
    public struct Finding: Sendable, Encodable {
        let fact: String
        let established: Bool
        let words: LocalizedText
    }

    public struct Verdict: Sendable, Encodable {
        let valid: Bool
        let summary: LocalizedText
        let voucher: String?
        let sha256: String
        /// The last signature is a bank seal over the whole file (not the customer-signed version, not a part).
        /// The committed transaction the voucher is the end of, when the bank issued it.
        let transaction: String?
        let sealedVoucher: Bool
        /// The file is, byte for byte, a voucher this bank sealed.
        let issuedByThisBank: Bool
        let findings: [Finding]
        let signatures: [Signature]

        enum CodingKeys: String, CodingKey {
            case valid, summary, voucher, sha256, findings, signatures, transaction
            case sealedVoucher = "sealed_voucher"
            case issuedByThisBank = "issued_by_this_bank"
        }
    }

    public func verify(pdf: [UInt8], voucher: String? = nil) async throws -> Verdict {
        let (roots, timeStampRoots) = (trustedRootsPEM, timeStampRootsPEM)
        let reports = try await gate.run { () throws -> [SignatureReport] in
            do {
                return try PAdESVerifier.verify(pdf, trustedRootsPEM: roots, timeStampRootsPEM: timeStampRoots)
            } catch let error as PDFReadError {
                throw Self.refusal(error)
            }
        }
        guard !reports.isEmpty else { throw VerificationError(.notSigned, "this PDF carries no signatures / 此文件没有任何签名") }
        let signatures = reports.map { report in
            Signature(
                field: report.field, signer: Self.readable(subject: report.signer), seal: report.sealID, signedAt: Self.readable(report.claimedTime),
                intact: report.intact,
                trusted: report.chainTrusted, wholeFile: report.coverage == .wholeFile, words: Self.words(report), level: report.level,
                provenAt: report.provenTime.map { ISO8601DateFormatter().string(from: $0) })
        }
        // The file's own evidence: every signature and time-stamp holds, and the last covers the whole file. The last
        // signature is the one before any document time-stamps (the bank's long-term evidence follows its seal).
        let holds = reports.allSatisfy(\.isValid) && reports.last?.coverage == .wholeFile
        let digest = SHA256.hash(data: pdf).hexString
        let lastSignature = reports.last { $0.level != "DocTimeStamp" }
        let seal = lastSignature?.sealID
        let (issued, standing) = try await database.read { tx -> (VoucherRegistry.Issued?, VoucherRegistry.SealStanding?) in
            let issued = try await VoucherRegistry.issued(sha256: Array(SHA256.hash(data: pdf)), in: tx)
            guard let seal else { return (issued, nil) }
            return (issued, try await VoucherRegistry.standing(seal: seal, in: tx))
        }
        var screen: ScreenStatements?
        if let transaction = issued?.transaction {
            screen = try await database.read { try await VoucherStore.screenStatements(transaction: transaction, in: $0) }
        }
        let judged = Self.judge(
            holds: holds, last: lastSignature, seal: seal, standing: standing, issued: issued,
            screenSigned: issued == nil ? nil : (screen?.terminal ?? "", screen.map(ScreenEvidence.holds) ?? false))
        try await database.transaction { tx in
            try await AuditLog.append(
                AuditEvent(
                    chain: "verify", actor: "public", action: "verify.performed",
                    subject: voucher.map { "voucher:\($0)" } ?? "file:\(digest.prefix(16))",
                    payload: [
                        "valid": .bool(judged.valid), "signatures": .integer(Int64(reports.count)), "pdf_sha256": .string(digest),
                        "issued_voucher": issued.map { .string($0.voucher) } ?? .null,
                    ]),
                in: tx)
        }
        return Verdict(
            valid: judged.valid, summary: judged.summary, voucher: voucher ?? issued?.voucher, sha256: digest, transaction: issued?.transaction,
            sealedVoucher: seal != nil,
            issuedByThisBank: issued != nil, findings: judged.findings, signatures: signatures)
    }

    /// Genuine means issued by this bank: the signatures hold; the last is a registered seal of ours whose
    /// certificate is the registry's; the seal was active when the bank's record says it was used; and the file is
    /// byte for byte a voucher the bank sealed. For a file from elsewhere, the findings say which of these could not
    /// be established.
    static func judge(
        holds: Bool, last: SignatureReport?, seal: String?, standing: VoucherRegistry.SealStanding?, issued: VoucherRegistry.Issued?,
        screenSigned: (terminal: String, holds: Bool)? = nil
    ) -> (valid: Bool, summary: LocalizedText, findings: [Finding]) {
        let registered = standing != nil && standing?.certificateSubject == last?.signer && (issued?.sealID.map { $0 == seal } ?? true)
        let sealedAt = issued?.sealedAtMicros
        let activeWhenUsed = sealedAt.flatMap { time in standing.map { $0.active(at: time) } } ?? false
        var findings = [
            Finding(
                fact: "signatures_hold", established: holds,
                words: holds
                    ? LocalizedText(zh: "全部签名完整，签署后文件未被改动。", en: "Every signature holds; nothing changed after signing.")
                    : LocalizedText(zh: "至少一个签名无效，或文件在签署后被改动。", en: "A signature does not hold, or the file was changed after signing.")),
            Finding(
                fact: "sealed", established: seal != nil,
                words: seal != nil
                    ? LocalizedText(zh: "最后一个签名是银行印章。", en: "The last signature is a bank seal.")
                    : LocalizedText(
                        zh: "不是已用印的凭证：最后一个签名不是银行印章（例如只有客户签名的版本）。",
                        en: "Not a sealed voucher: the last signature is not a bank seal (for example the customer-signed version only).")),
            Finding(
                fact: "seal_registered", established: registered,
                words: registered
                    ? LocalizedText(
                        zh: "印章「\(standing?.nameZH ?? seal ?? "")」是本行登记的印章，证书与登记一致。",
                        en: "The seal \"\(standing?.nameEN ?? seal ?? "")\" is registered with this bank, with this certificate.")
                    : LocalizedText(
                        zh: "印章未在本行登记，或证书与登记不符。", en: "The seal is not registered with this bank, or its certificate is not the registered one.")),
            Finding(
                fact: "seal_active_when_used", established: activeWhenUsed,
                words: Self.standingWords(standing, sealedAt: sealedAt, active: activeWhenUsed)),
            Finding(
                fact: "issued_by_this_bank", established: issued != nil,
                words: issued.map {
                    let of = $0.transaction.map { " (transaction \($0))" } ?? ""
                    let ofZH = $0.transaction.map { "（交易 \($0)）" } ?? ""
                    return LocalizedText(
                        zh: "本行签发的凭证 \($0.voucher)\(ofZH)，与登记的文件逐字节一致；其证据链附在文件中。",
                        en: "Voucher \($0.voucher)\(of) issued by this bank, byte for byte as registered; its evidence is attached to the file."
                    )
                } ?? LocalizedText(zh: "本行没有登记这个文件：无法确认是本行签发的凭证。", en: "No voucher of this bank is this file: it cannot be confirmed as ours.")),
        ]
        if let screen = screenSigned {
            findings.append(
                Finding(
                    fact: "customer_screen_signed", established: screen.holds,
                    words: screen.holds
                        ? LocalizedText(
                            zh: "客户的确认和签名由终端 \(screen.terminal) 的登记客户屏以其设备密钥签署，签名核验无误。",
                            en:
                                "The customer's confirmation and signature were signed by the enrolled screen of terminal \(screen.terminal) with its device key; both check out."
                        )
                        : LocalizedText(
                            zh: "没有客户屏的签名声明，或声明与其登记密钥、本凭证不符。",
                            en: "The enrolled customer screen's signed statements are missing, or do not match its key or this voucher.")))
        }
        let valid = findings.allSatisfy(\.established)
        let summary: LocalizedText
        if valid {
            summary =
                standing?.revokedAtMicros != nil
                ? LocalizedText(
                    zh: "文件真实有效：本行签发的凭证，用印时印章有效（印章后来已停用）。",
                    en: "Genuine: a voucher issued by this bank, sealed while the seal was active (the seal was revoked later).")
                : LocalizedText(
                    zh: "文件真实有效：本行签发的凭证，印章有效，签署后未被改动。",
                    en: "Genuine: a voucher issued by this bank, with a valid seal; nothing changed after signing.")
        } else if !holds {
            summary = findings[0].words
        } else if seal == nil {
            summary = findings[1].words
        } else {
            let missing = findings.filter { !$0.established }
            summary = LocalizedText(
                zh: "无法确认：" + missing.map(\.words.zh).joined(separator: " "), en: "Not confirmed: " + missing.map(\.words.en).joined(separator: " "))
        }
        return (valid, summary, findings)
    }

    static func standingWords(_ standing: VoucherRegistry.SealStanding?, sealedAt: Int64?, active: Bool) -> LocalizedText {
        guard let standing else { return LocalizedText(zh: "印章不在本行登记中。", en: "The seal is not in this bank's registry.") }
        guard let sealedAt else {
            return LocalizedText(zh: "无法确认用印时间：本行没有这个文件的用印记录。", en: "When it was sealed cannot be established: the bank has no record of this file.")
        }
        // As the bank's vouchers print times: Beijing time, to the second.
        let when = VoucherDesk.chinaTime(Timestamp(microsecondsSinceEpoch: sealedAt))
        if active {
            guard let revoked = standing.revokedAtMicros else {
                return LocalizedText(zh: "用印时（\(when)）印章有效。", en: "The seal was active when used (\(when)).")
            }
            let later = VoucherDesk.chinaTime(Timestamp(microsecondsSinceEpoch: revoked))
            return LocalizedText(
                zh: "用印时（\(when)）印章有效；印章于 \(later) 停用，晚于本凭证用印。",
                en: "The seal was active when used (\(when)); it was revoked at \(later), after this voucher was sealed.")
        }
        return LocalizedText(
            zh: "用印时（\(when)）印章已停用或不在有效期内。", en: "When used (\(when)) the seal was revoked or outside its validity.")
    }

    /// What the uploader is told about a file that cannot be read: words, never the parser's internals.
    static func refusal(_ error: PDFReadError) -> VerificationError {
        let words = "this file cannot be checked: \(error.message) / 无法检查此文件：\(error.messageZh)"
        guard error.code != .tooComplex else { return VerificationError(.tooComplex, words) }
        return VerificationError(.unreadable, words)
    }

    /// A receipt number is the voucher's serial; only sealed vouchers are receipts.
    public func verify(voucher id: String) async throws -> Verdict {
        guard id.utf8.count == 17, id.first == "V", id.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }),
            let current = try await database.read({ try await VoucherRenewals.current(id, in: $0) })
        else { throw VerificationError(.noReceipt, "no sealed voucher has this number / 没有这个编号的已用印凭证") }
        return try await verify(pdf: current.pdf, voucher: id)
    }

    /// A PDF date as people write it: "D:20261124060547+08'00'" → "2026-11-24 06:05:47 +08:00" (anything else as is).
    static func readable(_ pdfDate: String) -> String {
        let digits = Array(pdfDate.dropFirst(2))
        guard pdfDate.hasPrefix("D:"), digits.count >= 14, digits.prefix(14).allSatisfy(\.isNumber) else { return pdfDate }
        func part(_ from: Int, _ count: Int) -> String { String(digits[from..<(from + count)]) }
        var text = "\(part(0, 4))-\(part(4, 2))-\(part(6, 2)) \(part(8, 2)):\(part(10, 2)):\(part(12, 2))"
        if digits.count >= 20, digits[14] == "+" || digits[14] == "-" { text += " \(digits[14])\(part(15, 2)):\(part(18, 2))" }
        return text
    }

    /// Who signed, as people read it: the certificate's name (CN) and organisation (O), not its raw subject.
    static func readable(subject: String) -> String {
        var parts: [String: String] = [:]
        var current = ""
        var escaped = false
        // RFC 4514: commas separate attributes unless escaped with a backslash.
        for character in subject + "," {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                let pair = current.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, parts[pair[0].uppercased()] == nil { parts[pair[0].uppercased()] = pair[1] }
                current = ""
            } else {
                current.append(character)
            }
        }
        guard let name = parts["CN"] else { return subject }
        return parts["O"].map { "\(name)（\($0)）" } ?? name
    }

    static func words(_ report: SignatureReport) -> LocalizedText {
        let who = readable(subject: report.signer)
        if report.intact && !report.laterChangesAllowed {
            return LocalizedText(
                zh: "无效：签名本身完整，但签署之后文件内容被改动（不只是追加了签名）。",
                en: "Invalid: the signature itself holds, but the document was changed after it, beyond adding signatures.")
        }
        if report.revokedAt != nil {
            return LocalizedText(
                zh: "无效：按文件自带的吊销信息，签名证书在签署之前已被吊销。",
                en: "Invalid: by the file's own revocation data, the certificate was revoked before this signature was made.")
        }
        switch (report.intact, report.chainTrusted, report.coverage) {
        case (false, _, _):
            return LocalizedText(zh: "无效：签署后文件被改动，或签名已损坏。", en: "Invalid: the file was changed after this signature, or it is damaged.")
        case (true, false, _):
            return LocalizedText(zh: "签名完整，但签名证书不是本行签发的。", en: "Intact, but the certificate was not issued by this bank.")
        case (true, true, .wholeFile):
            return LocalizedText(zh: "有效：由 \(who) 签署，其后文件未被改动。", en: "Valid: signed by \(who); the file has not changed since.")
        case (true, true, .earlierRevision):
            return LocalizedText(
                zh: "有效：由 \(who) 签署；其后只追加了后续签名（如银行印章）或长期验证数据，这是正常的。",
                en:
                    "Valid: signed by \(who); only later signatures (such as the bank's seal) or long-term evidence were added after it, as they should be."
            )
        }
    }
}
