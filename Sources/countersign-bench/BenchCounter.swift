import Accounts
import ArgumentParser
import CommandSupport
import Counter
import Crypto
import Foundation
import HummingbirdWSClient
import Logging
import Storage

/// `countersign-bench counter`: customers submitting pre-filled forms through the public HTTP API of a running
/// service, each client on its own keep-alive connection with one request in flight. Every submission is a real
/// one: checked against the form, encrypted, stored, audited, committed with fsync.
struct BenchCounter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counter", abstract: "Pre-fill submissions/s and latency against a running service (start it with a high public rate limit).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The running service.") var host = "127.0.0.1"
    @Option(help: "The running service's port.") var port = 8080
    @Option(help: "Concurrent clients (connections), each with one submission in flight.") var clients = 32
    @Option(help: "Seconds to measure, after a 2-second warm-up.") var seconds = 10
    @Option(help: "Draft changes to echo to a paired customer screen, one at a time (0: skip).") var echoes = 2000
    @OptionGroup var json: JSONOutput

    static let submission =
        #"{"form":"cash-withdrawal","values":{"account_name":"张三","account_number":"6222020200112233445","id_number":"11010519491231002X","mobile":"13800138000","amount":"50000.00","purpose":"living"}}"#

    func run() async throws {
        let stats = LatencyRecorder()
        let start = ContinuousClock.now + .seconds(2)
        let deadline = start + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    try await BenchHTTP.with(host: host, port: port) { http in
                        while ContinuousClock.now < deadline {
                            let began = ContinuousClock.now
                            let (status, body) = try await http.call(.POST, "/api/v1/prefills", body: Self.submission)
                            let ended = ContinuousClock.now
                            guard status == 201 else {
                                if status == 429 {
                                    throw BenchError("429 rate.limited: start the service with a high COUNTERSIGN_PUBLIC_RATE_PER_MINUTE")
                                }
                                // Every failure is shown: a count alone does not say what went wrong.
                                FileHandle.standardError.write(Data("pre-fill failed: \(status) \(String(buffer: body).prefix(300))\n".utf8))
                                stats.fail()
                                continue
                            }
                            if began >= start && ended <= deadline {
                                stats.record(ended - began)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        var run = BenchRun(
            bench: "counter", settings: ["clients": "\(clients)", "seconds measured": "\(seconds)", "echoes": "\(echoes)"],
            cases: [BenchCase("pre-fill submissions", stats.latencies, seconds: Double(seconds))])
        if echoes > 0 { run.cases.append(BenchCase("echo: teller's draft → screen's view", try await echo(), seconds: nil)) }
        run.cases.append(statementCost())
        print("bench counter: \(clients) clients, \(seconds) s measured, \(echoes) echoes one at a time, \(run.cores) cores")
        print(run.table)
        try json.write(run)
    }

    /// What the enrolled screen's signed statements cost the service: one ECDSA P-256 verification (and the parse)
    /// per answer and per signature, measured in-process on one core.
    func statementCost() -> BenchCase {
        let key = P256.Signing.PrivateKey()
        let publicKey = Array(key.publicKey.derRepresentation)
        let digest = String(repeating: "ab", count: 32)
        let statements = (0..<200).map { i in
            let text = ScreenStatement.write(device: 1, session: Int64(i), version: 1, decision: .confirm, viewSHA256: digest, at: Date())
            return (text, Array(try! key.signature(for: Data(text.utf8)).rawRepresentation))
        }
        var latencies = Latencies()
        let started = ContinuousClock.now
        for _ in 0..<20 {
            for (text, signature) in statements {
                let began = ContinuousClock.now
                if (try? ScreenStatement.verified(text: text, signature: signature, publicKey: publicKey)) == nil { latencies.fail() }
                latencies.record(ContinuousClock.now - began)
            }
        }
        let elapsed = ContinuousClock.now - started
        return BenchCase(
            "screen statement check (P-256, 1 core)", latencies,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Echo latency: a teller (created for the run, audited, through the directory) pairs with a screen opened
    /// by the bench, then changes the amount `echoes` times; each change is timed from sending the draft to the
    /// screen's WebSocket receiving that version's view.
    func echo() async throws -> Latencies {
        let password = SessionToken.generate().value
        let cast = try await BenchCast.create(
            settings: try options.ownerDatabase(), tellers: 1, officers: 0, branches: 1, supervisors: true, password: password,
            logger: try options.makeLogger())
        // The branch supervisor enrolls the bench's screen for the terminal, as at a real counter.
        let key = P256.Signing.PrivateKey()
        let device = try await BenchHTTP.with(host: host, port: port) { http in
            try await http.login(cast.supervisors[0], password: password)
            let (status, body) = try await http.call(
                .POST, "/api/v1/counter/screens",
                body: #"{"terminal":"BENCH","public_key":"\#(key.publicKey.derRepresentation.base64EncodedString())"}"#)
            guard status == 201, let id = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["id"] as? Int
            else { throw BenchError("enrolling the screen failed: \(status) \(String(buffer: body))") }
            return Int64(id)
        }
        let (views, screen) = BenchScreen.open(host: host, port: port, device: device, key: key)
        defer { screen.cancel() }
        var arrivals = views.makeAsyncIterator()
        guard case .pairing(let code)? = await arrivals.next() else { throw BenchError("the screen got no pairing code") }
        let stats = LatencyRecorder()
        try await BenchHTTP.with(host: host, port: port) { http in
            try await http.login(cast.tellers[0], password: password)
            let (paired, body) = try await http.call(.POST, "/api/v1/counter/sessions", body: #"{"code":"\#(code)"}"#)
            guard paired == 201, let session = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["session"] as? Int
            else { throw BenchError("pairing failed: \(paired) \(String(buffer: body))") }
            for i in 1...echoes {
                let draft =
                    #"{"form":"cash-withdrawal","values":{"account_name":"张三","account_number":"6222020200112233445","id_number":"11010519491231002X","amount":"\#(1000 + i).00"}}"#
                let sent = ContinuousClock.now
                let (status, _) = try await http.call(.PUT, "/api/v1/counter/sessions/\(session)/draft", body: draft)
                guard status == 200 else { throw BenchError("draft \(i): \(status)") }
                while let arrival = await arrivals.next() {
                    guard case .view(let version, let at) = arrival else { continue }
                    if version == i {
                        stats.record(at - sent)
                        break
                    }
                }
            }
        }
        return stats.latencies
    }
}

/// A customer screen for the bench: its pairing code, then each view's version and arrival time.
enum BenchScreen {
    enum Arrival: Sendable {
        case pairing(String)
        case view(version: Int, at: ContinuousClock.Instant)
    }

    static func open(host: String, port: Int, device: Int64, key: P256.Signing.PrivateKey) -> (AsyncStream<Arrival>, Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream<Arrival>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            _ = try await WebSocketClient.connect(url: "ws://\(host):\(port)/api/v1/counter/screen", logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"hello","device":\#(device)}"#))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let at = ContinuousClock.now
                    guard case .text(let text) = message, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    else { continue }
                    switch object["type"] as? String {
                    case "challenge":
                        // The enrolled screen proves it holds its key.
                        let text = ScreenStatement.helloText(device: device, nonce: object["nonce"] as? String ?? "")
                        let signature = try key.signature(for: Data(text.utf8)).rawRepresentation.base64EncodedString()
                        try await outbound.write(.text(#"{"type":"proof","signature":"\#(signature)"}"#))
                    case "pairing": if let code = object["code"] as? String { continuation.yield(.pairing(code)) }
                    case "view": if let version = object["version"] as? Int { continuation.yield(.view(version: version, at: at)) }
                    default: break
                    }
                }
            }
        }
        return (stream, task)
    }
}
