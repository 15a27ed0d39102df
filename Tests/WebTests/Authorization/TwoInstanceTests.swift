import Crypto
import Foundation
import Storage
import TestSupport
import Testing

/// Two `countersign serve` processes on one database: the push feed crosses between them through PostgreSQL.
@Suite struct TwoInstanceTests {
    @Test func anOfficerOnBHearsOfARequestMadeOnAAndTheTellerOnAHearsBsDecision() async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let (environment, keyFile) = try await AuthzHarness.serviceEnvironment(directoryIn: db)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let a = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { a.stop() }
        let b = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { b.stop() }

        let teller = try await a.login("teller1")
        let supervisor = try await b.login("super1")
        _ = try await b.call("PUT", "/api/v1/authz/presence", token: supervisor, body: #"{"status":"online"}"#)
        let officerFeed = try await FeedListener.connect(port: b.port, token: supervisor)
        let tellerFeed = try await FeedListener.connect(port: a.port, token: teller)
        defer { officerFeed.close(); tellerFeed.close() }

        // The real clock here, so keep the amount band away from the after-hours rule's modes: cross-branch is in both.
        let submission = AuthzHarness.submission(amount: "60000.00")
        let submitted = try await a.call("POST", "/api/v1/transactions", token: teller, body: submission)
        let transaction = try #require(submitted.json["transaction"] as? String)
        let request = try await a.call(
            "POST", "/api/v1/transactions/\(transaction)/authorization", token: teller,
            body: #"{"mode":"cross-terminal","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)]}"#)
        let id = try #require(request.json["id"] as? String, "\(request.json)")
        let offer = try await officerFeed.next { $0.id == id && $0.state == .pending }
        // How fast pushes cross instances is measured by `bench authz`, not asserted here: a test that needs the
        // machine to be quick fails when CI is busy (issue #13).
        #expect(offer.offeredTo == ["super1"])

        _ = try await b.call("POST", "/api/v1/authz/requests/\(id)/claim", token: supervisor)
        let approve = #"{"decision":"approve","payload_digest":"\#(offer.payloadDigest)","material_digest":"\#(offer.materialDigest)"}"#
        _ = try await b.call("POST", "/api/v1/authz/requests/\(id)/decision", token: supervisor, body: approve)
        try await tellerFeed.next { $0.id == id && $0.state == .approved }
        let committed = try await a.call("POST", "/api/v1/transactions/\(transaction)/commit", token: teller, body: submission)
        #expect(committed.json["state"] as? String == "committed")
    }
}
