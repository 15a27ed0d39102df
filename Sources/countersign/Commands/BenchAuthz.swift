import Accounts
import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Storage
import Synchronization

/// `countersign bench authz`: simulated tellers and centre officers drive full authorization round trips through a
/// running service over real HTTP and WebSocket: submit → request (central) → push to the assigned officer →
/// claim → approve → push to the teller → commit. It creates its own branches, users and authority (as the owner
/// role) with a random password, then measures.
struct BenchAuthz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authz", abstract: "Round trips/s and latency of the whole authorization flow against a running service.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The running service.") var host = "127.0.0.1"
    @Option(help: "The running service's port.") var port = 8080
    @Option(help: "Simulated tellers (each keeps one transaction in flight).") var tellers = 64
    @Option(help: "Simulated centre officers.") var officers = 16
    @Option(help: "Branches the tellers are spread over (one audit chain each).") var branches = 32
    @Option(help: "Seconds to measure, after a 3-second warm-up.") var seconds = 20

    func run() async throws {
        let logger = try options.makeLogger()
        let password = SessionToken.generate().value
        let cast = try await BenchCast.create(
            settings: try options.ownerDatabase(), tellers: tellers, officers: officers, branches: branches, password: password, logger: logger)
        let stats = BenchStats()
        let warmUpEnds = ContinuousClock.now + .seconds(3)
        let deadline = warmUpEnds + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for officer in cast.officers {
                group.addTask { try await BenchOfficer(host: host, port: port, user: officer, password: password).run(until: deadline) }
            }
            try await Task.sleep(for: .milliseconds(500))
            for teller in cast.tellers {
                group.addTask {
                    try await BenchTeller(host: host, port: port, user: teller, password: password)
                        .run(until: deadline, measuringFrom: warmUpEnds, stats: stats)
                }
            }
            // Whoever is still waiting for a push at the end is stopped: only completed round trips count.
            try await Task.sleep(until: deadline + .seconds(2))
            group.cancelAll()
        }
        print(stats.report(tellers: tellers, officers: officers, branches: branches, seconds: seconds))
    }
}

/// The bench's users: tellers in `BENCH…` branches, officers in the bench centre, all level 3 with any code.
struct BenchCast: Sendable {
    let tellers: [String]
    let officers: [String]

    static func create(settings: DatabaseSettings, tellers: Int, officers: Int, branches: Int, password: String, logger: Logger) async throws
        -> BenchCast
    {
        let hash = try PasswordHash.make(password: password, rounds: 1 << 10)
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let cast = BenchCast(tellers: (0..<tellers).map { "bt\(run)-\($0)" }, officers: (0..<officers).map { "bo\(run)-\($0)" })
        try await Database.with(settings, logger: logger) { database in
            // Through the directory, so the bench's users are audited like any others.
            try await database.transaction { tx in
                try await Directory.addBranch(code: "BENCHAC", zh: "基准授权中心", en: "Bench centre", kind: "centre", actor: "system:bench", in: tx)
                for b in 0..<branches {
                    try await Directory.addBranch(
                        code: "BENCH\(b)", zh: "基准网点\(b)", en: "Bench branch \(b)", kind: "branch", actor: "system:bench", in: tx)
                }
                for (i, teller) in cast.tellers.enumerated() {
                    try await Directory.addUser(
                        id: teller, name: teller, branch: "BENCH\(i % branches)", role: .teller, hash: hash, actor: "system:bench", in: tx)
                }
                for officer in cast.officers {
                    try await Directory.addUser(
                        id: officer, name: officer, branch: "BENCHAC", role: .officer, hash: hash, actor: "system:bench", in: tx)
                    try await Directory.setAuthority(
                        Authority(user: officer, level: 5, codes: ["*"], branchesServed: [], limits: ["CNY": 100_000_000_000]), actor: "system:bench",
                        in: tx)
                }
            }
        }
        return cast
    }
}

/// Latencies of completed round trips inside the measured window.
final class BenchStats: Sendable {
    private let samples = Mutex<[Double]>([])
    private let failures = Atomic<Int>(0)

    func record(milliseconds: Double) { samples.withLock { $0.append(milliseconds) } }
    func fail() { failures.add(1, ordering: .relaxed) }

    func report(tellers: Int, officers: Int, branches: Int, seconds: Int) -> String {
        let sorted = samples.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return """
            bench authz: \(tellers) tellers over \(branches) branches, \(officers) centre officers, \(seconds) s measured, \(ProcessInfo.processInfo.activeProcessorCount) cores
            round trips   per s    p50 ms   p99 ms   max ms   failures
            \(String(sorted.count).padding(toLength: 12, withPad: " ", startingAt: 0))  \(format(Double(sorted.count) / Double(seconds)))  \(format(percentile(0.5)))  \(format(percentile(0.99)))  \(format(sorted.last ?? 0))  \(failures.load(ordering: .relaxed))
            """
    }

    private func format(_ value: Double) -> String { String(format: "%7.1f", value) }
}
