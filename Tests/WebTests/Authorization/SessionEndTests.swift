import Foundation
import Storage
import Testing

/// A push connection lives no longer than its session (issue #13): sign-out, expiry and deactivation close it on
/// every instance, and it stops keeping the officer "online".
@Suite struct SessionEndTests {
    @Test func signOutExpiryAndDeactivationCloseOpenPushConnections() async throws {
        try await AuthzHarness.run { h in
            let signedOut = try await h.login("super1")
            let expiring = try await h.login("officer1")
            let deactivated = try await h.login("officer2")
            let staying = try await h.login("teller1")
            let feeds = [
                try await FeedListener.connect(port: h.client.port!, token: signedOut),
                try await FeedListener.connect(port: h.client.port!, token: expiring),
                try await FeedListener.connect(port: h.client.port!, token: deactivated),
                try await FeedListener.connect(port: h.client.port!, token: staying),
            ]
            defer { feeds.forEach { $0.close() } }
            #expect(await h.services.hub.revalidate() == 0)

            #expect(try await h.call(.delete, "/api/v1/session", token: signedOut).status == .noContent)
            try await h.db.with(h.db.owner) { db in
                try await db.read { tx in
                    try await tx.query("UPDATE sessions SET expires_at = created_at + interval '1 microsecond' WHERE user_id = 'officer1'")
                    try await tx.query("UPDATE users SET active = false WHERE id = 'officer2'")
                }
            }
            // The heartbeat may have revalidated meanwhile (a busy machine): whatever is left, this call closes.
            #expect(await h.services.hub.revalidate() <= 3)
            for feed in feeds.prefix(3) {
                try await waitUntil { feed.isClosed }
                #expect(feed.errors == ["auth.session_ended"])
            }
            #expect(!feeds[3].isClosed && feeds[3].errors.isEmpty)
        }
    }

    /// The heartbeat no longer counts a signed-out officer's console as presence.
    @Test func anEndedSessionStopsTheHeartbeat() async throws {
        try await AuthzHarness.run { h in
            let officer = try await h.login("officer1")
            try await h.presence(officer, "online")
            let feed = try await FeedListener.connect(port: h.client.port!, token: officer)
            defer { feed.close() }
            func seen() async throws -> Int64 {
                try await h.db.with(h.db.owner) { db in
                    try await db.read { tx in
                        try await tx.query("SELECT ts_to_us(seen_at) FROM officer_presence WHERE user_id = 'officer1'").collect().first!
                            .decode(Int64.self)
                    }
                }
            }
            h.time.advance(seconds: 3)
            await h.services.hub.heartbeat()
            let before = try await seen()
            #expect(before == h.time.now().microsecondsSinceEpoch)
            #expect(try await h.call(.delete, "/api/v1/session", token: officer).status == .noContent)
            await h.services.hub.revalidate()
            h.time.advance(seconds: 3)
            await h.services.hub.heartbeat()
            #expect(try await seen() == before)
        }
    }
}
