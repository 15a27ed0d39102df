import Accounts
import Foundation
import Storage
import Testing
import Web

/// Sessions end when their user does nothing for longer than their role's idle limit (issue #18, part 2). Idleness
/// is made by moving a session's last use back in the database (the limit is on the database's clock, as a session's
/// absolute end is), never by waiting.
@Suite struct IdleSessionTests {
    /// What the user does keeps the session, written at most once a minute; a console's own reads do not.
    @Test func onlyTheUsersOwnRequestsKeepTheSessionAndAtMostOnceAMinute() async throws {
        try await AuthzHarness.run { h in
            let token = try await h.login("super1")
            try await Self.idle(h, "super1", minutes: 5)
            let fiveMinutesAgo = try await Self.lastSeen(h, "super1")
            #expect(try await h.call(.get, "/api/v1/session", token: token, background: true).status == .ok)
            #expect(try await Self.lastSeen(h, "super1") == fiveMinutesAgo)
            #expect(try await h.call(.get, "/api/v1/session", token: token).status == .ok)
            let used = try await Self.lastSeen(h, "super1")
            #expect(used > fiveMinutesAgo + 4 * 60_000_000)
            // Within the minute, a request writes nothing.
            #expect(try await h.call(.get, "/api/v1/session", token: token).status == .ok)
            #expect(try await Self.lastSeen(h, "super1") == used)
        }
    }

    /// Past the limit the token is refused with its own code, to a console's reads as to the user; its push socket
    /// is closed at the next check; a confirmed step is refused by the database itself. The limit is the role's:
    /// twelve idle minutes end a security administrator's session (ten), not a supervisor's (fifteen).
    @Test func pastItsRolesLimitASessionIsRefusedEverywhere() async throws {
        try await AuthzHarness.run { h in
            let supervisor = try await h.login("super1")
            let admin = try await h.login("sec1")
            let officer = try await h.login("officer1")
            let feed = try await FeedListener.connect(port: h.client.port!, token: officer)
            defer { feed.close() }
            try await Self.idle(h, "super1", minutes: 12)
            try await Self.idle(h, "sec1", minutes: 12)
            #expect(try await h.call(.get, "/api/v1/session", token: supervisor).status == .ok)
            for background in [true, false] {
                let refused = try await h.call(.get, "/api/v1/session", token: admin, background: background)
                #expect(refused.status == .unauthorized && refused.code == "auth.session_idle")
            }
            // Used again, a session past its limit stays ended.
            #expect(try await h.call(.get, "/api/v1/session", token: admin).code == "auth.session_idle")

            try await Self.idle(h, "officer1", minutes: 31)
            #expect(await h.services.hub.revalidate() >= 0)
            try await waitUntil { feed.isClosed }
            #expect(feed.errors == ["auth.session_idle"])

            // The application role cannot act with an idle session's token, whatever the service says.
            let refusal = await #expect(throws: StorageError.self) {
                try await h.database.read { tx in
                    _ = try await tx.query("SELECT admin_propose(\(admin), \(WebHarness.password), 'user.unlock', 'teller1', '{}'::jsonb)").collect()
                }
            }
            #expect(refusal?.constraint == "user_signed_in", "\(String(describing: refusal))")
        }
    }

    @Test func theLimitsAreSetPerRoleOrForAll() {
        let defaults = WebConfiguration.defaultSessionIdleSeconds
        #expect(defaults[.teller] == 900 && defaults[.securityAdmin] == 600 && defaults.count == Role.allCases.count)
        #expect(WebConfiguration.sessionIdleSeconds(parsing: "20", over: defaults)?.values.allSatisfy { $0 == 1200 } == true)
        let some = WebConfiguration.sessionIdleSeconds(parsing: "teller=10, officer=45", over: defaults)
        #expect(some?[.teller] == 600 && some?[.officer] == 2700 && some?[.auditor] == defaults[.auditor])
        for wrong in ["", "1", "teller=1", "nobody=5", "teller=5,", "teller", "20 minutes", "teller=99999"] {
            #expect(WebConfiguration.sessionIdleSeconds(parsing: wrong, over: defaults) == nil, "\(wrong)")
        }
    }

    /// Moves the user's sessions' last use `minutes` back.
    static func idle(_ h: AuthzHarness, _ user: String, minutes: Int) async throws {
        try await h.db.with(h.db.owner) { db in
            try await db.read { tx in
                try await tx.query("UPDATE sessions SET last_seen_at = now() - \(minutes) * interval '1 minute' WHERE user_id = \(user)")
            }
        }
    }

    static func lastSeen(_ h: AuthzHarness, _ user: String) async throws -> Int64 {
        try await h.db.with(h.db.owner) { db in
            try await db.read { tx in
                try await tx.query("SELECT max(ts_to_us(last_seen_at)) FROM sessions WHERE user_id = \(user)").collect().first!.decode(Int64.self)
            }
        }
    }
}
