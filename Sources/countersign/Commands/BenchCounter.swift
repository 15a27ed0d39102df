import ArgumentParser
import Foundation

/// `countersign bench counter`: customers submitting pre-filled forms through the public HTTP API of a running
/// service, each client on its own keep-alive connection with one request in flight. Every submission is a real
/// one: checked against the form, encrypted, stored, audited, committed with fsync.
struct BenchCounter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counter", abstract: "Pre-fill submissions/s and latency against a running service (start it with a high public rate limit).")

    @Option(help: "The running service.") var host = "127.0.0.1"
    @Option(help: "The running service's port.") var port = 8080
    @Option(help: "Concurrent clients (connections), each with one submission in flight.") var clients = 32
    @Option(help: "Seconds to measure, after a 2-second warm-up.") var seconds = 10

    static let submission =
        #"{"form":"cash-withdrawal","values":{"account_name":"张三","account_number":"6222020200112233445","id_number":"11010519491231002X","mobile":"13800138000","amount":"50000.00","purpose":"living"}}"#

    func run() async throws {
        let stats = BenchStats()
        let start = ContinuousClock.now + .seconds(2)
        let deadline = start + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    try await BenchHTTP.with(host: host, port: port) { http in
                        while ContinuousClock.now < deadline {
                            let began = ContinuousClock.now
                            let (status, _) = try await http.call(.POST, "/api/v1/prefills", body: Self.submission)
                            let ended = ContinuousClock.now
                            guard status == 201 else {
                                if status == 429 {
                                    throw BenchError("429 rate.limited: start the service with a high COUNTERSIGN_PUBLIC_RATE_PER_MINUTE")
                                }
                                stats.fail()
                                continue
                            }
                            if began >= start && ended <= deadline {
                                let elapsed = ended - began
                                stats.record(milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        print(
            """
            bench counter: pre-fill submissions, \(clients) clients, \(seconds) s measured, \(ProcessInfo.processInfo.activeProcessorCount) cores
            \(stats.table(unit: "submissions", seconds: seconds))
            """)
    }
}
