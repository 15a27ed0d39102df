/// Just enough PDF syntax (ISO 32000-1 §7.2–7.3) to read and rewrite the few dictionaries a signature update
/// touches — catalog, page, AcroForm — and to check the signatures of a file anyone may upload. Values are kept as
/// their raw bytes, so what is not changed is written back exactly as it was.
public struct PDFDictionary: Sendable {
    /// Keys without the leading slash, in file order, with each value's raw bytes.
    public var entries: [(key: String, value: [UInt8])]
    /// Where each value lay in the file it was read from (absolute offsets), for the coverage checks.
    public var valueRanges: [String: Range<Int>] = [:]

    public init(entries: [(key: String, value: [UInt8])]) {
        self.entries = entries
    }

    public subscript(key: String) -> [UInt8]? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public var keys: Set<String> { Set(entries.map(\.key)) }

    public func text(_ key: String) -> String? { self[key].map { String(decoding: $0, as: UTF8.self) } }

    /// The value as a name without its slash ("/Sig" → "Sig"), or nil when it is not a name.
    public func name(_ key: String) -> String? {
        guard let raw = self[key], raw.first == UInt8(ascii: "/") else { return nil }
        return String(decoding: raw.dropFirst(), as: UTF8.self)
    }

    public var serialized: [UInt8] {
        var out = Array("<<".utf8)
        for (key, value) in entries {
            out += Array("/\(key) ".utf8) + value
            out.append(UInt8(ascii: " "))
        }
        return out + Array(">>".utf8)
    }
}

public struct PDFReference: Hashable, Sendable, CustomStringConvertible {
    public let number: Int
    public let generation: Int
    public var description: String { "\(number) \(generation) R" }
    public var bytes: [UInt8] { Array(description.utf8) }

    /// Parses "12 0 R".
    public init?(_ raw: [UInt8]) {
        guard raw.count <= 32 else { return nil }
        let parts = raw.split(whereSeparator: { PDFScanner.isWhitespace($0) })
        guard parts.count == 3, parts[2].elementsEqual("R".utf8), let number = PDFScanner.integer(parts[0]),
            let generation = PDFScanner.integer(parts[1])
        else { return nil }
        self.number = number
        self.generation = generation
    }

    public init(number: Int, generation: Int = 0) {
        self.number = number
        self.generation = generation
    }
}

public enum PDFSyntaxError: Error, Sendable {
    case malformed(String)
    /// Nesting, entries or length beyond what `PDFLimits` allows: a hostile file, refused before it costs more.
    case tooComplex(String)
}

/// A cursor over PDF bytes. The bytes may be a prefix of a file (a signed revision): offsets stay absolute.
public struct PDFScanner {
    public let bytes: ArraySlice<UInt8>
    public var position: Int
    let limits: PDFLimits
    /// Arrays and dictionaries currently open: each one is a level of recursion, bounded so that no file can
    /// exhaust the stack.
    private var nesting = 0

    /// A position outside the bytes (an offset from a damaged file) starts at the end, where every read fails
    /// cleanly instead of trapping.
    public init(_ bytes: ArraySlice<UInt8>, at position: Int = 0, limits: PDFLimits = .standard) {
        self.bytes = bytes
        self.position = min(max(position, bytes.startIndex), bytes.endIndex)
        self.limits = limits
    }

    public init(_ bytes: [UInt8], at position: Int = 0, limits: PDFLimits = .standard) {
        self.init(bytes[...], at: position, limits: limits)
    }

    var end: Int { bytes.endIndex }

    /// Up to `length` bytes from `position`: fewer (or none) near or past the end, never a trap.
    public func window(_ length: Int) -> ArraySlice<UInt8> {
        guard position >= bytes.startIndex, position < end else { return [] }
        return bytes[position..<min(end, position + length)]
    }

    public static func isWhitespace(_ byte: UInt8) -> Bool { byte == 32 || byte == 10 || byte == 13 || byte == 9 || byte == 12 || byte == 0 }
    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            return true
        default: return false
        }
    }

    /// A non-negative decimal integer of at most 15 digits (no sign, no overflow).
    static func integer<C: Collection<UInt8>>(_ token: C) -> Int? {
        guard !token.isEmpty, token.count <= 15 else { return nil }
        var value = 0
        for byte in token {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    public mutating func skipWhitespaceAndComments() {
        while position < end {
            if Self.isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "%") {
                while position < end, bytes[position] != 10, bytes[position] != 13 { position += 1 }
            } else {
                return
            }
        }
    }

    /// Reads one object (dictionary, array, string, name, number, keyword or reference) and returns its raw bytes.
    public mutating func rawValue() throws(PDFSyntaxError) -> [UInt8] {
        Array(bytes[try rawValueRange()])
    }

    /// Like `rawValue`, but says where the value lies instead of copying it.
    mutating func rawValueRange() throws(PDFSyntaxError) -> Range<Int> {
        skipWhitespaceAndComments()
        let start = position
        try skipValue()
        // A number may be the start of a reference "n g R".
        if Self.integer(bytes[start..<position]) != nil {
            var lookahead = self
            lookahead.skipWhitespaceAndComments()
            let generationStart = lookahead.position
            while lookahead.position < end, (0x30...0x39).contains(bytes[lookahead.position]) { lookahead.position += 1 }
            if lookahead.position > generationStart, lookahead.position - generationStart <= 5 {
                lookahead.skipWhitespaceAndComments()
                if lookahead.position < end, bytes[lookahead.position] == UInt8(ascii: "R") {
                    position = lookahead.position + 1
                }
            }
        }
        return start..<position
    }

    public mutating func dictionary() throws(PDFSyntaxError) -> PDFDictionary {
        skipWhitespaceAndComments()
        guard position + 1 < end, bytes[position] == UInt8(ascii: "<"), bytes[position + 1] == UInt8(ascii: "<") else {
            throw .malformed("expected a dictionary at byte \(position)")
        }
        try enter()
        position += 2
        var dictionary = PDFDictionary(entries: [])
        while true {
            skipWhitespaceAndComments()
            guard position < end else { throw .malformed("unterminated dictionary") }
            if bytes[position] == UInt8(ascii: ">") {
                guard position + 1 < end, bytes[position + 1] == UInt8(ascii: ">") else { throw .malformed("a lone '>' in a dictionary") }
                position += 2
                nesting -= 1
                return dictionary
            }
            guard bytes[position] == UInt8(ascii: "/") else { throw .malformed("expected a name key at byte \(position)") }
            let keyStart = position + 1
            try skipValue()
            let key = String(decoding: bytes[keyStart..<position], as: UTF8.self)
            // Two values for one key are read differently by different readers (the first here, the last
            // elsewhere): a file that has them is refused, not interpreted.
            guard dictionary.valueRanges[key] == nil else { throw .malformed("the key /\(key) appears twice in one dictionary") }
            guard dictionary.entries.count < limits.maximumDictionaryEntries else { throw .tooComplex("a dictionary has too many entries") }
            let range = try rawValueRange()
            dictionary.entries.append((key, Array(bytes[range])))
            dictionary.valueRanges[key] = range
        }
    }

    /// The references inside an array value such as "[ 4 0 R 9 0 R]".
    public static func references(inArray raw: [UInt8], limits: PDFLimits = .standard) throws(PDFSyntaxError) -> [PDFReference] {
        var scanner = PDFScanner(raw, limits: limits)
        scanner.skipWhitespaceAndComments()
        guard scanner.position < raw.count, raw[scanner.position] == UInt8(ascii: "[") else { throw .malformed("expected an array") }
        scanner.position += 1
        var references: [PDFReference] = []
        while true {
            scanner.skipWhitespaceAndComments()
            guard scanner.position < raw.count else { throw .malformed("unterminated array") }
            if raw[scanner.position] == UInt8(ascii: "]") { return references }
            guard references.count < limits.maximumArrayReferences else { throw .tooComplex("an array holds too many references") }
            let value = try scanner.rawValue()
            guard let reference = PDFReference(value) else { throw .malformed("array holds something other than references") }
            references.append(reference)
        }
    }

    private mutating func enter() throws(PDFSyntaxError) {
        nesting += 1
        guard nesting <= limits.maximumNesting else { throw .tooComplex("arrays or dictionaries nested deeper than \(limits.maximumNesting)") }
    }

    private mutating func skipValue() throws(PDFSyntaxError) {
        guard position < end else { throw .malformed("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "<"):
            if position + 1 < end, bytes[position + 1] == UInt8(ascii: "<") {
                _ = try dictionary()
            } else {
                guard let close = bytes[position...].firstIndex(of: UInt8(ascii: ">")) else { throw .malformed("unterminated hex string") }
                position = close + 1
            }
        case UInt8(ascii: "["):
            try enter()
            position += 1
            while true {
                skipWhitespaceAndComments()
                guard position < end else { throw .malformed("unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    nesting -= 1
                    return
                }
                try skipValue()
            }
        case UInt8(ascii: "("):
            try skipLiteralString()
        case UInt8(ascii: "/"):
            position += 1
            while position < end, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
        default:
            let start = position
            while position < end, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
            if position == start { throw .malformed("unexpected character at byte \(position)") }
        }
    }

    /// A literal string: balanced parentheses count as text (§7.3.4.2), counted, not recursed.
    private mutating func skipLiteralString() throws(PDFSyntaxError) {
        var depth = 0
        while position < end {
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
    }
}
