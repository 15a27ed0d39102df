import Foundation

/// The cross-reference chain and trailer of a PDF with classic xref tables — what PoDoFo writes and what our own
/// signature updates append — read from the end of the file without parsing the rest.
struct PDFFileStructure {
    let bytes: [UInt8]
    /// Offset of the last cross-reference section (the file's final `startxref`).
    let startXref: Int
    /// Object number → byte offset, newest revision first wins.
    let offsets: [Int: Int]
    let size: Int
    let root: PDFReference
    let info: PDFReference?
    /// The trailer's raw `/ID` array, kept as it is in every update.
    let id: [UInt8]?

    init(_ bytes: [UInt8]) throws(VoucherError) {
        self.bytes = bytes
        guard bytes.count > 32, Array(bytes.prefix(5)) == Array("%PDF-".utf8) else { throw VoucherError(.badInput, "not a PDF file") }
        guard let startXref = Self.lastStartXref(bytes) else { throw VoucherError(.badInput, "no startxref: a truncated or damaged PDF") }
        self.startXref = startXref
        var offsets: [Int: Int] = [:]
        var trailer: PDFDictionary?
        var next: Int? = startXref
        var visited = Set<Int>()
        do {
            while let section = next, visited.insert(section).inserted {
                let (entries, sectionTrailer) = try Self.readSection(bytes, at: section)
                for (number, offset) in entries where offsets[number] == nil { offsets[number] = offset }
                if trailer == nil { trailer = sectionTrailer }
                next = sectionTrailer.text("Prev").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            }
        } catch {
            throw VoucherError(.badInput, "unreadable cross-reference table: \(error)")
        }
        guard let trailer, let root = trailer["Root"].flatMap(PDFReference.init), let size = trailer.text("Size").flatMap({ Int($0) }) else {
            throw VoucherError(.badInput, "the trailer has no /Root or /Size (cross-reference streams are not supported)")
        }
        self.offsets = offsets
        self.size = size
        self.root = root
        self.info = trailer["Info"].flatMap(PDFReference.init)
        self.id = trailer["ID"]
    }

    /// The dictionary of object `reference` ("n g obj << … >>").
    func dictionary(_ reference: PDFReference) throws(VoucherError) -> PDFDictionary {
        guard let offset = offsets[reference.number] else { throw VoucherError(.badInput, "object \(reference.number) is not in the file") }
        var scanner = PDFScanner(bytes, at: offset)
        do {
            try scanner.objectHeader(reference)
            return try scanner.dictionary()
        } catch {
            throw VoucherError(.badInput, "object \(reference.number) is not a readable dictionary")
        }
    }

    /// The raw value of an object that is not a dictionary, e.g. an indirect `/Annots` array.
    func rawObject(_ reference: PDFReference) throws(VoucherError) -> [UInt8] {
        guard let offset = offsets[reference.number] else { throw VoucherError(.badInput, "object \(reference.number) is not in the file") }
        var scanner = PDFScanner(bytes, at: offset)
        do {
            try scanner.objectHeader(reference)
            return try scanner.rawValue()
        } catch {
            throw VoucherError(.badInput, "object \(reference.number) is unreadable")
        }
    }

    private static func lastStartXref(_ bytes: [UInt8]) -> Int? {
        let tail = Array(bytes.suffix(1024))
        let keyword = Array("startxref".utf8)
        guard tail.count >= keyword.count else { return nil }
        var index = tail.count - keyword.count
        while index >= 0 {
            if Array(tail[index..<index + keyword.count]) == keyword {
                var scanner = PDFScanner(tail, at: index + keyword.count)
                scanner.skipWhitespaceAndComments()
                var end = scanner.position
                while end < tail.count, (0x30...0x39).contains(tail[end]) { end += 1 }
                return Int(String(decoding: tail[scanner.position..<end], as: UTF8.self))
            }
            index -= 1
        }
        return nil
    }

    /// One "xref … trailer << … >>" section.
    private static func readSection(_ bytes: [UInt8], at offset: Int) throws(PDFSyntaxError) -> ([(Int, Int)], PDFDictionary) {
        var scanner = PDFScanner(bytes, at: offset)
        guard (0..<bytes.count).contains(offset), scanner.window(4) == Array("xref".utf8) else {
            throw .malformed("no xref keyword at \(offset)")
        }
        scanner.position += 4
        var entries: [(Int, Int)] = []
        while true {
            scanner.skipWhitespaceAndComments()
            if scanner.window(7) == Array("trailer".utf8) {
                scanner.position += 7
                return (entries, try scanner.dictionary())
            }
            let first = try scanner.integer()
            let count = try scanner.integer()
            // Bounds before arithmetic: a damaged count must not overflow or run past the file.
            guard first <= 100_000_000, count <= (bytes.count - scanner.position) / 20 + 1 else { throw .malformed("impossible xref subsection") }
            scanner.skipWhitespaceAndComments()
            for index in 0..<count {
                let entryStart = scanner.position + index * 20
                guard entryStart + 18 <= bytes.count else { throw .malformed("short xref entry") }
                let entry = String(decoding: bytes[entryStart..<entryStart + 18], as: UTF8.self)
                let fields = entry.split(separator: " ")
                guard fields.count == 3, let position = Int(fields[0]) else { throw .malformed("bad xref entry '\(entry)'") }
                if fields[2] == "n" { entries.append((first + index, position)) }
            }
            scanner.position = min(bytes.count, scanner.position + count * 20)
        }
    }
}

extension PDFScanner {
    /// Reads "n g obj" and checks it names the object the cross-reference table promised.
    mutating func objectHeader(_ reference: PDFReference) throws(PDFSyntaxError) {
        let number = try integer()
        let generation = try integer()
        skipWhitespaceAndComments()
        guard number == reference.number, generation == reference.generation,
            window(3) == Array("obj".utf8)
        else { throw .malformed("object \(reference.number) is not where the cross-reference table says") }
        position += 3
    }

    mutating func integer() throws(PDFSyntaxError) -> Int {
        skipWhitespaceAndComments()
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw .malformed("expected an integer at \(start)") }
        return value
    }
}
