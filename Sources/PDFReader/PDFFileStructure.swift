/// The cross-reference chain and trailer of a PDF with classic xref tables — what PoDoFo writes and what our own
/// signature updates append — read from the end of the file without parsing the rest.
public struct PDFFileStructure: Sendable {
    /// One cross-reference section with its trailer: one revision of the file (§7.5.6).
    public struct Section: Sendable {
        /// Offset of the `xref` keyword.
        public let offset: Int
        /// Object number → offset of the objects this revision writes.
        public let written: [Int: Int]
        /// Object numbers this revision marks free (deleted), object 0 aside.
        public let freed: Set<Int>
        public let trailer: PDFDictionary
    }

    /// The bytes read: a whole file, or the prefix a signature covers (offsets stay absolute).
    public let bytes: ArraySlice<UInt8>
    /// Offset of the last cross-reference section (the file's final `startxref`).
    public let startXref: Int
    /// The revisions, newest first.
    public let sections: [Section]
    /// Object number → byte offset, newest revision first wins.
    public let offsets: [Int: Int]
    public let size: Int
    public let root: PDFReference
    public let info: PDFReference?
    /// The trailer's raw `/ID` array, kept as it is in every update.
    public let id: [UInt8]?
    public let limits: PDFLimits

    public init(_ bytes: [UInt8], limits: PDFLimits = .standard) throws(PDFReadError) {
        try self.init(bytes[...], limits: limits)
    }

    public init(_ bytes: ArraySlice<UInt8>, limits: PDFLimits = .standard) throws(PDFReadError) {
        self.bytes = bytes
        self.limits = limits
        guard bytes.count <= limits.maximumBytes else { throw .tooComplex("\(bytes.count) bytes") }
        guard bytes.count > 32, bytes.prefix(5).elementsEqual("%PDF-".utf8) else {
            throw PDFReadError(.notPDF, "this is not a PDF file", zh: "这不是 PDF 文件")
        }
        guard let startXref = Self.lastStartXref(bytes) else { throw .damaged("no startxref: a truncated or damaged PDF") }
        self.startXref = startXref
        sections = try Self.readChain(bytes, from: startXref, limits: limits)
        var offsets: [Int: Int] = [:]
        for section in sections {
            for (number, offset) in section.written where offsets[number] == nil { offsets[number] = offset }
        }
        let trailer = sections[0].trailer
        if trailer["Encrypt"] != nil {
            throw PDFReadError(.unsupported, "encrypted PDF files cannot be checked here", zh: "无法检查加密的 PDF 文件")
        }
        guard let root = trailer["Root"].flatMap(PDFReference.init), let size = trailer.text("Size").flatMap({ PDFScanner.integer($0.utf8) })
        else { throw .damaged("the trailer has no /Root or /Size") }
        self.offsets = offsets
        self.size = size
        self.root = root
        self.info = trailer["Info"].flatMap(PDFReference.init)
        self.id = trailer["ID"]
    }

    /// The dictionary of object `reference` ("n g obj << … >>").
    public func dictionary(_ reference: PDFReference) throws(PDFReadError) -> PDFDictionary {
        try dictionary(reference, at: offsets[reference.number])
    }

    /// The dictionary of `reference` as written at `offset` (an older revision's copy, say).
    public func dictionary(_ reference: PDFReference, at offset: Int?) throws(PDFReadError) -> PDFDictionary {
        try object(reference, at: offset) { (scanner: inout PDFScanner) throws(PDFSyntaxError) in try scanner.dictionary() }
    }

    /// The raw value of an object that is not a dictionary, e.g. an indirect `/Annots` array.
    public func rawObject(_ reference: PDFReference, at offset: Int? = nil) throws(PDFReadError) -> [UInt8] {
        try object(reference, at: offset ?? offsets[reference.number]) { (scanner: inout PDFScanner) throws(PDFSyntaxError) in
            try scanner.rawValue()
        }
    }

    /// The bytes of an unfiltered stream object (what a DSS holds: certificates, OCSP answers, CRLs, as this
    /// service writes them). Nil for a stream with a /Filter, which this reader does not decode, or a /Length that is
    /// not a direct integer within the file.
    public func streamData(_ reference: PDFReference) throws(PDFReadError) -> [UInt8]? {
        try object(reference, at: offsets[reference.number]) { (scanner: inout PDFScanner) throws(PDFSyntaxError) -> [UInt8]? in
            let dictionary = try scanner.dictionary()
            guard dictionary["Filter"] == nil, let length = dictionary["Length"].flatMap(PDFScanner.integer), length >= 0 else { return nil }
            scanner.skipWhitespaceAndComments()
            let keyword = Array("stream".utf8)
            guard scanner.window(keyword.count).elementsEqual(keyword) else { return nil }
            var start = scanner.position + keyword.count
            if start < bytes.endIndex, bytes[start] == 13 { start += 1 }
            guard start < bytes.endIndex, bytes[start] == 10 else { return nil }
            start += 1
            guard length <= bytes.endIndex - start else { return nil }
            return Array(bytes[start..<start + length])
        }
    }

    /// Reads "n g obj" at `offset`, checks it names `reference`, then what follows with `read`.
    private func object<T>(_ reference: PDFReference, at offset: Int?, _ read: (inout PDFScanner) throws(PDFSyntaxError) -> T)
        throws(PDFReadError) -> T
    {
        guard let offset else { throw .damaged("object \(reference.number) is not in the file") }
        var scanner = PDFScanner(bytes, at: offset, limits: limits)
        do {
            try scanner.objectHeader(reference)
            return try read(&scanner)
        } catch {
            throw .from(error)
        }
    }

    /// The number after the last `startxref` in the final KiB.
    static func lastStartXref(_ bytes: ArraySlice<UInt8>) -> Int? {
        let tail = Array(bytes.suffix(1024))
        let keyword = Array("startxref".utf8)
        guard tail.count >= keyword.count else { return nil }
        var index = tail.count - keyword.count
        while index >= 0 {
            if tail[index] == keyword[0], tail[index..<index + keyword.count].elementsEqual(keyword) {
                var scanner = PDFScanner(tail, at: index + keyword.count)
                scanner.skipWhitespaceAndComments()
                var end = scanner.position
                while end < tail.count, (0x30...0x39).contains(tail[end]) { end += 1 }
                return PDFScanner.integer(tail[scanner.position..<end])
            }
            index -= 1
        }
        return nil
    }

    /// Every section from the newest back through `/Prev`. Each earlier section must lie before the later one (an
    /// incremental update only appends), which also rules out loops.
    private static func readChain(_ bytes: ArraySlice<UInt8>, from start: Int, limits: PDFLimits) throws(PDFReadError) -> [Section] {
        var sections: [Section] = []
        var next: Int? = start
        var objects = 0
        while let offset = next {
            guard sections.count < limits.maximumRevisions else { throw .tooComplex("more than \(limits.maximumRevisions) revisions") }
            if let later = sections.last, offset >= later.offset { throw .damaged("/Prev does not point backwards") }
            let section: Section
            do { section = try readSection(bytes, at: offset, limits: limits) } catch { throw .from(error) }
            objects += section.written.count + section.freed.count
            guard objects <= limits.maximumObjects else { throw .tooComplex("more than \(limits.maximumObjects) objects") }
            sections.append(section)
            if let prev = section.trailer["Prev"] {
                guard let value = PDFScanner.integer(prev) else { throw .damaged("/Prev is not an offset") }
                next = value
            } else {
                next = nil
            }
        }
        return sections
    }

    /// One "xref … trailer << … >>" section.
    private static func readSection(_ bytes: ArraySlice<UInt8>, at offset: Int, limits: PDFLimits) throws(PDFSyntaxError) -> Section {
        var scanner = PDFScanner(bytes, at: offset, limits: limits)
        // A cross-reference stream (PDF 1.5) lands here too: this reader takes only the classic tables that
        // PoDoFo and our own updates write.
        guard bytes.indices.contains(offset), scanner.window(4).elementsEqual("xref".utf8) else {
            throw .malformed("no xref keyword at \(offset)")
        }
        scanner.position += 4
        var written: [Int: Int] = [:]
        var freed = Set<Int>()
        while true {
            scanner.skipWhitespaceAndComments()
            if scanner.window(7).elementsEqual("trailer".utf8) {
                scanner.position += 7
                return Section(offset: offset, written: written, freed: freed, trailer: try scanner.dictionary())
            }
            let first = try scanner.integer()
            let count = try scanner.integer()
            // Bounds before arithmetic: a damaged count must not overflow or run past the file.
            guard first <= 10_000_000, count <= (scanner.end - scanner.position) / 20 + 1, count <= limits.maximumObjects else {
                throw .malformed("impossible xref subsection")
            }
            scanner.skipWhitespaceAndComments()
            for index in 0..<count {
                let entryStart = scanner.position + index * 20
                guard entryStart + 18 <= scanner.end else { throw .malformed("short xref entry") }
                let (position, kind) = try entry(bytes[entryStart..<entryStart + 18])
                let number = first + index
                guard written[number] == nil, !freed.contains(number) else { throw .malformed("object \(number) listed twice in one section") }
                if kind == UInt8(ascii: "n") { written[number] = position } else if number != 0 { freed.insert(number) }
            }
            scanner.position = min(scanner.end, scanner.position + count * 20)
        }
    }

    /// "0000012345 00000 n": the offset and the kind (n or f).
    private static func entry(_ raw: ArraySlice<UInt8>) throws(PDFSyntaxError) -> (Int, UInt8) {
        let start = raw.startIndex
        guard let position = PDFScanner.integer(raw[start..<start + 10]), raw[start + 10] == 32,
            PDFScanner.integer(raw[start + 11..<start + 16]) != nil, raw[start + 16] == 32,
            raw[start + 17] == UInt8(ascii: "n") || raw[start + 17] == UInt8(ascii: "f")
        else { throw .malformed("bad xref entry") }
        return (position, raw[start + 17])
    }
}

extension PDFScanner {
    /// Reads "n g obj" and checks it names the object the cross-reference table promised.
    public mutating func objectHeader(_ reference: PDFReference) throws(PDFSyntaxError) {
        let number = try integer()
        let generation = try integer()
        skipWhitespaceAndComments()
        guard number == reference.number, generation == reference.generation, window(3).elementsEqual("obj".utf8) else {
            throw .malformed("object \(reference.number) is not where the cross-reference table says")
        }
        position += 3
    }

    public mutating func integer() throws(PDFSyntaxError) -> Int {
        skipWhitespaceAndComments()
        let start = position
        while position < end, (0x30...0x39).contains(bytes[position]) { position += 1 }
        guard let value = Self.integer(bytes[start..<position]) else { throw .malformed("expected an integer at \(start)") }
        return value
    }
}
