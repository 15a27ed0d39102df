import Foundation
public import Logging

/// The authorization feed as announced (migrations 0006, 0017): a trigger writes each request change to `authz_feed`
/// in the changing transaction and NOTIFY carries it at commit — the snapshot itself, or only its feed id when the
/// snapshot is too long for a notification.
public enum AuthorizationFeed {
    public static let channel = "countersign_authz"

    /// Follows the feed until the task is cancelled. `listening` runs each time LISTEN is in place (read back what
    /// was missed then); `handle` gets each snapshot with the JSON it came as, when it came whole.
    public static func follow(
        _ database: Database, logger: Logger, listening: @Sendable () async throws -> Void, lost: @Sendable () -> Void,
        _ handle: @Sendable (RequestSnapshot, _ json: String?) async -> Void
    ) async {
        await database.follow(channel: channel, logger: logger, listening: listening, lost: lost) { payload in
            if let snapshot = try? RequestSnapshot.decode(json: payload) {
                await handle(snapshot, payload)
            } else if let pointer = try? JSONDecoder().decode(FeedPointer.self, from: Data(payload.utf8)) {
                let rows = try await database.read { try await AuthorizationStore.feed(after: pointer.feedID - 1, limit: 1, in: $0) }
                for snapshot in rows where snapshot.feedID == pointer.feedID { await handle(snapshot, nil) }
            } else {
                logger.error("unreadable authorization feed notification")
            }
        }
    }

    /// What a notification carries instead of a snapshot too long for NOTIFY.
    struct FeedPointer: Decodable {
        let feedID: Int64
        enum CodingKeys: String, CodingKey { case feedID = "feed_id" }
    }
}
