import Audit
import Foundation
import Kernel
import Storage

/// The measurements of `bench audit`: for each writer count, plain then chained, each for a fixed duration.
struct BenchPlan: Sendable {
    let writerCounts: [Int]
    let duration: Duration
    let chains: Int
    let singleChain: Bool
    /// Events per statement in the extra batched mode (`AuditLog.append(all:)`); 1 leaves that mode out.
    let batch: Int
    /// Plain and chained runs alternate this many times and are summed, so drift in the machine's load
    /// (another process, a checkpoint) falls on both alike.
    let rounds: Int

    enum Mode: String, Sendable {
        case plain = "plain insert"
        case chained = "chained append"
        case singleChain = "single chain"
        case batched = "chained batch"
    }

    struct Result: Sendable {
        let mode: Mode
        let writers: Int
        let operations: Int
        let seconds: Double
        let latencies: Latencies
        var perSecond: Double { Double(operations) / seconds }
        static func combined(_ runs: [Result]) -> Result {
            var latencies = Latencies()
            for run in runs { latencies.add(run.latencies) }
            return Result(
                mode: runs[0].mode, writers: runs[0].writers, operations: runs.reduce(0) { $0 + $1.operations },
                seconds: runs.reduce(0) { $0 + $1.seconds }, latencies: latencies)
        }
    }

    /// The run's cases, and the audit verifier's word on what they wrote.
    func run(on database: Database) async throws -> (BenchRun, verified: String) {
        let fsync = try await database.read { tx in
            var value = "?"
            for try await (setting) in try await tx.query("SHOW fsync").decode(String.self) { value = setting }
            return value
        }
        var run = BenchRun(
            bench: "audit",
            settings: [
                "rounds": "\(rounds)", "per mode": "\(duration)", "chains": "\(chains)", "fsync": fsync,
                "events per chained batch": "\(batch)",
            ])
        for writers in writerCounts {
            var plainRuns: [Result] = []
            var chainedRuns: [Result] = []
            var singleRuns: [Result] = []
            var batchedRuns: [Result] = []
            for _ in 0..<rounds {
                plainRuns.append(try await measure(.plain, writers: writers, on: database))
                chainedRuns.append(try await measure(.chained, writers: writers, on: database))
                if singleChain { singleRuns.append(try await measure(.singleChain, writers: writers, on: database)) }
                if batch > 1 { batchedRuns.append(try await measure(.batched, writers: writers, on: database)) }
            }
            let plain = Result.combined(plainRuns)
            var results = [plain, Result.combined(chainedRuns)]
            if singleChain { results.append(Result.combined(singleRuns)) }
            if batch > 1 { results.append(Result.combined(batchedRuns)) }
            for result in results {
                // Events per second (a batched statement carries several); latencies per statement.
                run.cases.append(
                    BenchCase(
                        "\(writers) writers, \(result.mode.rawValue)", result.latencies, count: result.operations, seconds: result.seconds,
                        extra: result.mode == .plain ? [:] : ["% of plain": 100 * result.perSecond / plain.perSecond]))
            }
        }
        let report = try await AuditVerification.verify(database)
        let events = report.chains.reduce(0) { $0 + $1.rows }
        return (run, report.isIntact ? "verify: \(report.chains.count) chains, \(events) chained events, intact" : "verify: BROKEN \(report.breaks)")
    }

    private func measure(_ mode: Mode, writers: Int, on database: Database) async throws -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        let chains = self.chains
        let perStatement = mode == .batched ? batch : 1
        let started = clock.now
        let perWriter = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var latencies = Latencies()
                    var index = 0
                    while clock.now < deadline {
                        let events = (0..<perStatement).map { Self.event(writer: writer, index: index + $0, mode: mode, chains: chains) }
                        let begin = clock.now
                        try await database.transaction { tx in
                            switch mode {
                            case .plain:
                                try await Self.plainInsert(events[0], seq: Timestamp.now().microsecondsSinceEpoch * 256 + Int64(writer), in: tx)
                            case .batched: try await AuditLog.append(all: events, in: tx)
                            case .chained, .singleChain: try await AuditLog.append(events[0], in: tx)
                            }
                        }
                        latencies.record(clock.now - begin)
                        index += perStatement
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: Latencies()) { $0.add($1) }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(mode: mode, writers: writers, operations: perWriter.count * perStatement, seconds: seconds, latencies: perWriter)
    }

    /// A realistic event: a branch, a terminal, a transaction subject and a small payload with CJK text.
    private static func event(writer: Int, index: Int, mode: Mode, chains: Int) -> AuditEvent {
        let branchNumber = mode == .singleChain ? 0 : Int.random(in: 0..<chains)
        let branch = mode == .singleChain ? "bench-single" : "BR\(String(format: "%03d", branchNumber))"
        return AuditEvent(
            actor: "teller\(writer)", branch: branch, terminal: "T\(writer % 16)", action: "bench.transaction_committed",
            subject: "txn:\(writer)-\(index)",
            payload: ["amount": "50000.00", "currency": "CNY", "customer": "张三", "form": "cash-withdrawal", "index": .integer(Int64(index))])
    }

    /// `seq` (clock × 256 + writer) grows as a chain's does, so both modes insert at the end of their index ranges.
    private static func plainInsert(_ event: AuditEvent, seq: Int64, in tx: Transaction) async throws {
        // The same row without the chain: no head lock, no link, no hash (zero bytes stand in for it).
        let record = try AuditRecord(
            chain: event.chain, seq: seq, time: .now(), actor: event.actor, branch: event.branch, terminal: event.terminal,
            action: event.action, subject: event.subject, payload: event.payload.canonicalText, prevHash: .zero, hash: .zero)
        try await AuditLog.insertUnchained(record, table: "bench_plain_events", in: tx)
    }
}
