import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, part 4: the audit trail searched across its chains — by actor, action, branch and subject over a range
/// of days, newest first, a page at a time — each event checked where it stands in its chain, and marked when it no
/// longer holds.
@Suite struct AuditTrailAPITests {
    @Test func anAuditorSearchesTheTrailByEachFilterAndSeesEachEventChecked() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            _ = try await h.submit(teller, AuthzHarness.submission(amount: "250000.00"))
            #expect(try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super2","password":"guess"}"#).status == .unauthorized)
            let auditor = try await h.login("auditor1")
            // The events' own days (the bank's): the trail is stamped by the database's clock.
            let days = try await h.db.with(h.db.owner) { db in
                try await db.read { tx in
                    try await tx.query(
                        """
                        SELECT to_char(min(at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), to_char(max(at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
                        FROM audit_events
                        """
                    ).collect().first!.decode((String, String).self)
                }
            }
            func trail(_ query: String) async throws -> [[String: Any]] {
                let reply = try await h.call(.get, "/api/v1/audit/events?from=\(days.0)&to=\(days.1)&\(query)", token: auditor)
                #expect(reply.status == .ok, "\(query): \(reply.code)")
                return reply.json["events"] as? [[String: Any]] ?? []
            }
            let all = try await trail("limit=200")
            #expect(all.count >= 5 && all.allSatisfy { $0["verified"] as? Bool == true }, "\(all)")
            let times = all.compactMap { $0["time"] as? String }
            #expect(times == times.sorted(by: >))
            // Several chains in one answer.
            #expect(Set(all.compactMap { $0["chain"] as? String }).count >= 2)

            let byActor = try await trail("actor=teller1")
            #expect(!byActor.isEmpty && byActor.allSatisfy { $0["actor"] as? String == "teller1" })
            #expect(byActor.contains { $0["action"] as? String == "session.login" })
            let failed = try await trail("action=session.login_failed")
            #expect(failed.compactMap { $0["subject"] as? String } == ["user:super2"])
            let aboutSuper2 = try await trail("subject=user:super2")
            #expect(
                aboutSuper2.allSatisfy { $0["subject"] as? String == "user:super2" }
                    && aboutSuper2.contains { $0["action"] as? String == "session.login_failed" })
            let atBranch = try await trail("branch=BR001")
            #expect(!atBranch.isEmpty && atBranch.allSatisfy { $0["branch"] as? String == "BR001" })
            let none = (try await trail("branch=BR999")) + (try await trail("actor=nobody"))
            #expect(none.isEmpty)

            // Pages: two, then the next two, none repeated, in the same order as the whole.
            let first = try await h.call(.get, "/api/v1/audit/events?from=\(days.0)&to=\(days.1)&limit=2", token: auditor)
            let next = try #require(first.json["next"] as? String)
            let second = try await trail("limit=2&after=\(next)")
            let key = { (e: [String: Any]) in "\(e["chain"] ?? "")/\(e["seq"] ?? "")" }
            #expect(((first.json["events"] as? [[String: Any]]) ?? []).map(key) + second.map(key) == all.prefix(4).map(key))

            for bad in [
                "action=Session", "action=login", "subject=user%20x", "actor=%27%3B", "after=garbage", "after=1-2", "limit=0", "from=2026-13-01",
            ] {
                let refused = try await h.call(.get, "/api/v1/audit/events?\(bad)", token: auditor)
                #expect(refused.status == .badRequest && refused.code == "supervision.bad_query", "\(bad): \(refused.status) \(refused.code)")
            }
            #expect(try await h.call(.get, "/api/v1/audit/events", token: teller).code == "supervision.forbidden")
            // A filter named twice is refused (which one was meant?), here and on every API route.
            for twice in ["/api/v1/audit/events?actor=teller1&actor=super2", "/api/v1/audit/transactions?branch=BR001&branch=BR002"] {
                let refused = try await h.call(.get, twice, token: auditor)
                #expect(refused.status == .badRequest && refused.code == "request.duplicate_key", "\(twice): \(refused.code)")
            }

            // Someone with the owner's role rewrites the failed sign-in's event: the trail says that one no longer holds.
            let rewritten = try #require(failed.first)
            let (chain, seq) = (try #require(rewritten["chain"] as? String), try #require(rewritten["seq"] as? Int))
            try await h.db.with(h.db.owner) { database in
                try await database.transaction { tx in
                    try await tx.execute(sql: "ALTER TABLE audit_events DISABLE TRIGGER USER")
                    try await tx.execute(
                        sql: "UPDATE audit_events SET actor = 'someone' WHERE chain_id = '\(chain)' AND seq = \(seq)")
                    try await tx.execute(sql: "ALTER TABLE audit_events ENABLE TRIGGER USER")
                }
            }
            let after = try await trail("subject=user:super2")
            let broken = after.filter { $0["verified"] as? Bool == false }
            #expect(broken.map(key) == ["\(chain)/\(seq)"] && (broken.first?["problem"] as? String)?.isEmpty == false, "\(after)")
        }
    }
}
