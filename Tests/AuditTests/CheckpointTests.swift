import Audit
import Foundation
import Kernel
import Testing

@Suite struct CheckpointTests {
    let heads = [
        ChainHead(chain: "BR001", seq: 10, hash: SHA256Hash.sha256(of: [1])),
        ChainHead(chain: "AC01", seq: 3, hash: SHA256Hash.sha256(of: [2])),
    ]

    @Test func aSignedCheckpointVerifiesAfterAFileRoundTrip() throws {
        let key = CheckpointSigningKey.generate()
        let checkpoint = try AuditCheckpoint.sign(heads: heads, database: "test", at: Timestamp(microsecondsSinceEpoch: 5), with: key)
        let reread = try AuditCheckpoint.decode(try checkpoint.encoded())
        #expect(reread == checkpoint)
        try reread.verifySignature(trustedKey: key.publicKey)
    }

    /// The file format of every checkpoint written so far: `createdAt` is the integer microseconds (a file from an
    /// earlier build must still verify; the move of the timestamp type to Kernel once broke this unnoticed).
    @Test func aCheckpointFileKeepsItsTimeAsIntegerMicroseconds() throws {
        let key = CheckpointSigningKey.generate()
        let checkpoint = try AuditCheckpoint.sign(
            heads: heads, database: "test", at: Timestamp(microsecondsSinceEpoch: 1_764_800_000_000_005), with: key)
        let object = try #require(try JSONSerialization.jsonObject(with: try checkpoint.encoded()) as? [String: Any])
        #expect((object["createdAt"] as? NSNumber)?.int64Value == 1_764_800_000_000_005)
    }

    @Test func anEditedCheckpointIsRefused() throws {
        let key = CheckpointSigningKey.generate()
        var checkpoint = try AuditCheckpoint.sign(heads: heads, database: "test", at: .now(), with: key)
        checkpoint.heads[0].seq = 9
        #expect(throws: AuditError.self) { try checkpoint.verifySignature(trustedKey: key.publicKey) }
    }

    @Test func aCheckpointFromAnotherKeyIsRefused() throws {
        let checkpoint = try AuditCheckpoint.sign(heads: heads, database: "test", at: .now(), with: .generate())
        #expect(throws: AuditError.self) { try checkpoint.verifySignature(trustedKey: CheckpointSigningKey.generate().publicKey) }
    }

    @Test func keyFilesRoundTrip() throws {
        let key = CheckpointSigningKey.generate()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString).key").path
        try key.fileText.write(toFile: path, atomically: true, encoding: .utf8)
        try (key.publicKeyBase64 + "\n").write(toFile: path + ".pub", atomically: true, encoding: .utf8)
        #expect(try CheckpointSigningKey.load(path: path).publicKeyBase64 == key.publicKeyBase64)
        #expect(try CheckpointSigningKey.loadPublicKey(path: path + ".pub").rawRepresentation == key.publicKey.rawRepresentation)
        #expect(throws: AuditError.self) { try CheckpointSigningKey.load(path: path + ".pub") }
    }

    @Test func comparisonFindsARewrite() {
        let head = heads[0]
        #expect(CheckpointComparison.compare(head, hashAtSeq: head.hash) == nil)
        #expect(CheckpointComparison.compare(head, hashAtSeq: SHA256Hash.sha256(of: [9]))?.kind == .checkpointMismatch)
        #expect(CheckpointComparison.compare(head, hashAtSeq: nil)?.kind == .checkpointMismatch)
    }
}
