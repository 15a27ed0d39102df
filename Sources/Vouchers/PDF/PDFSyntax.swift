/// Just enough PDF syntax (ISO 32000-1 §7.2–7.3) to read and rewrite the few dictionaries a signature update
/// touches — catalog, page, AcroForm — in files this service produced. Values are kept as their raw bytes, so
/// what is not changed is written back exactly as it was.
struct PDFDictionary {
    /// Keys without the leading slash, in file order, with each value's raw bytes.
    var entries: [(key: String, value: [UInt8])]

    subscript(key: String) -> [UInt8]? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    func text(_ key: String) -> String? { self[key].map { String(decoding: $0, as: UTF8.self) } }

    var serialized: [UInt8] {
        var out = Array("<<".utf8)
        for (key, value) in entries {
            out += Array("/\(key) ".utf8) + value
            out.append(UInt8(ascii: " "))
        }
        return out + Array(">>".utf8)
    }
}

struct PDFReference: Hashable, CustomStringConvertible {
    let number: Int
    let generation: Int
    var description: String { "\(number) \(generation) R" }
    var bytes: [UInt8] { Array(description.utf8) }

    /// Parses "12 0 R".
    init?(_ raw: [UInt8]) {
        let parts = String(decoding: raw, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
        guard parts.count == 3, parts[2] == "R", let number = Int(parts[0]), let generation = Int(parts[1]) else { return nil }
        self.number = number
        self.generation = generation
    }

    init(number: Int, generation: Int = 0) {
        self.number = number
        self.generation = generation
    }
}

enum PDFSyntaxError: Error {
    case malformed(String)
}

/// A cursor over PDF bytes.
struct PDFScanner {
    let bytes: [UInt8]
    var position: Int

    /// A position outside the bytes (an offset from a damaged file) starts at the end, where every read fails
    /// cleanly instead of trapping.
    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = min(max(position, 0), bytes.count)
    }

    /// Up to `length` bytes from `position`: fewer (or none) near or past the end, never a trap.
    func window(_ length: Int) -> [UInt8] {
        guard position >= 0, position < bytes.count else { return [] }
        return Array(bytes[position..<min(bytes.count, position + length)])
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { [0, 9, 10, 12, 13, 32].contains(byte) }
    static func isDelimiter(_ byte: UInt8) -> Bool { Array("()<>[]{}/%".utf8).contains(byte) }

    mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            if Self.isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 10, bytes[position] != 13 { position += 1 }
            } else {
                return
            }
        }
    }

    /// Reads one object (dictionary, array, string, name, number, keyword or reference) and returns its raw bytes.
    mutating func rawValue() throws(PDFSyntaxError) -> [UInt8] {
        skipWhitespaceAndComments()
        let start = position
        try skipValue()
        // A number may be the start of a reference "n g R".
        var lookahead = self
        if Self.isInteger(Array(bytes[start..<position])) {
            lookahead.skipWhitespaceAndComments()
            let generationStart = lookahead.position
            if (try? lookahead.skipValue()) != nil, Self.isInteger(Array(bytes[generationStart..<lookahead.position])) {
                lookahead.skipWhitespaceAndComments()
                if lookahead.position < bytes.count, bytes[lookahead.position] == UInt8(ascii: "R") {
                    position = lookahead.position + 1
                }
            }
        }
        return Array(bytes[start..<position])
    }

    mutating func dictionary() throws(PDFSyntaxError) -> PDFDictionary {
        skipWhitespaceAndComments()
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "<"), bytes[position + 1] == UInt8(ascii: "<") else {
            throw .malformed("expected a dictionary at byte \(position)")
        }
        position += 2
        var entries: [(String, [UInt8])] = []
        while true {
            skipWhitespaceAndComments()
            guard position < bytes.count else { throw .malformed("unterminated dictionary") }
            if bytes[position] == UInt8(ascii: ">") {
                guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else { throw .malformed("a lone '>' in a dictionary") }
                position += 2
                return PDFDictionary(entries: entries)
            }
            guard bytes[position] == UInt8(ascii: "/") else { throw .malformed("expected a name key at byte \(position)") }
            let keyStart = position + 1
            try skipValue()
            let key = String(decoding: bytes[keyStart..<position], as: UTF8.self)
            entries.append((key, try rawValue()))
        }
    }

    /// The references inside an array value such as "[ 4 0 R 9 0 R]".
    static func references(inArray raw: [UInt8]) throws(PDFSyntaxError) -> [PDFReference] {
        var scanner = PDFScanner(raw)
        scanner.skipWhitespaceAndComments()
        guard scanner.position < raw.count, raw[scanner.position] == UInt8(ascii: "[") else { throw .malformed("expected an array") }
        scanner.position += 1
        var references: [PDFReference] = []
        while true {
            scanner.skipWhitespaceAndComments()
            guard scanner.position < raw.count else { throw .malformed("unterminated array") }
            if raw[scanner.position] == UInt8(ascii: "]") { return references }
            let value = try scanner.rawValue()
            guard let reference = PDFReference(value) else { throw .malformed("array holds something other than references") }
            references.append(reference)
        }
    }

    private static func isInteger(_ token: [UInt8]) -> Bool {
        !token.isEmpty && token.allSatisfy { (0x30...0x39).contains($0) }
    }

    private mutating func skipValue() throws(PDFSyntaxError) {
        guard position < bytes.count else { throw .malformed("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                _ = try dictionary()
            } else {
                guard let end = bytes[position...].firstIndex(of: UInt8(ascii: ">")) else { throw .malformed("unterminated hex string") }
                position = end + 1
            }
        case UInt8(ascii: "["):
            position += 1
            while true {
                skipWhitespaceAndComments()
                guard position < bytes.count else { throw .malformed("unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                try skipValue()
            }
        case UInt8(ascii: "("):
            var depth = 0
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "(") {
                    depth += 1
                } else if byte == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
            throw .malformed("unterminated string")
        case UInt8(ascii: "/"):
            position += 1
            while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
        default:
            let start = position
            while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
            if position == start { throw .malformed("unexpected character at byte \(position)") }
        }
    }
}
