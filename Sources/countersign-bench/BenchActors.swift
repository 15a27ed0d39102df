import Authorization
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Storage

/// One keep-alive HTTP/1.1 connection and a session token, used by one simulated user from one task.
final class BenchHTTP {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let host: String
    var token = ""

    /// Connects and runs `body` with the connection; it is closed afterwards.
    static func with<R: Sendable>(host: String, port: Int, _ body: (BenchHTTP) async throws -> R) async throws -> R {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(BenchHTTP(inbound: inbound.makeAsyncIterator(), outbound: outbound, host: host))
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
        host: String
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.host = host
    }

    func call(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (Int, ByteBuffer) {
        var headers = HTTPHeaders([("Host", host), ("Content-Type", "application/json"), ("Content-Length", String(body?.utf8.count ?? 0))])
        if !token.isEmpty { headers.add(name: "Authorization", value: "Bearer \(token)") }
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
        try await outbound.write(.end(nil))
        var status = 0
        var received = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let head): status = Int(head.status.code)
            case .body(var chunk): received.writeBuffer(&chunk)
            case .end: return (status, received)
            }
        }
        throw BenchError("connection closed by the service")
    }

    /// Signs in; a sign-in the service asks to retry (429 past the per-address bucket, 503 while passwords queue for
    /// hashing: a bench is one address signing in a whole bank at once) is tried again shortly.
    func login(_ user: String, password: String) async throws {
        var (status, body) = try await call(.POST, "/api/v1/sessions", body: #"{"user":"\#(user)","password":"\#(password)","terminal":"BENCH"}"#)
        for attempt in 1...100 where status == 429 || status == 503 {
            try await Task.sleep(for: .milliseconds(20 * min(attempt, 10)))
            (status, body) = try await call(.POST, "/api/v1/sessions", body: #"{"user":"\#(user)","password":"\#(password)","terminal":"BENCH"}"#)
        }
        guard status == 201, let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let token = object["token"] as? String
        else { throw BenchError("login \(user): \(status) \(String(buffer: body))") }
        self.token = token
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The push feed of one user, as a stream of request snapshots.
enum BenchFeed {
    struct Envelope: Decodable {
        let type: String
        let request: RequestSnapshot?
    }

    static func open(host: String, port: Int, token: String) -> (AsyncStream<RequestSnapshot>, Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream<RequestSnapshot>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            _ = try await WebSocketClient.connect(url: "ws://\(host):\(port)/api/v1/authz/stream", logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"hello","token":"\#(token)"}"#))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message,
                        let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)), let request = envelope.request
                    else { continue }
                    continuation.yield(request)
                }
            }
        }
        return (stream, task)
    }
}

/// A teller with one transaction in flight at a time: submit, request central authorization, wait for the pushed
/// approval, commit.
struct BenchTeller: Sendable {
    let host: String
    let port: Int
    let user: String
    let password: String

    static let submission =
        #"{"code":"transfer","amount":"600000.00","currency":"CNY","account":"6222020200112233445","channel":"counter","fields":{"account":"6222020200112233445","payee":"6222020200998877665","name":"张三"}}"#
    static let material =
        #"[{"kind":"id_scan","media_type":"image/png","data":"iVBORw0KGgo="},{"kind":"voucher_image","media_type":"image/png","data":"iVBORw0KGgoAAAA="}]"#

    func run(until deadline: ContinuousClock.Instant, measuringFrom start: ContinuousClock.Instant, stats: LatencyRecorder) async throws {
        try await BenchHTTP.with(host: host, port: port) { http in
            try await loop(http, until: deadline, measuringFrom: start, stats: stats)
        }
    }

    private func loop(
        _ http: BenchHTTP, until deadline: ContinuousClock.Instant, measuringFrom start: ContinuousClock.Instant, stats: LatencyRecorder
    )
        async throws
    {
        try await http.login(user, password: password)
        let (pushes, feed) = BenchFeed.open(host: host, port: port, token: http.token)
        defer { feed.cancel() }
        var iterator = pushes.makeAsyncIterator()
        try await Task.sleep(for: .milliseconds(200))
        while ContinuousClock.now < deadline && !Task.isCancelled {
            let began = ContinuousClock.now
            let (submitted, body) = try await http.call(.POST, "/api/v1/transactions", body: Self.submission)
            guard submitted == 201, let transaction = Self.field(body, "transaction") else { stats.fail(); continue }
            let (requested, requestBody) = try await http.call(
                .POST, "/api/v1/transactions/\(transaction)/authorization", body: #"{"mode":"central","material":\#(Self.material)}"#)
            guard requested == 201, let request = Self.field(requestBody, "id") else { stats.fail(); continue }
            var outcome: RequestState?
            while let push = await iterator.next() {
                if push.id == request, !push.isOpen {
                    outcome = push.state
                    break
                }
            }
            guard outcome == .approved else {
                if outcome != nil { stats.fail() }
                continue
            }
            let (committed, _) = try await http.call(.POST, "/api/v1/transactions/\(transaction)/commit", body: Self.submission)
            guard committed == 200 else { stats.fail(); continue }
            let ended = ContinuousClock.now
            if began >= start && ended <= deadline {
                stats.record(ended - began)
            }
        }
    }

    static func field(_ body: ByteBuffer, _ name: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?[name] as? String
    }
}

/// A centre officer: online, and claims and approves every request assigned to them, one at a time.
struct BenchOfficer: Sendable {
    let host: String
    let port: Int
    let user: String
    let password: String

    /// Until cancelled.
    func run() async throws {
        try await BenchHTTP.with(host: host, port: port) { http in try await loop(http) }
    }

    private func loop(_ http: BenchHTTP) async throws {
        try await http.login(user, password: password)
        _ = try await http.call(.PUT, "/api/v1/authz/presence", body: #"{"status":"online"}"#)
        let (pushes, feed) = BenchFeed.open(host: host, port: port, token: http.token)
        defer { feed.cancel() }
        for await push in pushes {
            if Task.isCancelled { break }
            guard push.state == .pending, push.assignedTo == user else { continue }
            let (claimed, _) = try await http.call(.POST, "/api/v1/authz/requests/\(push.id)/claim")
            guard claimed == 200 else { continue }
            _ = try await http.call(
                .POST, "/api/v1/authz/requests/\(push.id)/decision",
                body: #"{"decision":"approve","payload_digest":"\#(push.payloadDigest)","material_digest":"\#(push.materialDigest)"}"#)
        }
    }
}
