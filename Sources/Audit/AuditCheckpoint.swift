public import Crypto
public import Foundation
public import Kernel

/// A signed statement of every chain's head at one moment, kept outside the database.
///
/// The database alone cannot prove it was not rewritten: someone with the owner role can recompute every hash.
/// A checkpoint signed with a key the database never sees pins each chain's hash at a sequence number; a later
/// verify against it finds any rewrite of the rows up to that point.
public struct AuditCheckpoint: Sendable, Codable, Equatable {
    public static let formatVersion = 1

    public var version: Int
    public var createdAt: Timestamp
    /// Free text naming the database, so a checkpoint is not confused between environments.
    public var database: String
    public var heads: [ChainHead]
    /// Base64 Ed25519 public key of the signer (informative; trust comes from the key the verifier is given).
    public var publicKey: String
    /// Base64 Ed25519 signature over ``signedBytes``.
    public var signature: String

    /// The exact bytes that are signed: canonical JSON of every field but the signature.
    public var signedBytes: [UInt8] {
        let heads = self.heads.sorted { $0.chain < $1.chain }.map { head -> CanonicalJSON in
            ["chain": .string(head.chain), "seq": .integer(head.seq), "hash": .string(head.hash.hex)]
        }
        let body: CanonicalJSON = [
            "version": .integer(Int64(version)), "created_at": .integer(createdAt.microsecondsSinceEpoch),
            "database": .string(database), "heads": .array(heads), "public_key": .string(publicKey),
        ]
        return Array("countersign-audit-checkpoint\n".utf8) + body.canonicalBytes
    }

    /// Builds and signs a checkpoint.
    public static func sign(
        heads: [ChainHead], database: String, at time: Timestamp, with key: CheckpointSigningKey
    ) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(
            version: formatVersion, createdAt: time, database: database, heads: heads.sorted { $0.chain < $1.chain },
            publicKey: key.publicKeyBase64, signature: "")
        checkpoint.signature = try key.privateKey.signature(for: checkpoint.signedBytes).base64EncodedString()
        return checkpoint
    }

    /// Throws unless the signature verifies under `trustedKey`.
    public func verifySignature(trustedKey: Curve25519.Signing.PublicKey) throws(AuditError) {
        guard version == Self.formatVersion else { throw AuditError(.badCheckpoint, "unknown checkpoint version \(version)") }
        guard let signature = Data(base64Encoded: signature), trustedKey.isValidSignature(signature, for: signedBytes) else {
            throw AuditError(.badCheckpoint, "checkpoint signature does not verify with the trusted key")
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws(AuditError) -> AuditCheckpoint {
        do {
            return try JSONDecoder().decode(AuditCheckpoint.self, from: data)
        } catch {
            throw AuditError(.badCheckpoint, "not a checkpoint file: \(error)")
        }
    }
}

/// Compares a verified chain with a checkpoint's head for it.
public enum CheckpointComparison {
    /// `hashAtSeq` is the stored hash of the row at the checkpoint's sequence number, or nil if there is none.
    public static func compare(_ head: ChainHead, hashAtSeq: SHA256Hash?) -> ChainBreak? {
        guard let hashAtSeq else {
            return ChainBreak(
                .checkpointMismatch, chain: head.chain, seq: head.seq, detail: "the checkpoint has seq \(head.seq) but the chain is shorter")
        }
        guard hashAtSeq == head.hash else {
            return ChainBreak(
                .checkpointMismatch, chain: head.chain, seq: head.seq,
                detail: "the checkpoint's hash at seq \(head.seq) differs from the chain's: the chain was rewritten")
        }
        return nil
    }
}
