public import Kernel

/// One event checked where it stands, without walking its chain from the first row: its fields hash to its stored
/// hash, it links to the row before it, and the row after it (or the chain's recorded head) links to it. Pure: give
/// it the neighbours. What this cannot see — a chain rewritten from this row to its head, every hash recomputed —
/// the full walk (`countersign audit verify`) against a signed checkpoint does.
public enum LinkCheck {
    public static func check(_ record: AuditRecord, previous: AuditRecord?, next: AuditRecord?, head: ChainHead?) -> ChainBreak? {
        let chain = record.chain
        do {
            let recomputed = try record.computedHash()
            guard recomputed == record.hash else {
                return ChainBreak(.hashMismatch, chain: chain, seq: record.seq, detail: "the row's fields do not hash to its stored hash")
            }
        } catch {
            return ChainBreak(.unknownEncoding, chain: chain, seq: record.seq, detail: error.message)
        }
        if record.seq == 1 {
            guard record.prevHash == .zero else {
                return ChainBreak(.brokenLink, chain: chain, seq: 1, detail: "the first row does not start from the zero hash")
            }
        } else {
            guard let previous, previous.seq == record.seq - 1 else {
                return ChainBreak(.gap, chain: chain, seq: record.seq - 1, detail: "the row before seq \(record.seq) is missing")
            }
            guard record.prevHash == previous.hash else {
                return ChainBreak(.brokenLink, chain: chain, seq: record.seq, detail: "prev_hash does not match the hash of seq \(previous.seq)")
            }
        }
        if let next, next.seq == record.seq + 1 {
            guard next.prevHash == record.hash else {
                return ChainBreak(.brokenLink, chain: chain, seq: next.seq, detail: "the next row does not link to seq \(record.seq)")
            }
        } else {
            guard let head, head.seq == record.seq, head.hash == record.hash else {
                return ChainBreak(
                    .headMismatch, chain: chain, seq: record.seq, detail: "no row follows seq \(record.seq) and it is not the chain's head")
            }
        }
        return nil
    }
}
