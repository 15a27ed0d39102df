import Crypto
import Foundation

/// A bearer token: 32 random bytes, base64url. The database keeps only its SHA-256.
public struct SessionToken: Sendable, Equatable {
    public let value: String

    public init(value: String) { self.value = value }

    public static func generate() -> SessionToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return SessionToken(value: text)
    }

    /// What is stored and looked up.
    public var digest: [UInt8] { Array(SHA256.hash(data: Array(value.utf8))) }
}
