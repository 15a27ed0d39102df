import Crypto

/// A SHA-256 digest: what links audit records (the first record of a chain links to ``zero``), and how payloads,
/// views, strokes and files are fingerprinted throughout the service. Written as 64 lower-case hex digits.
public struct SHA256Hash: Sendable, Hashable, Codable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let zero = SHA256Hash(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    public init?(hex: String) {
        guard hex.utf8.count == 64, let bytes = [UInt8](hex: hex) else { return nil }
        self.bytes = bytes
    }

    public static func sha256(of data: [UInt8]) -> SHA256Hash {
        SHA256Hash(uncheckedBytes: Array(SHA256.hash(data: data)))
    }

    public var hex: String { bytes.hexString }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = SHA256Hash(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 64-digit hex hash"))
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
