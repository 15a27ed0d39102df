import Kernel

/// A place where an audit chain does not hold, as the verifier reports it.
public struct ChainBreak: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The stored hash is not the hash of the row's fields: a column was changed.
        case hashMismatch = "hash_mismatch"
        /// `prev_hash` is not the previous row's hash: a row was removed, inserted or replaced.
        case brokenLink = "broken_link"
        /// A sequence number is missing or repeated.
        case gap = "gap"
        /// The chain's recorded head disagrees with its last row: rows were removed from the end.
        case headMismatch = "head_mismatch"
        /// A signed checkpoint names a hash the chain no longer has: the chain was rewritten.
        case checkpointMismatch = "checkpoint_mismatch"
        /// The row was written under an encoding this verifier does not know.
        case unknownEncoding = "unknown_encoding"
    }

    public let kind: Kind
    public let chain: String
    public let seq: Int64
    public let detail: String

    public init(_ kind: Kind, chain: String, seq: Int64, detail: String) {
        self.kind = kind
        self.chain = chain
        self.seq = seq
        self.detail = detail
    }

    public var description: String { "chain \(chain) seq \(seq): \(kind.rawValue): \(detail)" }
}

/// Walks one chain in sequence order and reports the first link that does not hold. Pure: feed it rows.
public struct ChainVerifier: Sendable {
    public let chain: String
    public private(set) var last: ChainHead?
    public private(set) var checked: Int64 = 0

    public init(chain: String) { self.chain = chain }

    /// Checks `record` as the next row of the chain. Returns the break, if any; after a break stop feeding.
    public mutating func check(_ record: AuditRecord) -> ChainBreak? {
        let expectedSeq = (last?.seq ?? 0) + 1
        guard record.seq == expectedSeq else {
            return ChainBreak(.gap, chain: chain, seq: expectedSeq, detail: "expected seq \(expectedSeq), found \(record.seq)")
        }
        let recomputed: SHA256Hash
        do {
            recomputed = try record.computedHash()
        } catch {
            return ChainBreak(.unknownEncoding, chain: chain, seq: record.seq, detail: error.message)
        }
        guard recomputed == record.hash else {
            return ChainBreak(
                .hashMismatch, chain: chain, seq: record.seq,
                detail: "stored hash \(record.hash.hex.prefix(16))… but the row's fields hash to \(recomputed.hex.prefix(16))…")
        }
        let expectedPrev = last?.hash ?? .zero
        guard record.prevHash == expectedPrev else {
            return ChainBreak(.brokenLink, chain: chain, seq: record.seq, detail: "prev_hash does not match the hash of seq \(record.seq - 1)")
        }
        last = record.head
        checked += 1
        return nil
    }

    /// Compares the end of the walk with the head the database recorded for this chain.
    public func finish(recordedHead: ChainHead?) -> ChainBreak? {
        guard let recordedHead else { return nil }
        guard last?.seq == recordedHead.seq, last?.hash == recordedHead.hash else {
            let found = last.map { "seq \($0.seq)" } ?? "no rows"
            return ChainBreak(
                .headMismatch, chain: chain, seq: recordedHead.seq,
                detail: "the recorded head is seq \(recordedHead.seq) but the chain ends at \(found)")
        }
        return nil
    }
}
