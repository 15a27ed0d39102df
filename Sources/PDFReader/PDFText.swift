/// Reading PDF strings back: literal "(…)" and hex "<…>" (UTF-16BE with BOM or PDFDocEncoding taken as Latin-1).
public enum PDFText {
    public static func decode(_ raw: [UInt8]) -> String {
        var bytes = raw[...]
        while let first = bytes.first, PDFScanner.isWhitespace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, PDFScanner.isWhitespace(last) { bytes = bytes.dropLast() }
        if bytes.first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")"), bytes.count >= 2 {
            return text(literalBytes(bytes.dropFirst().dropLast()), utf8First: true)
        }
        guard bytes.first == UInt8(ascii: "<") else { return String(decoding: bytes, as: UTF8.self) }
        return text(hexBytes(Array(bytes)), utf8First: false)
    }

    /// A string's bytes as text: UTF-16BE after its byte-order mark; else, for a literal string, UTF-8 (what our
    /// writer puts there) when it is valid; else PDFDocEncoding taken as Latin-1.
    private static func text(_ decoded: [UInt8], utf8First: Bool) -> String {
        if decoded.count >= 2, decoded[0] == 0xFE, decoded[1] == 0xFF {
            let units = stride(from: 2, to: decoded.count - 1, by: 2).map { UInt16(decoded[$0]) << 8 | UInt16(decoded[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        if utf8First, let text = String(validating: decoded, as: UTF8.self) { return text }
        return String(decoded.map { Character(Unicode.Scalar($0)) })
    }

    /// A literal string's bytes with its escapes resolved (ISO 32000-1 §7.3.4.2): \n \r \t \b \f \( \) \\, up to
    /// three octal digits, a backslash before an end of line joins the lines; any other escaped byte stands for itself.
    static func literalBytes(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.endIndex else {
                out.append(byte)
                continue
            }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                for _ in 0..<2 {
                    guard index < raw.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(raw[index]) else { break }
                    value = value * 8 + Int(raw[index] - UInt8(ascii: "0"))
                    index += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            case 0x0D:
                if index < raw.endIndex, raw[index] == 0x0A { index += 1 }
            case 0x0A: break
            default: out.append(escaped)
            }
        }
        return out
    }

    /// The bytes of a hex string's digits; anything else (the brackets, white space) is skipped.
    public static func hexBytes<C: Collection<UInt8>>(_ raw: C) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count / 2)
        var high: UInt8?
        for byte in raw {
            guard let value = hexDigit(byte) else { continue }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
