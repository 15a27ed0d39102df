public import Crypto
import Foundation

/// The Ed25519 key that signs audit checkpoints. It lives in a file, never in the database.
public struct CheckpointSigningKey: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey
    private static let header = "countersign-audit-checkpoint-key v1"

    public init(privateKey: Curve25519.Signing.PrivateKey) { self.privateKey = privateKey }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// File text: a header line, then the base64 raw private key.
    public var fileText: String { "\(Self.header)\n\(privateKey.rawRepresentation.base64EncodedString())\n" }

    public static func generate() -> CheckpointSigningKey { CheckpointSigningKey(privateKey: .init()) }

    public static func load(path: String) throws(AuditError) -> CheckpointSigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AuditError(.badKey, "cannot read checkpoint key \(path) (create one with `countersign audit keygen`)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.count == 2, lines[0] == header, let raw = Data(base64Encoded: lines[1]),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw AuditError(.badKey, "\(path) is not a checkpoint key file") }
        return CheckpointSigningKey(privateKey: key)
    }

    /// Reads either a key file or a public key file (`<key>.pub`: base64 raw public key) as a verification key.
    public static func loadPublicKey(path: String) throws(AuditError) -> Curve25519.Signing.PublicKey {
        if let key = try? load(path: path) { return key.publicKey }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw AuditError(.badKey, "\(path) is neither a checkpoint key nor its .pub file") }
        return key
    }
}
