import Foundation
public import Logging

/// The authorization feed as announced (migrations 0006, 0017): a trigger writes each request change to `authz_feed`
/// in the changing transaction and NOTIFY carries it at commit — the snapshot itself, or only its feed id when the
/// snapshot is too long for a notification.
public enum AuthorizationFeed {
    public static let channel = "countersign_authz"

    public enum Event: Sendable {
        /// LISTEN is in place; the changes missed before it follow first.
        case listening
        /// A request changed; `json` is the snapshot as the database wrote it, when it came whole.
        case change(RequestSnapshot, json: String?)
        /// The connection went; listening again follows.
        case lost
    }

    /// Every change of the feed from now on, as an async sequence. Each time LISTEN is (again) in place, the rows
    /// after `after()` — the newest feed id the consumer has seen — are read back and come first, so a reconnect
    /// loses nothing; when that read fails, the connection is given up and tried again.
    public static func changes(_ database: Database, logger: Logger, after: @escaping @Sendable () -> Int64) -> AsyncStream<Event> {
        AsyncStream { continuation in
            let task = Task {
                await database.follow(
                    channel: channel, logger: logger,
                    listening: {
                        continuation.yield(.listening)
                        let since = after()
                        guard since > 0 else { return }
                        for snapshot in try await database.read({ try await AuthorizationStore.feed(after: since, limit: 10_000, in: $0) }) {
                            continuation.yield(.change(snapshot, json: nil))
                        }
                    },
                    lost: { continuation.yield(.lost) }
                ) { payload in
                    if let snapshot = try? RequestSnapshot.decode(json: payload) {
                        continuation.yield(.change(snapshot, json: payload))
                    } else if let pointer = try? JSONDecoder().decode(FeedPointer.self, from: Data(payload.utf8)) {
                        let rows = try await database.read { try await AuthorizationStore.feed(after: pointer.feedID - 1, limit: 1, in: $0) }
                        for snapshot in rows where snapshot.feedID == pointer.feedID { continuation.yield(.change(snapshot, json: nil)) }
                    } else {
                        logger.error("unreadable authorization feed notification")
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// What a notification carries instead of a snapshot too long for NOTIFY.
    struct FeedPointer: Decodable {
        let feedID: Int64
        enum CodingKeys: String, CodingKey { case feedID = "feed_id" }
    }
}
