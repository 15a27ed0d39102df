import Accounts
import Foundation
import Services
import Storage
import Synchronization
import TestSupport
import Testing

/// Issue #18, part 2: a user deactivated under dual control is signed out at once — their token refused and their
/// open WebSockets closed on every instance, not at the next heartbeat.
@Suite struct DeactivationTests {
    @Test func anApprovedDeactivationClosesTheUsersSocketsOnEveryInstanceAtOnce() async throws {
        try await AuthzHarness.run { h in
            let officer = try await h.login("officer2")
            let sec1 = try await h.login("sec1")
            let sec2 = try await h.login("sec2")
            // The service's own instance: a real console connection.
            let feed = try await FeedListener.connect(port: h.client.port!, token: officer)
            defer { feed.close() }
            try await h.db.with(h.db.app) { database in
                // A second instance whose heartbeat would not come for an hour: only the announcement can end this.
                let other = PushHub(database: database, logger: TestDatabase.logger, heartbeatSeconds: 3600)
                let running = Task { try await other.run() }
                defer { running.cancel() }
                let (messages, sender) = AsyncStream.makeStream(of: String.self)
                let identity = UserIdentity(id: "officer2", displayName: "officer2", branch: "AC01", role: .officer)
                _ = other.subscribe(user: identity, token: SessionToken(value: officer), sender: sender)
                let ended = Mutex<[String]?>(nil)
                let reader = Task {
                    var seen: [String] = []
                    for await message in messages { seen.append(message) }
                    ended.withLock { $0 = seen }
                }
                defer { reader.cancel() }
                try await waitUntil { other.isListening }

                let proposed = try await h.call(
                    .post, "/api/v1/admin/changes", token: sec1, body: #"{"password":"correct horse","kind":"user.deactivate","target":"officer2"}"#)
                let id = try #require((proposed.json["id"] as? NSNumber)?.int64Value, "\(String(decoding: proposed.body, as: UTF8.self))")
                // Proposed is not done: the officer is still signed in.
                #expect(try await h.call(.get, "/api/v1/session", token: officer).status == .ok)
                #expect(ended.withLock { $0 } == nil && !feed.isClosed)

                #expect(
                    try await h.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok)
                #expect(try await h.call(.get, "/api/v1/session", token: officer).status == .unauthorized)
                try await waitUntil { ended.withLock { $0 } != nil }
                #expect(ended.withLock { $0 }?.contains { $0.contains("auth.session_ended") } == true)
                try await waitUntil { feed.isClosed }
                #expect(feed.errors == ["auth.session_ended"])
            }
        }
    }
}
