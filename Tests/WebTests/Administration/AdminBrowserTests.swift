import Accounts
import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18 (Tests/Browser/admin.py): a security administrator proposes a new teller at a desktop, a second one
/// approves it on a tablet and hands over the one-time password, and the teller signs in on a phone-sized console,
/// choosing their own password first.
@Suite struct AdminBrowserTests {
    @Test func anAdministratorProposesATellerASecondApprovesAndTheTellerSignsIn() async throws {
        struct Outcome: Decodable {
            let change: Int64
            let teller: String
        }
        let run = try await BrowserCheck.run(
            "admin.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("admin")])
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))
        let db = run.db
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM users WHERE id = '\(outcome.teller)' AND active AND NOT must_change_password AND branch_code = 'BR001'",
                in: db) == 1)
        #expect(
            try await WebHarness.count(
                """
                SELECT count(*)::int FROM admin_changes
                WHERE id = \(outcome.change) AND state = 'approved' AND proposed_by = 'sec1' AND decided_by = 'sec2'
                """, in: db) == 1)
        let actions = try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query(
                    "SELECT action FROM audit_events WHERE subject IN (\("admin_change:\(outcome.change)"), \("user:\(outcome.teller)")) ORDER BY at, seq"
                ).collect().map { try $0.decode(String.self) }
            }
        }
        #expect(actions.starts(with: ["admin.proposed", "admin.approved"]))
        #expect(actions.contains("session.password_changed"))
    }
}
