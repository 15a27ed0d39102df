import Audit
import Foundation
import Services
import Storage
import Testing
import Web

/// Escalation, lease expiry and the teller's wait limit, driven by the test clock.
@Suite struct AuthorizationTimeoutTests {
    @Test func unclaimedRequestsWidenLapsedLeasesReturnAndTheTellerIsToldWhenTheWaitRunsOut() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let officer = try await h.login("officer1")
            try await h.presence(officer, "online")
            let tellerFeed = try await FeedListener.connect(port: h.client.port!, token: teller)
            defer { tellerFeed.close() }
            // CNY 60k: level 1; unclaimed 60 s, lease 120 s, teller wait 300 s.
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])

            h.time.advance(seconds: 59)
            #expect(try await h.services.timeouts.sweep().total == 0)
            h.time.advance(seconds: 2)
            #expect(try await h.services.timeouts.sweep().escalated == 1)
            #expect(try await scope(h, request.id) == ("cross-branch", nil))
            h.time.advance(seconds: 61)
            #expect(try await h.services.timeouts.sweep().escalated == 1)
            #expect(try await scope(h, request.id) == ("central", "officer1"))

            #expect(try await h.claim(officer, request.id).status == .ok)
            h.time.advance(seconds: 119)
            #expect(try await h.services.timeouts.sweep().leasesExpired == 0)
            h.time.advance(seconds: 2)
            #expect(try await h.services.timeouts.sweep().leasesExpired == 1)
            let late = try await h.decide(officer, request, "approve")
            #expect(late.status == .conflict && late.code == "authz.no_claim")
            // The lapse counts in the officer's statistics, though they never decided anything.
            let stats = try await h.call(.get, "/api/v1/authz/statistics", token: try await h.login("auditor1"))
                .decode(AuthorizationStatistics.self)
            let mine = try #require(stats.officers.first { $0.officer == "officer1" })
            #expect(mine.leasesExpired == 1 && mine.decisions == 0)

            h.time.advance(seconds: 60)  // 303 s after the request
            #expect(try await h.services.timeouts.sweep().tellerWaitsExpired == 1)
            try await tellerFeed.next { $0.id == request.id && $0.state == .expired }
            #expect(try await h.claim(officer, request.id).code == "authz.not_pending")
            #expect(
                try await h.auditActions(subject: "authz:\(request.id)") == [
                    "authz.requested", "authz.escalated", "authz.escalated", "authz.claimed", "authz.lease_expired", "authz.teller_wait_expired",
                ])
            try await h.auditVerifies()
        }
    }

    @Test func aCentralRequestUnclaimedByItsOfficerGoesToAnother() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            for officer in ["officer1", "officer2"] { try await h.presence(try await h.login(officer), "online") }
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "1500000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "central",
                material: [AuthzHarness.idScan, AuthzHarness.voucherImage, AuthzHarness.tellerScreen])
            let first = try #require(try await h.assignedTo(request.id))
            h.time.advance(seconds: 46)  // central: unclaimed 45 s
            #expect(try await h.services.timeouts.sweep().escalated == 1)
            let (_, now) = try await scope(h, request.id)
            #expect(now != nil && now != first)
        }
    }

    @Test func anOfficerWhoseConsoleWentAwayIsSetOfflineAndTheirRequestMovesToOneStillConnected() async throws {
        try await AuthzHarness.run(presenceTimeoutSeconds: 30) { h in
            let teller = try await h.login("teller1")
            let (gone, here) = (try await h.login("officer1"), try await h.login("officer2"))
            try await h.presence(gone, "online")
            try await h.presence(here, "paused")  // so the central request is assigned to officer1
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "1500000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "central",
                material: [AuthzHarness.idScan, AuthzHarness.voucherImage, AuthzHarness.tellerScreen])
            #expect(try await h.assignedTo(request.id) == "officer1")
            // officer2 works with the console open; officer1 set online and then closed the browser.
            try await h.presence(here, "online")
            let console = try await FeedListener.connect(port: h.client.port!, token: here)
            defer { console.close() }

            h.time.advance(seconds: 20)
            await h.services.hub.heartbeat()
            #expect(try await h.services.timeouts.sweep().presenceLost == 0)
            h.time.advance(seconds: 11)  // officer1 last seen 31 s ago, officer2 just now
            await h.services.hub.heartbeat()
            let swept = try await h.services.timeouts.sweep()
            #expect(swept.presenceLost == 1 && swept.escalated == 0)
            #expect(try await scope(h, request.id) == ("central", "officer2"))
            try await console.next { $0.id == request.id && $0.offeredTo == ["officer2"] }
            #expect(try await h.call(.get, "/api/v1/authz/queue", token: gone).json["presence"] as? String == "offline")
            #expect(try await h.auditActions(subject: "user:officer1").last == "authz.presence_lost")
            #expect(try await h.auditActions(subject: "authz:\(request.id)") == ["authz.requested", "authz.reassigned"])

            // A connected console stays online however long it is open.
            for _ in 0..<4 {
                h.time.advance(seconds: 20)
                await h.services.hub.heartbeat()
                #expect(try await h.services.timeouts.sweep().presenceLost == 0)
            }
            #expect(try await h.call(.get, "/api/v1/authz/queue", token: here).json["presence"] as? String == "online")
            try await h.auditVerifies()
        }
    }

    @Test func thePushFeedKeepsChangesForItsRetentionOnly() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            await AuthorizationStore.announce(h.database)
            let rows = { try await h.database.read { tx in try await AuthorizationStore.feed(after: 0, limit: 100, in: tx) } }
            #expect(try await rows().map(\.id) == [request.id])
            let keepAnHour = AuthorizationTimeouts(database: h.database, time: h.time, feedRetentionSeconds: 3_600)
            #expect(try await keepAnHour.sweep().feedPruned == 0)
            #expect(try await rows().count == 1)
            let keepNothing = AuthorizationTimeouts(database: h.database, time: h.time, feedRetentionSeconds: 0)
            #expect(try await keepNothing.sweep().feedPruned == 1)
            #expect(try await rows().isEmpty)
            // The request itself and its audit events are untouched: the feed is only the push channel's outbox.
            #expect(try await h.auditActions(subject: "authz:\(request.id)") == ["authz.requested"])
            try await h.auditVerifies()
        }
    }

    private func scope(_ h: AuthzHarness, _ id: String) async throws -> (String, String?) {
        let auditor = try await h.login("auditor1")
        let view = try await h.call(.get, "/api/v1/authz/requests/\(id)", token: auditor)
        let request = try #require(view.json["request"] as? [String: any Sendable])
        return (request["scope"] as? String ?? "?", request["assigned_to"] as? String)
    }
}
