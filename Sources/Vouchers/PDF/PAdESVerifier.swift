import Foundation

/// What `countersign voucher verify` reports for each signature of a PDF.
public struct SignatureReport: Sendable, Equatable {
    public enum Coverage: String, Sendable { case wholeFile = "whole file", earlierRevision = "earlier revision" }

    public let field: String
    public let signer: String
    /// The registry id of the seal, for e-seal signatures.
    public let sealID: String?
    /// The claimed signing time as written in /M.
    public let claimedTime: String
    public let coverage: Coverage
    /// The signed bytes are unchanged and the signature over them verifies.
    public let intact: Bool
    /// The signer's certificate chains to one of the configured roots.
    public let chainTrusted: Bool
    public let problem: String?

    public var isValid: Bool { intact && chainTrusted }
}

/// Finds every signature field of a PDF and checks each one's bytes, CMS and certificate chain.
public enum PAdESVerifier {
    public static func verify(_ pdf: [UInt8], trustedRootsPEM: String) throws(VoucherError) -> [SignatureReport] {
        let structure = try PDFFileStructure(pdf)
        let catalog = try structure.dictionary(structure.root)
        guard let rawForm = catalog["AcroForm"] else { return [] }
        let form: PDFDictionary
        if let reference = PDFReference(rawForm) {
            form = try structure.dictionary(reference)
        } else {
            var scanner = PDFScanner(rawForm)
            do { form = try scanner.dictionary() } catch { throw VoucherError(.badInput, "unreadable /AcroForm") }
        }
        guard let rawFields = form["Fields"] else { return [] }
        let fields: [PDFReference]
        do { fields = try PDFScanner.references(inArray: rawFields) } catch { throw VoucherError(.badInput, "unreadable /Fields") }
        var reports: [SignatureReport] = []
        for fieldReference in fields {
            let field = try structure.dictionary(fieldReference)
            guard field.text("FT")?.trimmingCharacters(in: .whitespaces) == "/Sig", let value = field["V"].flatMap(PDFReference.init) else {
                continue
            }
            reports.append(try report(field: field, signature: try structure.dictionary(value), pdf: pdf, roots: trustedRootsPEM))
        }
        return reports
    }

    private static func report(field: PDFDictionary, signature: PDFDictionary, pdf: [UInt8], roots: String) throws(VoucherError) -> SignatureReport {
        let name = PDFText.decode(field["T"] ?? [])
        let sealID = signature["CountersignSealID"].map(PDFText.decode)
        let time = PDFText.decode(signature["M"] ?? [])
        guard let rawRange = signature.text("ByteRange"), let rawContents = signature["Contents"] else {
            throw VoucherError(.badInput, "signature \(name) has no /ByteRange or /Contents")
        }
        let numbers = rawRange.split(whereSeparator: { "[] \n\r".contains($0) }).compactMap { Int($0) }
        // Compared without adding, so that a damaged range cannot overflow.
        guard numbers.count == 4, numbers[0] == 0, numbers[1] >= 0, numbers[2] >= numbers[1], numbers[3] >= 0, numbers[2] <= pdf.count,
            numbers[3] <= pdf.count - numbers[2]
        else {
            return SignatureReport(
                field: name, signer: "", sealID: sealID, claimedTime: time, coverage: .earlierRevision, intact: false, chainTrusted: false,
                problem: "the byte range does not fit the file")
        }
        let ranges = [0..<numbers[1], numbers[2]..<numbers[2] + numbers[3]]
        let coverage: SignatureReport.Coverage = numbers[2] + numbers[3] == pdf.count ? .wholeFile : .earlierRevision
        let cms = PDFText.hexBytes(rawContents)
        do {
            let (signer, trusted) = try CMSSignature.check(cms, over: pdf, ranges: ranges, trustedRootsPEM: roots)
            return SignatureReport(
                field: name, signer: signer, sealID: sealID, claimedTime: time, coverage: coverage, intact: true, chainTrusted: trusted,
                problem: trusted ? nil : "the certificate does not chain to a trusted root")
        } catch {
            return SignatureReport(
                field: name, signer: "", sealID: sealID, claimedTime: time, coverage: coverage, intact: false, chainTrusted: false,
                problem: "the signed bytes were changed or the signature is broken")
        }
    }
}

/// Reading PDF strings back: literal "(…)" and hex "<…>" (UTF-16BE with BOM or PDFDocEncoding taken as Latin-1).
enum PDFText {
    static func decode(_ raw: [UInt8]) -> String {
        let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("(") && text.hasSuffix(")") { return String(text.dropFirst().dropLast()) }
        guard text.hasPrefix("<") else { return text }
        let bytes = hexBytes(raw)
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    static func hexBytes(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count / 2)
        var high: UInt8?
        for byte in raw {
            let value: UInt8
            switch byte {
            case 0x30...0x39: value = byte - 0x30
            case 0x41...0x46: value = byte - 0x41 + 10
            case 0x61...0x66: value = byte - 0x61 + 10
            default: continue
            }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }
}
