import Foundation
public import Logging

/// The counter's announcements (migration 0028): the database says, at commit, which screen and which teller's
/// session changed. The announcement carries no content; whoever holds the screen or the console reads the rows
/// again, so a lost announcement costs a refresh, never a wrong screen.
public enum CounterFeed {
    public static let channel = "countersign_counter"

    public struct Change: Sendable, Decodable, Equatable {
        public let device: Int64?
        public let session: Int64?
        public let teller: String?
    }

    /// Follows the announcements until the task is cancelled, listening again after a lost connection.
    /// `listening` runs each time LISTEN is in place, before any change is handed on: what was announced while
    /// nobody listened must be read again then.
    public static func follow(
        _ database: Database, logger: Logger, listening: @Sendable () async -> Void, _ handle: @Sendable (Change) async -> Void
    ) async {
        await database.follow(channel: channel, logger: logger, listening: listening) { payload in
            guard let change = try? JSONDecoder().decode(Change.self, from: Data(payload.utf8)) else {
                logger.error("unreadable counter announcement")
                return
            }
            await handle(change)
        }
    }
}
