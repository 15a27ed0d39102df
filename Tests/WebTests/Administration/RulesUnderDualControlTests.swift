import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18: a new rule set is proposed by one security administrator (checked by the rule loader, with its words
/// for what is wrong), approved by a second, and used by both running instances for their next submission.
@Suite struct RulesUnderDualControlTests {
    @Test func aRuleSetApprovedWhileTwoInstancesRunIsUsedByBoth() async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let (environment, keyFile) = try await AuthzHarness.serviceEnvironment(directoryIn: db)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let a = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { a.stop() }
        let b = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { b.stop() }

        let shipped = AuthzHarness.rules.version
        let tellerA = try await a.login("teller1", terminal: "T01")
        let tellerB = try await b.login("teller2", terminal: "T01")
        let submission = AuthzHarness.submission(amount: "45000.00")
        #expect(
            try await a.call("POST", "/api/v1/transactions", token: tellerA, body: submission).json["rule_set_version"] as? String == shipped)
        #expect(
            try await b.call("POST", "/api/v1/transactions", token: tellerB, body: submission).json["rule_set_version"] as? String == shipped)

        let source = try String(contentsOf: Repository.root.appendingPathComponent("Rules/authorization-rules.json"), encoding: .utf8)
        let next = source.replacingOccurrences(of: shipped, with: "2099-01-01.1")
        func proposal(_ rules: String, version: String) throws -> String {
            let body: [String: Any] = ["password": WebHarness.password, "kind": "rules.activate", "target": version, "details": ["source": rules]]
            return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        }
        let sec1 = try await a.login("sec1", terminal: nil)
        let sec2 = try await b.login("sec2", terminal: nil)
        // What the loader refuses never becomes a proposal.
        let broken = try await a.call(
            "POST", "/api/v1/admin/changes", token: sec1,
            body: try proposal(next.replacingOccurrences(of: #""modes": ["central"]"#, with: #""modes": ["telepathy"]"#), version: "2099-01-01.1"))
        #expect(broken.status == 422 && broken.code == "admin.bad_rules" && broken.message.contains("unknown mode"), "\(broken.json)")
        let mismatch = try await a.call("POST", "/api/v1/admin/changes", token: sec1, body: try proposal(next, version: "2099-01-01.2"))
        #expect(mismatch.status == 422 && mismatch.code == "admin.bad_rules")

        let proposed = try await a.call("POST", "/api/v1/admin/changes", token: sec1, body: try proposal(next, version: "2099-01-01.1"))
        #expect(proposed.status == 201, "\(proposed.json)")
        let id = try #require((proposed.json["id"] as? NSNumber)?.int64Value)
        #expect((proposed.json["details"] as? [String: Any])?["source"] == nil, "the list names the source by digest and size")
        // The second administrator reads exactly what was proposed; nobody else may.
        let shown = try await b.call("GET", "/api/v1/admin/changes/\(id)/source", token: sec2)
        #expect(shown.status == 200 && shown.json["version"] as? String == "2099-01-01.1")
        #expect(try await b.call("GET", "/api/v1/admin/changes/\(id)/source", token: tellerB).status == 403)
        // Proposed is not in force.
        #expect(
            try await b.call("POST", "/api/v1/transactions", token: tellerB, body: submission).json["rule_set_version"] as? String == shipped)
        let approved = try await b.call("POST", "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
        #expect(approved.status == 200, "\(approved.json)")

        for (service, teller) in [(a, tellerA), (b, tellerB)] {
            let after = try await service.call("POST", "/api/v1/transactions", token: teller, body: submission)
            #expect(after.status == 201 && after.json["rule_set_version"] as? String == "2099-01-01.1", "\(after.json)")
        }
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_events WHERE action = 'rules.activated' AND subject = 'rules:2099-01-01.1'", in: db) == 1)
    }
}
