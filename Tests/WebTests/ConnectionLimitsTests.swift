import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import TestSupport
import Testing
import Web

/// What a client that does not play by HTTP's rules gets (issue #13): 431 for huge headers, 413 for a chunked body
/// over the limit, 400 for a broken chunk, and closed connections for half-sent heads, silence, sockets that never
/// say hello, and one address opening too many. Deadlines are short here; the reads wait for the event itself.
@Suite struct ConnectionLimitsTests {
    /// `shortDeadlines` for the tests that wait for a deadline to close a connection; the others keep the
    /// defaults, so that a busy machine cannot cut their requests off.
    static func run(shortDeadlines: Bool = false, _ body: @Sendable (Int) async throws -> Void) async throws {
        let db = try await TestDatabase.fresh()
        try await WebHarness.seedUsers(db)
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        var configuration = WebConfiguration(maximumBodyBytes: 4096, publicLimiter: WebHarness.generousLimiter())
        if shortDeadlines {
            configuration.connections.headerDeadline = .milliseconds(300)
            configuration.connections.idleTimeout = .milliseconds(600)
            configuration.connections.helloDeadline = .milliseconds(300)
        }
        configuration.connections.maximumPerAddress = 4
        configuration.connections.maximumHeaderBytes = 8192
        let counter = try CounterSessionTests.services(database: database)
        let app = CountersignApp.buildApplication(
            database: database, configuration: configuration, logger: TestDatabase.logger, counter: counter, sweepsInBackground: false)
        try await app.test(.live) { client in try await body(client.port!) }
    }

    /// Heads just over the limit arrive whole in one read (found by an attack: they passed the guard and the
    /// decoder then failed without an answer); far over it they arrive in pieces. Both get 431.
    @Test(arguments: [9000, 20_000, 100_000])
    func hugeHeadersGet431(padding: Int) async throws {
        try await Self.run { port in
            let connection = try RawConnection(port: port)
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + String(repeating: "a", count: padding) + "\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            #expect(text.hasPrefix("HTTP/1.1 431") && closed, "\(text.prefix(80))")
        }
    }

    /// Heads the HTTP parser refuses are answered 400 at once, not left open until the idle timeout.
    @Test(arguments: ["GARBAGE\r\n\r\n", "GET /health HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "GET /health HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n"])
    func malformedHeadsGet400(head: String) async throws {
        try await Self.run { port in
            let connection = try RawConnection(port: port)
            connection.send(head)
            let (text, closed) = connection.readToEnd()
            #expect(text.hasPrefix("HTTP/1.1 400") && closed, "\(text.prefix(80))")
        }
    }

    @Test func aHalfSentHeadAndASilentConnectionAreClosed() async throws {
        try await Self.run(shortDeadlines: true) { port in
            let half = try RawConnection(port: port)
            half.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            #expect(half.readToEnd().closed)
            let silent = try RawConnection(port: port)
            #expect(silent.readToEnd().closed)
        }
    }

    @Test func chunkedBodiesOverTheLimitGet413AndBrokenChunksGet400() async throws {
        try await Self.run { port in
            let large = try RawConnection(port: port)
            let chunk = String(repeating: "x", count: 3000)
            large.send(
                "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "BB8\r\n\(chunk)\r\nBB8\r\n\(chunk)\r\n0\r\n\r\n")
            let tooLarge = large.readToEnd().text
            #expect(tooLarge.hasPrefix("HTTP/1.1 413") && tooLarge.contains("request.too_large"), "\(tooLarge.prefix(200))")
            let broken = try RawConnection(port: port)
            broken.send(
                "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "ZZ\r\n{}\r\n0\r\n\r\n")
            let malformed = broken.readToEnd().text
            #expect(malformed.hasPrefix("HTTP/1.1 400"), "\(malformed.prefix(200))")
        }
    }

    @Test func oneAddressMayNotOpenUnboundedConnections() async throws {
        try await Self.run { port in
            let held = try (0..<4).map { _ in try RawConnection(port: port) }
            held.forEach { $0.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n") }
            let fifth = try RawConnection(port: port)
            fifth.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = fifth.readToEnd()
            #expect(answer.closed && answer.text.isEmpty)
            _ = held
        }
    }

    @Test func aScreenSocketThatNeverSaysHelloIsClosed() async throws {
        try await Self.run(shortDeadlines: true) { port in
            let screen = try RawConnection(port: port)
            screen.send(
                "GET /api/v1/counter/screen HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            let (text, closed) = screen.readToEnd()
            #expect(text.hasPrefix("HTTP/1.1 101") && closed, "\(text.prefix(80))")
        }
    }
}
