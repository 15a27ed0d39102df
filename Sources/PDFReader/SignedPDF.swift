/// Every signature of a PDF, located and checked the way a validator must before any cryptography is trusted
/// (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5.1): the byte range starts at 0 and leaves out exactly the signature's
/// own `/Contents` string, the signed bytes end a revision whose cross-reference section lies inside them, and every
/// later revision only adds what a later signature may add. Without these checks the hash of the signed bytes can be
/// genuine while the document a reader shows is not (signature wrapping, shadow revisions).
public struct SignedPDF: Sendable {
    public struct Signature: Sendable {
        /// The field's name (/T).
        public let field: String
        /// The signature dictionary (/V).
        public let dictionary: PDFDictionary
        /// The signed bytes: the two parts of /ByteRange.
        public let ranges: [Range<Int>]
        /// The CMS from /Contents, zero padding included (DER readers stop at its own length).
        public let cms: [UInt8]
        public let coversWholeFile: Bool
        /// Set when /ByteRange does not describe this signature exactly: it then proves nothing about the file.
        public let coverageProblem: String?
        /// Set when a later revision changed something that signing a further field cannot explain.
        public let laterChangeProblem: String?
    }

    public let structure: PDFFileStructure
    public let signatures: [Signature]

    public init(_ bytes: [UInt8], limits: PDFLimits = .standard) throws(PDFReadError) {
        structure = try PDFFileStructure(bytes, limits: limits)
        var signatures: [Signature] = []
        for (field, value) in try Self.signatureFields(structure, limits: limits) {
            let dictionary = try structure.dictionary(value)
            signatures.append(try Self.check(field: field, dictionary: dictionary, in: structure, limits: limits))
        }
        self.signatures = signatures
    }

    /// The signature fields of the form, by name and /V, each signature dictionary once.
    private static func signatureFields(_ structure: PDFFileStructure, limits: PDFLimits) throws(PDFReadError)
        -> [(String, PDFReference)]
    {
        let catalog = try structure.dictionary(structure.root)
        guard let form = try FormObjects.acroForm(of: catalog, in: structure), let rawFields = form["Fields"] else { return [] }
        let fields: [PDFReference]
        do { fields = try PDFScanner.references(inArray: rawFields, limits: limits) } catch { throw .from(error) }
        guard fields.count <= limits.maximumFields else { throw .tooComplex("\(fields.count) form fields") }
        var seenFields = Set<PDFReference>()
        var seenValues = Set<PDFReference>()
        var found: [(String, PDFReference)] = []
        for reference in fields where seenFields.insert(reference).inserted {
            let field = try structure.dictionary(reference)
            guard field.name("FT") == "Sig", let value = field["V"].flatMap(PDFReference.init) else { continue }
            guard seenValues.insert(value).inserted else { throw .damaged("two signature fields share one signature") }
            guard found.count < limits.maximumSignatures else { throw .tooComplex("more than \(limits.maximumSignatures) signatures") }
            found.append((PDFText.decode(field["T"] ?? []), value))
        }
        return found
    }

    private static func check(field: String, dictionary: PDFDictionary, in structure: PDFFileStructure, limits: PDFLimits) throws(PDFReadError)
        -> Signature
    {
        let bytes = structure.bytes
        func refused(_ problem: String) -> Signature {
            Signature(
                field: field, dictionary: dictionary, ranges: [], cms: [], coversWholeFile: false, coverageProblem: problem, laterChangeProblem: nil)
        }
        guard let numbers = byteRange(dictionary["ByteRange"]), numbers[0] == 0, numbers[1] > 0, numbers[2] > numbers[1],
            numbers[2] <= bytes.count, numbers[3] <= bytes.count - numbers[2]
        else { return refused("the byte range does not fit the file") }
        let gap = numbers[1]..<numbers[2]
        // The one gap must be this signature's own /Contents string, exactly, and hold nothing but hex digits: any
        // other byte there is unsigned content a reader would see.
        guard dictionary.valueRanges["Contents"] == gap, gap.count >= 2, bytes[gap.lowerBound] == UInt8(ascii: "<"),
            bytes[gap.upperBound - 1] == UInt8(ascii: ">"),
            bytes[gap.lowerBound + 1..<gap.upperBound - 1].allSatisfy({ PDFText.hexDigit($0) != nil })
        else { return refused("the unsigned gap is not exactly this signature's /Contents") }
        guard (gap.count - 2) / 2 <= limits.maximumSignatureBytes else { throw .tooComplex("a signature of \(gap.count / 2) bytes") }
        let signedEnd = numbers[2] + numbers[3]
        let ranges = [0..<numbers[1], numbers[2]..<signedEnd]
        let cms = PDFText.hexBytes(bytes[gap])
        guard signedEnd < bytes.count else {
            return Signature(
                field: field, dictionary: dictionary, ranges: ranges, cms: cms, coversWholeFile: true, coverageProblem: nil, laterChangeProblem: nil)
        }
        let signed: PDFFileStructure
        switch signedRevision(bytes, end: signedEnd, current: structure, limits: limits) {
        case .success(let revision): signed = revision
        case .failure(let problem): return refused(problem.message)
        }
        return Signature(
            field: field, dictionary: dictionary, ranges: ranges, cms: cms, coversWholeFile: false, coverageProblem: nil,
            laterChangeProblem: RevisionChanges(signed: signed, current: structure).disallowed())
    }

    struct Problem: Error { let message: String }

    /// The revision the signed bytes end: they must stop right after an `%%EOF` whose `startxref` names a section of
    /// the file's own chain, so that what was signed is one of the file's versions, read from signed bytes only.
    private static func signedRevision(_ bytes: ArraySlice<UInt8>, end: Int, current: PDFFileStructure, limits: PDFLimits)
        -> Result<PDFFileStructure, Problem>
    {
        var last = end
        while last > 0, bytes[last - 1] == 10 || bytes[last - 1] == 13 { last -= 1 }
        guard last >= 5, bytes[last - 5..<last].elementsEqual("%%EOF".utf8), end - last <= 2 else {
            return .failure(Problem(message: "the signed bytes do not end a revision of the file"))
        }
        guard let signed = try? PDFFileStructure(bytes[bytes.startIndex..<end], limits: limits),
            current.sections.contains(where: { $0.offset == signed.startXref })
        else { return .failure(Problem(message: "the signed revision is not part of this file's history")) }
        return .success(signed)
    }

    /// `[0 a b c]`: four non-negative integers, nothing else.
    private static func byteRange(_ raw: [UInt8]?) -> [Int]? {
        guard let raw, raw.first == UInt8(ascii: "["), raw.last == UInt8(ascii: "]"), raw.count <= 128 else { return nil }
        let numbers = raw.dropFirst().dropLast().split(whereSeparator: PDFScanner.isWhitespace).map { PDFScanner.integer($0) }
        guard numbers.count == 4, numbers.allSatisfy({ $0 != nil }) else { return nil }
        return numbers.compactMap { $0 }
    }
}
