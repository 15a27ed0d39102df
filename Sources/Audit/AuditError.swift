/// Why an audit operation was refused. The `code` is stable and machine-readable; tests and HTTP clients compare it.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidField = "audit.invalid_field"
        case payloadTooLarge = "audit.payload_too_large"
        case unknownEncodingVersion = "audit.unknown_encoding_version"
        case malformedEncoding = "audit.malformed_encoding"
        case badCheckpoint = "audit.bad_checkpoint"
        case badKey = "audit.bad_key"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
