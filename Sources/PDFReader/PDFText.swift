/// Reading PDF strings back: literal "(…)" and hex "<…>" (UTF-16BE with BOM or PDFDocEncoding taken as Latin-1).
public enum PDFText {
    public static func decode(_ raw: [UInt8]) -> String {
        var bytes = raw[...]
        while let first = bytes.first, PDFScanner.isWhitespace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, PDFScanner.isWhitespace(last) { bytes = bytes.dropLast() }
        if bytes.first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")"), bytes.count >= 2 {
            return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
        }
        guard bytes.first == UInt8(ascii: "<") else { return String(decoding: bytes, as: UTF8.self) }
        let decoded = hexBytes(Array(bytes))
        if decoded.count >= 2, decoded[0] == 0xFE, decoded[1] == 0xFF {
            let units = stride(from: 2, to: decoded.count - 1, by: 2).map { UInt16(decoded[$0]) << 8 | UInt16(decoded[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(decoded.map { Character(Unicode.Scalar($0)) })
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
