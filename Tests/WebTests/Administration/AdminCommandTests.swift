import Foundation
import Storage
import TestSupport
import Testing

/// `countersign admin bootstrap`: the first two security administrators of an installation, and no more — every
/// later change of users takes two of them.
@Suite struct AdminCommandTests {
    @Test func onlyTheFirstTwoSecurityAdministratorsComeFromTheCommandLine() async throws {
        let db = try await TestDatabase.fresh()
        try await WebHarness.seedUsers(db)
        func bootstrap(_ user: String) async throws -> ChildProcess.Result {
            try await ChildProcess.run(
                CountersignBinary.path,
                [
                    "admin", "bootstrap", "--user", user, "--name", "管理员 \(user)", "--branch", "HQ", "--owner-url", db.url(db.owner), "--log-level",
                    "error",
                ],
                timeout: .seconds(60))
        }
        let first = try await bootstrap("sec1")
        #expect(first.status == 0 && first.output.contains("one-time password"), "\(first.errors)")
        #expect(try await bootstrap("sec2").status == 0)
        let third = try await bootstrap("sec3")
        #expect(third.status != 0 && third.errors.contains("two security administrators are active"), "\(third.errors)")
        #expect(try await WebHarness.count("SELECT count(*)::int FROM users WHERE role = 'security_admin' AND must_change_password", in: db) == 2)
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_events WHERE action = 'directory.user_created' AND actor = 'system:cli'", in: db) == 2)
    }
}
