public import Foundation
public import PDFReader

/// What to sign and how it looks.
public struct SignatureRequest: Sendable {
    /// The field's name (/T); unique in the document.
    public var fieldName: String
    /// Where the visible signature sits on the first page, in points: x, y (bottom-left), width, height.
    public var rect: (x: Double, y: Double, width: Double, height: Double)
    public var appearance: SignatureAppearance
    /// The claimed signing time (/M). PAdES keeps it here, not in the CMS.
    public var time: Date
    public var signerName: String?
    public var reason: String?
    /// Extra entries for the signature dictionary (covered by the signature), e.g. the strokes' digest.
    /// Keys are PDF names without the slash; values are written as text strings.
    public var extraEntries: [String: String]

    public init(
        fieldName: String, rect: (x: Double, y: Double, width: Double, height: Double), appearance: SignatureAppearance, time: Date,
        signerName: String? = nil, reason: String? = nil, extraEntries: [String: String] = [:]
    ) {
        self.fieldName = fieldName
        self.rect = rect
        self.appearance = appearance
        self.time = time
        self.signerName = signerName
        self.reason = reason
        self.extraEntries = extraEntries
    }
}

/// Adds a PAdES signature (ETSI.CAdES.detached) as an incremental update: the original bytes are never touched;
/// a new revision appends the signature dictionary, the widget with its appearance, the updated page and form,
/// a classic cross-reference section and trailer. The file is read only at its end, not parsed whole, so signing
/// costs little more than the CMS signature itself.
public enum PAdESSigner {
    /// Bytes reserved for the CMS in /Contents: a signature with two certificates is about 3 KB, its time-stamp
    /// token (with the TSA's certificate) about 2–5 KB more.
    public static let defaultReserve = 12 * 1024
    /// Larger inputs are refused before any work: no voucher or attachment here comes near it.
    public static let maximumInputBytes = 64 * 1024 * 1024

    /// PAdES B-B: the signature without a time-stamp (the offline tools; the service time-stamps every signature).
    public static func sign(_ pdf: [UInt8], request: SignatureRequest, signer: Signer, reserve: Int = defaultReserve) throws(VoucherError)
        -> [UInt8]
    {
        var prepared = try prepare(pdf, request: request, signer: signer, reserve: reserve)
        return try prepared.embedded()
    }

    /// PAdES B-T: the signature with a signature time-stamp from `timeStamper` (an unsigned attribute of the CMS,
    /// over its signature value). A TSA that does not answer fails the whole signature: nothing is returned.
    /// The revision and the signature are made on `executor`; the wait for the TSA is not.
    public static func sign(
        _ pdf: [UInt8], request: SignatureRequest, signer: Signer, timeStamper: TimeStamper, reserve: Int = defaultReserve,
        executor: some BlockingExecutor = .inPlace
    ) async throws -> [UInt8] {
        var prepared = try await executor.run { try prepare(pdf, request: request, signer: signer, reserve: reserve) }
        prepared.cms = try await timeStamper.stamp(prepared.cms)
        return try await executor.run { [prepared] in
            var signed = prepared
            return try signed.embedded()
        }
    }

    /// The new revision written and signed, its CMS not yet in `/Contents`: a time-stamp can be added between.
    struct Prepared: Sendable {
        var output: [UInt8]
        let contentsStart: Int
        let contentsEnd: Int
        var cms: [UInt8]
        let reserve: Int
        /// The signed bytes: everything but `/Contents`.
        var ranges: [Range<Int>] { [0..<contentsStart, contentsEnd..<output.count] }

        /// The file with the CMS written into its reserved `/Contents`.
        mutating func embedded() throws(VoucherError) -> [UInt8] {
            let hex = Hex.upper(cms)
            guard hex.count <= contentsEnd - contentsStart - 2 else {
                throw VoucherError(.signingFailed, "the CMS signature (\(cms.count) bytes) does not fit the \(reserve) bytes reserved")
            }
            output.replaceSubrange(contentsStart + 1..<contentsStart + 1 + hex.count, with: hex)
            return output
        }
    }

    static func prepare(_ pdf: [UInt8], request: SignatureRequest, signer: Signer, reserve: Int) throws(VoucherError) -> Prepared {
        var prepared = try revision(pdf, request: request, kind: .signature, reserve: reserve)
        prepared.cms = try CMSSignature.sign(prepared.output, ranges: prepared.ranges, with: signer)
        return prepared
    }

    /// The new revision written with its /ByteRange filled and /Contents still empty: what is signed (or
    /// time-stamped) is exactly `ranges`.
    static func revision(_ pdf: [UInt8], request: SignatureRequest, kind: SignatureUpdate.Kind, reserve: Int) throws(VoucherError) -> Prepared {
        try validate(request)
        guard pdf.count <= maximumInputBytes else {
            throw VoucherError(.badInput, "the PDF is \(pdf.count) bytes; at most \(maximumInputBytes) are signed")
        }
        let structure = try SignatureUpdate.read { () throws(PDFReadError) in try PDFFileStructure(pdf, limits: .signing) }
        var update = try SignatureUpdate(structure: structure, request: request, kind: kind, reserve: reserve)
        var output = pdf
        if output.last != 10 { output.append(10) }
        let layout = update.append(to: &output)
        // Fill /ByteRange in its fixed-width placeholder.
        let byteRange = "0 \(layout.contentsStart) \(layout.contentsEnd) \(output.count - layout.contentsEnd)"
        let padded = byteRange.padding(toLength: SignatureUpdate.byteRangeWidth, withPad: " ", startingAt: 0)
        output.replaceSubrange(layout.byteRangeStart..<layout.byteRangeStart + SignatureUpdate.byteRangeWidth, with: Array(padded.utf8))
        return Prepared(output: output, contentsStart: layout.contentsStart, contentsEnd: layout.contentsEnd, cms: [], reserve: reserve)
    }

    /// Upper-case hex without going through String: this runs once per signature on every seal.
    enum Hex {
        private static let digits = Array("0123456789ABCDEF".utf8)
        static func upper(_ bytes: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: bytes.count * 2)
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digits[Int(byte >> 4)]
                out[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return out
        }
    }

    /// A letter, then up to 63 letters, digits or `extra` bytes.
    private static func isName(_ text: String, extra: [UInt8]) -> Bool {
        let bytes = Array(text.utf8)
        func letter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        guard let first = bytes.first, letter(first), bytes.count <= 64 else { return false }
        return bytes.dropFirst().allSatisfy { letter($0) || (0x30...0x39).contains($0) || extra.contains($0) }
    }

    private static func validate(_ request: SignatureRequest) throws(VoucherError) {
        // Plain byte checks: this runs on every seal, and Foundation compiles a regular expression per call.
        guard isName(request.fieldName, extra: [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")]) else {
            throw VoucherError(.badInput, "field name must be 1–64 characters of A–Z, a–z, 0–9, '.', '-', '_'")
        }
        let r = request.rect
        guard r.width > 0, r.height > 0, r.x >= 0, r.y >= 0, r.width < 5000, r.height < 5000 else {
            throw VoucherError(.badInput, "the signature rectangle is not on the page")
        }
        for key in request.extraEntries.keys where !isName(key, extra: [UInt8(ascii: ".")]) {
            throw VoucherError(.badInput, "extra entry '\(key)' is not a valid PDF name")
        }
    }
}

extension PDFLimits {
    /// The service signs only files it rendered itself, and an auditor checks files from their own disk: the size
    /// bound is the signer's, every other bound stays.
    public static let signing: PDFLimits = {
        var limits = PDFLimits()
        limits.maximumBytes = PAdESSigner.maximumInputBytes
        return limits
    }()
}
