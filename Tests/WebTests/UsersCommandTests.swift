import Accounts
import Foundation
import NIOPosix
import Storage
import TestSupport
import Testing

/// `countersign users set-password`: the way to replace the demo passwords before production, under the rules.
@Suite struct UsersCommandTests {
    @Test func aPasswordIsSetOnlyUnderTheRulesAndNeverAgainSoon() async throws {
        let db = try await TestDatabase.fresh()
        try await WebHarness.seedUsers(db)
        func setPassword(_ password: String) async throws -> ChildProcess.Result {
            try await ChildProcess.run(
                CountersignBinary.path, ["users", "set-password", "--user", "teller1", "--owner-url", db.url(db.owner), "--log-level", "error"],
                environment: ["COUNTERSIGN_NEW_PASSWORD": password], timeout: .seconds(60))
        }
        let weak = try await setPassword("teller1-pass")
        #expect(weak.status != 0 && weak.errors.contains("must not contain the user id"), "\(weak.errors)")
        let strong = try await setPassword("Counter-Spring-2026")
        #expect(strong.status == 0, "\(strong.errors)")
        let again = try await setPassword("Counter-Spring-2026")
        #expect(again.status != 0 && again.errors.contains("last 5"), "\(again.errors)")
        let stored = try await db.with(db.app) { database in
            try await database.read { try await Directory.loginCandidate(userID: "teller1", in: $0) }
        }
        // Real scrypt hashes: checked on NIO's blocking pool, not on the test runner's two cooperative threads.
        let hash = try #require(stored?.1)
        let (new, old) = try await NIOThreadPool.singleton.runIfActive { (hash.matches("Counter-Spring-2026"), hash.matches(WebHarness.password)) }
        #expect(new && !old)
        let events = try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'directory.password_changed'", in: db)
        #expect(events == 1)
    }
}
