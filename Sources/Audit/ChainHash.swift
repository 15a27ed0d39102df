import Crypto

/// A SHA-256 digest linking audit records. The first record of a chain links to ``zero``.
public struct ChainHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let zero = ChainHash(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    public init?(hex: String) {
        guard hex.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        self.bytes = bytes
    }

    public static func sha256(of data: [UInt8]) -> ChainHash {
        ChainHash(uncheckedBytes: Array(SHA256.hash(data: data)))
    }

    public var hex: String { bytes.hexString }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = ChainHash(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 64-digit hex hash"))
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
