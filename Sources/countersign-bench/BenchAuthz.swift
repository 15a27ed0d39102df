import Accounts
import ArgumentParser
import CommandSupport
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Storage
import Synchronization

/// `countersign-bench authz`: simulated tellers and centre officers drive full authorization round trips through a
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
    @OptionGroup var json: JSONOutput

    func run() async throws {
        let logger = try options.makeLogger()
        let password = SessionToken.generate().value
        let cast = try await BenchCast.create(
            settings: try options.ownerDatabase(), tellers: tellers, officers: officers, branches: branches, password: password, logger: logger)
        if !cast.othersOnline.isEmpty {
            let names = cast.othersOnline.prefix(10).joined(separator: ", ")
            FileHandle.standardError.write(
                Data(
                    ("warning: \(cast.othersOnline.count) officer(s) already online (\(names)): they get a share of the bench's requests, "
                        + "which wait for the unclaimed timeout unless answered; set them offline for a clean measurement\n").utf8))
        }
        let stats = LatencyRecorder()
        let warmUpEnds = ContinuousClock.now + .seconds(3)
        let deadline = warmUpEnds + .seconds(seconds)
        // Officers work until every teller has finished its last round trip, so a run leaves no request open (an
        // open one would be offered to the next run's officers and skew it); tellers start none after the deadline.
        try await withThrowingTaskGroup(of: Void.self) { officersGroup in
            for officer in cast.officers {
                officersGroup.addTask { try await BenchOfficer(host: host, port: port, user: officer, password: password).run() }
            }
            try await Task.sleep(for: .milliseconds(500))
            // Child results: true when a teller finished, false when the drain limit passed first.
            try await withThrowingTaskGroup(of: Bool.self) { tellersGroup in
                for teller in cast.tellers {
                    tellersGroup.addTask {
                        try await BenchTeller(host: host, port: port, user: teller, password: password)
                            .run(until: deadline, measuringFrom: warmUpEnds, stats: stats)
                        return true
                    }
                }
                // A teller still waiting long after the deadline is stuck; stop it rather than hang.
                tellersGroup.addTask {
                    try? await Task.sleep(until: deadline + .seconds(30))
                    return false
                }
                var running = cast.tellers.count
                while running > 0, let finished = try await tellersGroup.next(), finished { running -= 1 }
                tellersGroup.cancelAll()
            }
            officersGroup.cancelAll()
        }
        // Cancelled officers could not sign off; left online, they would be assigned the next run's requests
        // (and anyone else's) without a console to answer them.
        for officer in cast.officers {
            try await BenchHTTP.with(host: host, port: port) { http in
                try await http.login(officer, password: password)
                _ = try await http.call(.PUT, "/api/v1/authz/presence", body: #"{"status":"offline"}"#)
            }
        }
        let run = BenchRun(
            bench: "authz",
            settings: ["tellers": "\(tellers)", "officers": "\(officers)", "branches": "\(branches)", "seconds measured": "\(seconds)"],
            cases: [BenchCase("authorization round trips (central)", stats.latencies, seconds: Double(seconds))])
        print(
            "bench authz: \(tellers) tellers over \(branches) branches, \(officers) centre officers, \(seconds) s measured, \(run.cores) cores")
        print(run.table)
        try json.write(run)
    }
}

/// The bench's users: tellers in `BENCH…` branches, officers in the bench centre, all level 3 with any code.
struct BenchCast: Sendable {
    let tellers: [String]
    let officers: [String]
    /// One per branch when asked for (they enroll the branch's customer screen).
    let supervisors: [String]
    /// Officers already online before the bench: central routing gives them a share of the bench's requests, which
    /// then wait for the unclaimed timeout unless someone at those consoles answers.
    let othersOnline: [String]

    static func create(
        settings: DatabaseSettings, tellers: Int, officers: Int, branches: Int, supervisors: Bool = false, password: String, logger: Logger
    ) async throws
        -> BenchCast
    {
        let hash = try PasswordHash.make(password: password, rounds: 1 << 10)
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let tellerIDs = (0..<tellers).map { "bt\(run)-\($0)" }
        let officerIDs = (0..<officers).map { "bo\(run)-\($0)" }
        let supervisorIDs = supervisors ? (0..<branches).map { "bs\(run)-\($0)" } : []
        return try await Database.with(settings, logger: logger) { database in
            let othersOnline = try await database.read { try await AuthorizationStore.onlineOfficers(in: $0) }
            let cast = BenchCast(tellers: tellerIDs, officers: officerIDs, supervisors: supervisorIDs, othersOnline: othersOnline)
            // Through the directory, so the bench's users are audited like any others.
            try await database.transaction { tx in
                try await Directory.addBranch(code: "BENCHAC", zh: "基准授权中心", en: "Bench centre", kind: "centre", actor: "system:bench", in: tx)
                for b in 0..<branches {
                    try await Directory.addBranch(
                        code: "BENCH\(b)", zh: "基准网点\(b)", en: "Bench branch \(b)", kind: "branch", actor: "system:bench", in: tx)
                    // Tellers sign in only at a registered terminal of their branch.
                    try await Directory.addTerminal("BENCH", branch: "BENCH\(b)", actor: "system:bench", in: tx)
                }
                for (b, supervisor) in cast.supervisors.enumerated() {
                    try await Directory.addUser(
                        id: supervisor, name: supervisor, branch: "BENCH\(b)", role: .supervisor, hash: hash, actor: "system:bench", in: tx)
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
            return cast
        }
    }
}
