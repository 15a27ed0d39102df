public import Audit
import Crypto
public import Forms
import Foundation
import PDFReader
public import Storage
import Vouchers

/// The public check of a voucher: every signature of an uploaded PDF (or of the sealed voucher with a given
/// receipt number), in plain words. Anyone may ask; what they learn about a receipt number is whether it is genuine,
/// never its content.
public struct ReceiptVerifier: Sendable {
    let database: Database
    let trustedRootsPEM: String
    let gate: BlockingWorkGate

    public init(database: Database, trustedRootsPEM: String, gate: BlockingWorkGate = .verification()) {
        self.database = database
        self.trustedRootsPEM = trustedRootsPEM
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

        enum CodingKeys: String, CodingKey {
            case field, signer, seal, intact, trusted, words
            case signedAt = "signed_at"
            case wholeFile = "whole_file"
        }
    }

    public struct Verdict: Sendable, Encodable {
        let valid: Bool
        let summary: LocalizedText
        let voucher: String?
        let sha256: String
        let signatures: [Signature]
    }

    public func verify(pdf: [UInt8], voucher: String? = nil) async throws -> Verdict {
        let roots = trustedRootsPEM
        let reports = try await gate.run { () throws -> [SignatureReport] in
            do {
                return try PAdESVerifier.verify(pdf, trustedRootsPEM: roots)
            } catch let error as PDFReadError {
                throw Self.refusal(error)
            }
        }
        guard !reports.isEmpty else { throw AppError(.unprocessableContent, code: "verify.not_signed", "this PDF carries no signatures") }
        let signatures = reports.map { report in
            Signature(
                field: report.field, signer: report.signer, seal: report.sealID, signedAt: Self.readable(report.claimedTime), intact: report.intact,
                trusted: report.chainTrusted, wholeFile: report.coverage == .wholeFile, words: Self.words(report))
        }
        // Genuine: every signature holds, and the last one covers the whole file (nothing was added after it).
        let valid = reports.allSatisfy(\.isValid) && reports.last?.coverage == .wholeFile
        let digest = SHA256.hash(data: pdf).hexString
        try await database.transaction { tx in
            try await AuditLog.append(
                AuditEvent(
                    chain: "verify", actor: "public", action: "verify.performed",
                    subject: voucher.map { "voucher:\($0)" } ?? "file:\(digest.prefix(16))",
                    payload: ["valid": .bool(valid), "signatures": .integer(Int64(reports.count)), "pdf_sha256": .string(digest)]),
                in: tx)
        }
        let summary =
            valid
            ? LocalizedText(zh: "文件真实有效：全部签名完整，签署后未被改动。", en: "Genuine: every signature holds and nothing changed after signing.")
            : LocalizedText(zh: "无法确认：至少一个签名无效，或文件在签署后被改动。", en: "Not confirmed: a signature does not hold, or the file was changed after signing.")
        return Verdict(valid: valid, summary: summary, voucher: voucher, sha256: digest, signatures: signatures)
    }

    /// What the uploader is told about a file that cannot be read: words, never the parser's internals.
    static func refusal(_ error: PDFReadError) -> AppError {
        let tooComplex = error.code == .tooComplex
        return AppError(
            tooComplex ? .contentTooLarge : .unprocessableContent, code: tooComplex ? "verify.too_complex" : "verify.unreadable",
            "this file cannot be checked: \(error.message) / 无法检查此文件：\(error.messageZh)")
    }

    /// A receipt number is the voucher's serial; only sealed vouchers are receipts.
    public func verify(voucher id: String) async throws -> Verdict {
        guard id.utf8.count == 17, id.first == "V", id.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }),
            let record = try await database.read({ try await VoucherStore.find(id, in: $0) }), record.state == "sealed"
        else { throw AppError(.notFound, code: "verify.no_receipt", "no sealed voucher has this number") }
        return try await verify(pdf: record.pdf, voucher: id)
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

    static func words(_ report: SignatureReport) -> LocalizedText {
        let who = report.sealID.map { "\(report.signer) (\($0))" } ?? report.signer
        if report.intact && !report.laterChangesAllowed {
            return LocalizedText(
                zh: "无效：签名本身完整，但签署之后文件内容被改动（不只是追加了签名）。",
                en: "Invalid: the signature itself holds, but the document was changed after it, beyond adding signatures.")
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
                zh: "有效：由 \(who) 签署了较早的版本，其后追加了内容（如下一个签名）。",
                en: "Valid for an earlier version, signed by \(who); more was added after it (such as the next signature).")
        }
    }
}
