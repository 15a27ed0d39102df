import Audit
import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Services
import Storage
import TestSupport
import Testing
import Web

/// Per-client limits behind a reverse proxy: the forwarded address counts, but only when a trusted proxy sent it
/// (issue #13).
@Suite struct ClientAddressTests {
    @Test func onlyATrustedProxyNamesTheClient() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.1.0.0/16, ::1").get()
        #expect(proxies.contains("10.1.200.3") && !proxies.contains("10.2.0.1") && proxies.contains("::1"))
        // An untrusted peer's header is whatever it chose to write.
        #expect(proxies.client(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"]) == "198.51.100.7")
        // Behind the proxy: the right-most hop the proxies did not add; what the client prepended is ignored.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 203.0.113.9"]) == "203.0.113.9")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4", "203.0.113.9, 10.1.0.5"]) == "203.0.113.9")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies.parse("10.0.0.0/33").get() }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies.parse("proxy.example").get() }
    }

    /// Three customers behind one proxy each get their own bucket for sign-in, receipts and QR images; without the
    /// proxy trusted, the header changes nothing and they share the proxy's.
    @Test func customersBehindATrustedProxyHaveABucketEach() async throws {
        for trusted in [true, false] {
            let db = try await TestDatabase.fresh()
            try await WebHarness.seedUsers(db)
            let database = Database(settings: db.app, logger: TestDatabase.logger)
            let configuration = WebConfiguration(
                trustedProxies: trusted ? try TrustedProxies.parse("127.0.0.1, ::1").get() : .none,
                publicLimiter: ClientRateLimiter(perMinute: 1, burst: 2, time: ManualTime()))
            let app = CountersignApp.buildApplication(database: database, configuration: configuration, logger: TestDatabase.logger)
            try await app.test(.live) { client in
                func status(_ uri: String, _ method: HTTPRequest.Method, from customer: String) async throws -> String {
                    let body = method == .post ? ByteBuffer(string: #"{"user":"teller1","password":"nope"}"#) : nil
                    return try await client.execute(uri: uri, method: method, headers: [.init("X-Forwarded-For")!: customer], body: body) {
                        $0.status == .tooManyRequests ? WebHarness.errorCode($0) : "\($0.status.code)"
                    }
                }
                var answers: [String] = []
                for customer in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
                    answers.append(try await status("/api/v1/sessions", .post, from: customer))
                    answers.append(try await status("/qr?text=P1234567", .get, from: customer))
                    answers.append(try await status("/r/" + String(repeating: "A", count: 43), .get, from: customer))
                }
                if trusted {
                    #expect(answers.filter { $0 == "rate.limited" }.count == 3, "\(answers)")
                } else {
                    #expect(answers.filter { $0 == "rate.limited" }.count == 7, "\(answers)")
                }
            }
        }
    }
}

/// What the request log shows of a path (issue #13; the double slash and the empty key were found by an attack).
@Suite struct LoggedPathTests {
    @Test(
        arguments: [
            ("/r/SECRETTOKEN", nil, "/r/…"), ("//r/SECRETTOKEN", nil, "//r/…"), ("/r/SECRETTOKEN/", nil, "/r/…/"),
            ("/qr", "text=SECRET", "/qr?…"), ("/qr", "=SECRET", "/qr?…"), ("/health", "SECRET", "/health?…"),
            ("/api/v1/forms/cash-withdrawal", nil, "/api/v1/forms/cash-withdrawal"),
        ] as [(String, String?, String)])
    func secretsAreTakenOut(path: String, query: String?, logged: String) {
        #expect(RequestLogPath.redacted(path: path, query: query) == logged)
    }
}
