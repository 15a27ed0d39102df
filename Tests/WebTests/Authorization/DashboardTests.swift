import Accounts
import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, part 3: the authorization centre's dashboard — the queue by level and mode, what waits and for how
/// long, the officers and what they hold, today's decisions and their latencies — for the centre's supervisor and
/// auditors only.
@Suite struct DashboardTests {
    @Test func theCentresSupervisorSeesTheQueueTheOfficersAndTodaysLatencies() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let officer = try await h.login("officer1", terminal: "C01")
            try await h.presence(officer, "online")
            // Central, level 3, offered to officer1; and a cross-terminal one at level 2 that nobody takes.
            let big = try await h.submit(teller, AuthzHarness.submission(amount: "1500000.00"))
            let central = try await h.requestAuthorization(
                teller, transaction: big, mode: "central", material: [AuthzHarness.idScan, AuthzHarness.voucherImage, AuthzHarness.tellerScreen])
            let small = try await h.submit(teller, AuthzHarness.submission(amount: "250000.00"))
            _ = try await h.requestAuthorization(
                teller, transaction: small, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            h.time.advance(seconds: 120)
            #expect(try await h.claim(officer, central.id).status == .ok)
            h.time.advance(seconds: 30)
            #expect(try await h.decide(officer, central, "reject", reason: "超出客户风险等级 / beyond the customer's risk").status == .ok)

            let supervisor = try await h.login("centre1", terminal: "C09")
            let reply = try await h.call(.get, "/api/v1/authz/dashboard", token: supervisor)
            #expect(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
            let dashboard = try JSONDecoder().decode(AuthorizationDashboard.self, from: reply.body)
            #expect(dashboard.queue.map { "\($0.level) \($0.mode) \($0.state) \($0.count)" } == ["2 cross-terminal pending 1"])
            #expect(dashboard.oldestWaitingMs == 150_000)
            #expect(dashboard.decisionsToday == 1 && dashboard.requestsToday == 2 && dashboard.committedToday == 0)
            #expect(
                dashboard.claimLatency.p50Ms == 120_000 && dashboard.decisionLatency.p50Ms == 30_000,
                "\(dashboard.claimLatency) \(dashboard.decisionLatency)")
            // By the hour: the morning's clock stands at 10:02:30 in Beijing; the hours before are there, as zeros.
            #expect(dashboard.byHour.map(\.hour) == Array(0...10))
            #expect(dashboard.byHour.last == AuthorizationDashboard.Hour(hour: 10, requests: 2, decisions: 1, committed: 0))
            #expect(dashboard.byHour.dropLast().allSatisfy { $0.requests + $0.decisions + $0.committed == 0 })
            let officer1 = try #require(dashboard.officers.first { $0.officer == "officer1" })
            #expect(officer1.status == "online" && officer1.holding == 0 && officer1.decidedToday == 1)

            #expect(try await h.call(.get, "/api/v1/authz/dashboard", token: try await h.login("auditor1")).status == .ok)
            // An hour on, a request counts in its own hour, and the hours add up to the day.
            h.time.advance(seconds: 3600)
            let later = try await h.submit(teller, AuthzHarness.submission(amount: "250000.00"))
            _ = try await h.requestAuthorization(
                teller, transaction: later, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            let hourOn = try JSONDecoder().decode(
                AuthorizationDashboard.self, from: try await h.call(.get, "/api/v1/authz/dashboard", token: supervisor).body)
            #expect(hourOn.byHour.suffix(2).map(\.requests) == [2, 1] && hourOn.byHour.map(\.requests).reduce(0, +) == hourOn.requestsToday)
            // A branch's supervisor is not the centre's; an officer or a teller neither.
            for user in ["super1", "officer2", "teller1"] {
                let refused = try await h.call(
                    .get, "/api/v1/authz/dashboard", token: try await h.login(user, terminal: user == "officer2" ? "C02" : "T01"))
                #expect(refused.status == .forbidden, "\(user)")
            }
        }
    }
}
