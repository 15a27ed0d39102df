import Foundation
import Services
import Synchronization
import TestSupport
import Testing
import Vouchers
import Web

/// Issue #16, part 1 in the service: the development TSA answers at `POST /tsa`, another instance can use it over
/// HTTP, and when the TSA does not answer no signature is made — the voucher step says 503 and is made, time-stamped,
/// when asked again.
@Suite struct TimeStampServiceTests {
    static var tsaRoots: String {
        get throws { try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("tsa-root.pem"), encoding: .utf8) }
    }

    @Test func theServiceAnswersTimeStampQueriesAtTsa() async throws {
        try await WebHarness.withService(vouchers: true) { client, db in
            let api = TestAPI(client: client, db: db)
            let query = try TimeStamp.query(digest: Array(repeating: 7, count: 32))
            let reply = try await api.send(.post, "/tsa", contentType: "application/timestamp-query", body: Data(query))
            #expect(reply.status == .ok)
            let token = try TimeStamp.check(reply: Array(reply.body), query: query, trustedRootsPEM: try Self.tsaRoots)
            #expect(abs(token.time.timeIntervalSinceNow) < 300)
            let wrongType = try await api.send(.post, "/tsa", contentType: "application/json", body: Data("{}".utf8))
            #expect(wrongType.status == .unsupportedMediaType && wrongType.code == "tsa.bad_query")
            let huge = try await api.send(.post, "/tsa", contentType: "application/timestamp-query", body: Data(count: 100_000))
            #expect(huge.status == .contentTooLarge)
            // An independent client and verifier, OpenSSL's `ts` command: its query answered, its check passing.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tsa-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let data = folder.appendingPathComponent("data.bin")
            try Data("a voucher's signature".utf8).write(to: data)
            let queryFile = folder.appendingPathComponent("query.tsq").path
            let made = try await ChildProcess.run(
                "/usr/bin/openssl", ["ts", "-query", "-data", data.path, "-sha256", "-cert", "-out", queryFile], timeout: .seconds(60))
            #expect(made.status == 0, "\(made.errors)")
            let answered = try await api.send(
                .post, "/tsa", contentType: "application/timestamp-query", body: try Data(contentsOf: URL(fileURLWithPath: queryFile)))
            let replyFile = folder.appendingPathComponent("reply.tsr")
            try answered.body.write(to: replyFile)
            let verified = try await ChildProcess.run(
                "/usr/bin/openssl",
                [
                    "ts", "-verify", "-in", replyFile.path, "-queryfile", queryFile, "-CAfile",
                    SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
                ], timeout: .seconds(60))
            #expect(verified.output.contains("Verification: OK"), "\(verified.output)\(verified.errors)")
            // Not a query: the TSA answers with a rejection, which no signer would accept.
            let garbage = try await api.send(.post, "/tsa", contentType: "application/timestamp-query", body: Data("not a query".utf8))
            #expect(garbage.status == .ok)
            #expect(throws: VoucherError.self) {
                try TimeStamp.check(reply: Array(garbage.body), query: query, trustedRootsPEM: try Self.tsaRoots)
            }
        }
    }

    /// What a second instance does with `COUNTERSIGN_TSA_URL`: its queries go over HTTP to the first one's `/tsa`, and
    /// the replies are checked as any other; an address where nothing answers is a `tsa.unavailable`.
    @Test func anotherInstanceTimeStampsOverHTTP() async throws {
        try await WebHarness.withService(vouchers: true) { client, _ in
            let remote = try TimeStamping.configure(environment: [
                "COUNTERSIGN_TSA_URL": "http://127.0.0.1:\(try #require(client.port))/tsa",
                "COUNTERSIGN_TSA_ROOTS": SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
            ])
            #expect(remote.local == nil)
            let token = try await remote.stamper.token(for: Array(repeating: 9, count: 32))
            #expect(abs(token.time.timeIntervalSinceNow) < 300)
            let nobody = TimeStamper(
                authority: HTTPTimeStampAuthority(url: URL(string: "http://127.0.0.1:9/tsa")!, timeout: 5), trustedRootsPEM: try Self.tsaRoots)
            let error = await #expect(throws: VoucherError.self) { try await nobody.token(for: Array(repeating: 9, count: 32)) }
            #expect(error?.code == .timeStampUnavailable)
        }
    }

    /// A counter session signed, booked and committed (CNY 800, no authorization needed): ready for its voucher.
    static func committed(_ api: TestAPI, port: Int) async throws -> (ScreenClient, String, Int) {
        let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "800"]
        let (screen, teller, session) = try await CounterReceiptTests.signed(api, port: port, form: "cash-withdrawal", values)
        #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}").status == .created)
        #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller).status == .ok)
        return (screen, teller, session)
    }

    /// The development TSA, switched off and on by the test; `answers` replies are given before it goes down by
    /// itself (so a test can let the customer's signature through and stop the seal).
    final class Switchable: TimeStampAuthority {
        let local: LocalTimeStampAuthority
        let up = Atomic<Bool>(false)
        let answers = Atomic<Int>(0)
        init(_ local: LocalTimeStampAuthority) { self.local = local }

        struct Down: Error {}
        func reply(to query: [UInt8]) async throws -> [UInt8] {
            if answers.load(ordering: .acquiring) > 0 {
                answers.subtract(1, ordering: .acquiringAndReleasing)
            } else {
                guard up.load(ordering: .acquiring) else { throw Down() }
            }
            return try await local.reply(to: query)
        }
    }

    /// The development TSA behind a switch, down after its first `answers` replies, and the service's time-stamping
    /// through it.
    static func switchable(answeringFirst answers: Int) throws -> (Switchable, TimeStamping) {
        let development = try TimeStamping.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password)
        let tsa = Switchable(try #require(development.local))
        tsa.answers.store(answers, ordering: .releasing)
        return (tsa, TimeStamping(stamper: TimeStamper(authority: tsa, trustedRootsPEM: try Self.tsaRoots), local: nil))
    }

    /// The TSA goes down between the customer's signature and the seal: the voucher stays customer-signed (that
    /// step committed), no seal is used or recorded, and asking again seals it.
    @Test func whenTheAuthorityGoesDownBeforeTheSealTheVoucherWaitsCustomerSigned() async throws {
        let (tsa, timeStamping) = try Self.switchable(answeringFirst: 1)
        try await CounterReceiptTests.run(timeStamping: timeStamping) { api, db, port in
            let (screen, teller, session) = try await Self.committed(api, port: port)
            defer { screen.close() }
            let refused = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(refused.status == .serviceUnavailable && refused.code == "tsa.unavailable", "\(refused.status) \(refused.code)")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state = 'customer_signed'", in: db) == 1)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'seal.used'", in: db) == 0)
            tsa.up.store(true, ordering: .releasing)
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(issued.status == .created, "\(issued.code)")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state = 'sealed'", in: db) == 1)
        }
    }

    /// The TSA answers the customer's signature and the seal, then goes down before the archive time-stamp: no
    /// voucher is sealed (it is handed out B-LTA or not at all), no seal use is recorded, and a second attempt while
    /// it is down leaves the voucher row exactly as it was; once it is back, the voucher is sealed, B-LTA.
    @Test func whenTheAuthorityGoesDownAtTheArchiveTimeStampNothingIsSealed() async throws {
        let (tsa, timeStamping) = try Self.switchable(answeringFirst: 2)
        try await CounterReceiptTests.run(timeStamping: timeStamping) { api, db, port in
            let (screen, teller, session) = try await Self.committed(api, port: port)
            defer { screen.close() }
            func row() async throws -> String {
                try await db.with(db.owner) { database in
                    try await database.read { tx in
                        var found = ""
                        for try await text in try await tx.query(
                            "SELECT state || ' ' || encode(pdf_sha256, 'hex') || ' ' || updated_at::text || ' ' || coalesce(seal_id, '-') FROM vouchers"
                        ).decode(String.self) { found += text }
                        return found
                    }
                }
            }
            let refused = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(refused.status == .serviceUnavailable && refused.code == "tsa.unavailable", "\(refused.status) \(refused.code)")
            let before = try await row()
            #expect(before.hasPrefix("customer_signed ") && before.hasSuffix(" -"), "\(before)")
            let again = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(again.status == .serviceUnavailable)
            #expect(try await row() == before, "no voucher row changes")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'seal.used'", in: db) == 0)
            tsa.up.store(true, ordering: .releasing)
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(issued.status == .created, "\(issued.code)")
            let download = try await api.call(.get, try #require(issued.json["receipt"] as? String), token: nil)
            let verdict = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            let signatures = try #require(verdict.json["signatures"] as? [[String: any Sendable]])
            #expect(signatures.map { $0["level"] as? String } == ["B-LTA", "B-LTA", "DocTimeStamp"], "\(verdict.json)")
            #expect(signatures.allSatisfy { ($0["proven_at"] as? String)?.isEmpty == false }, "each proven time is reported: \(verdict.json)")
        }
    }

    @Test func whenTheTimeStampAuthorityIsDownTheVoucherWaitsAndIsMadeWhenAskedAgain() async throws {
        let (tsa, timeStamping) = try Self.switchable(answeringFirst: 0)
        try await CounterReceiptTests.run(timeStamping: timeStamping) { api, db, port in
            let (screen, teller, session) = try await Self.committed(api, port: port)
            defer { screen.close() }

            let refused = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(refused.status == .serviceUnavailable && refused.code == "tsa.unavailable", "\(refused.status) \(refused.code)")
            // Nothing signed without its time-stamp: no voucher went past rendering, no signature or seal was recorded.
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state <> 'rendered'", in: db) == 0)
            #expect(
                try await WebHarness.count(
                    "SELECT count(*)::int FROM audit_events WHERE action IN ('voucher.customer_signed', 'seal.used')", in: db) == 0)

            tsa.up.store(true, ordering: .releasing)
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(issued.status == .created, "\(issued.code)")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state = 'sealed'", in: db) == 1)
        }
    }
}
