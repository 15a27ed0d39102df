public import Audit
import Kernel
import PostgresNIO

/// What `countersign audit verify` found.
public struct AuditVerificationReport: Sendable {
    public var chains: [ChainSummary] = []
    /// The first break found in each broken chain (chains are independent, so each is reported).
    public var breaks: [ChainBreak] = []

    public struct ChainSummary: Sendable {
        public var chain: String
        public var rows: Int64
        public var head: ChainHead?
    }

    public var isIntact: Bool { breaks.isEmpty }
}

/// Recomputes every hash in Swift from the stored columns — the database is trusted for nothing but the bytes.
public enum AuditVerification {
    public static func verify(_ database: Database, checkpoint: AuditCheckpoint? = nil) async throws -> AuditVerificationReport {
        // One snapshot for heads and events, so concurrent appends cannot look like a mismatch.
        try await database.snapshot { try await verifySnapshot($0, checkpoint: checkpoint) }
    }

    private static func verifySnapshot(_ tx: Transaction, checkpoint: AuditCheckpoint?) async throws -> AuditVerificationReport {
        var report = AuditVerificationReport()
        let recorded = Dictionary(uniqueKeysWithValues: try await AuditLog.heads(in: tx).map { ($0.chain, $0) })
        let pinned = Dictionary(uniqueKeysWithValues: (checkpoint?.heads ?? []).map { ($0.chain, $0) })
        var hashesAtPins: [String: SHA256Hash] = [:]
        var verifier: ChainVerifier?
        var broken = false

        func close(_ current: ChainVerifier) {
            if !broken, let failure = current.finish(recordedHead: recorded[current.chain]) { report.breaks.append(failure) }
            report.chains.append(.init(chain: current.chain, rows: current.checked, head: current.last))
        }

        let rows = try await tx.query(PostgresQuery(unsafeSQL: "SELECT \(AuditLog.recordColumns) FROM audit_events ORDER BY chain_id, seq"))
        for try await row in rows {
            let record = try AuditLog.decodeRecord(row)
            if verifier?.chain != record.chain {
                if let current = verifier { close(current) }
                verifier = ChainVerifier(chain: record.chain)
                broken = false
            }
            if let pin = pinned[record.chain], pin.seq == record.seq { hashesAtPins[record.chain] = record.hash }
            guard !broken else { continue }
            if let failure = verifier!.check(record) {
                report.breaks.append(failure)
                broken = true
            }
        }
        if let current = verifier { close(current) }

        // Chains whose head is recorded but which have no rows at all (every row deleted or truncated).
        let seen = Set(report.chains.map(\.chain))
        for head in recorded.values where !seen.contains(head.chain) {
            report.breaks.append(
                ChainBreak(.headMismatch, chain: head.chain, seq: head.seq, detail: "the recorded head is seq \(head.seq) but the chain has no rows"))
        }
        if let checkpoint {
            for head in checkpoint.heads {
                if let failure = CheckpointComparison.compare(head, hashAtSeq: hashesAtPins[head.chain]) { report.breaks.append(failure) }
            }
        }
        report.breaks.sort { ($0.chain, $0.seq) < ($1.chain, $1.seq) }
        report.chains.sort { $0.chain < $1.chain }
        return report
    }
}
