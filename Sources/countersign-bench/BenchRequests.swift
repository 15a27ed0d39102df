import Accounts
import ArgumentParser
import CommandSupport
import Foundation
import Storage

/// `countersign-bench requests`: the cheapest authenticated request (`GET /api/v1/session`: the bearer token's
/// session looked up, the identity answered) as fast as the service answers it, one in flight per connection.
///
/// Every step of an authorization round trip is an authenticated request and does this much before its own work,
/// so this rate divided by the round trip's five requests is what HTTP and authentication alone leave for round
/// trips on this machine, before any of them writes anything (docs/benchmarks.md, "What 1,000 round trips/s would take").
struct BenchRequests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests", abstract: "Authenticated requests/s (GET /api/v1/session) against a running service: the HTTP ceiling.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The running service.") var host = "127.0.0.1"
    @Option(help: "The running service's port.") var port = 8080
    @Option(help: "Connections, each with one request in flight (each signed in as its own bench teller).") var connections = 64
    @Option(help: "Seconds to measure, after a 2-second warm-up.") var seconds = 10
    @Option(help: "Requests per round trip, for the ceiling line (an authorization round trip makes five).") var perRoundTrip = 5
    @Flag(help: "Send no token (each answer is 401): HTTP and the middleware without the session lookup.") var withoutToken = false
    @OptionGroup var json: JSONOutput

    func validate() throws {
        guard (1...512).contains(connections), (1...600).contains(seconds), (1...50).contains(perRoundTrip) else {
            throw ValidationError("connections 1…512, seconds 1…600, per-round-trip 1…50")
        }
    }

    func run() async throws {
        let logger = try options.makeLogger()
        let password = SessionToken.generate().value
        let users: [String?] =
            withoutToken
            ? Array(repeating: nil, count: connections)
            : try await BenchCast.create(
                settings: try options.ownerDatabase(), tellers: connections, officers: 0, branches: min(connections, 32), password: password,
                logger: logger
            ).tellers
        let expected = withoutToken ? 401 : 200
        let stats = LatencyRecorder()
        let start = ContinuousClock.now + .seconds(2)
        let deadline = start + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in users {
                group.addTask {
                    try await BenchHTTP.with(host: host, port: port) { http in
                        if let user { try await http.login(user, password: password) }
                        while ContinuousClock.now < deadline {
                            let began = ContinuousClock.now
                            let (status, _) = try await http.call(.GET, "/api/v1/session")
                            let ended = ContinuousClock.now
                            guard status == expected else {
                                stats.fail()
                                continue
                            }
                            if began >= start { stats.record(ended - began) }
                        }
                        if user != nil { _ = try await http.call(.DELETE, "/api/v1/session") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let rate = Double(stats.count) / Double(seconds)
        let name = withoutToken ? "GET /api/v1/session, no token (401)" : "GET /api/v1/session, bearer token"
        let run = BenchRun(
            bench: withoutToken ? "requests-without-token" : "requests",
            settings: ["connections": "\(connections)", "seconds measured": "\(seconds)", "requests per round trip": "\(perRoundTrip)"],
            cases: [BenchCase(name, stats.latencies, seconds: Double(seconds), extra: ["ceiling round trips/s": rate / Double(perRoundTrip)])])
        print("bench requests: \(name), \(connections) connections, \(seconds) s measured, \(run.cores) cores")
        print(run.table)
        print(
            "ceiling: \(String(format: "%.0f", rate / Double(perRoundTrip))) round trips/s of \(perRoundTrip) \(withoutToken ? "unauthenticated" : "authenticated") requests each, before any of them does its own work"
        )
        try json.write(run)
    }
}
