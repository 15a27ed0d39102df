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

    public enum Event: Sendable {
        /// LISTEN is in place: whatever was announced while nobody listened must be read again now.
        case listening
        case change(Change)
    }

    /// The announcements from now on, as an async sequence (listening again after a lost connection).
    public static func changes(_ database: Database, logger: Logger) -> AsyncMapSequence<AsyncStream<Announcement>, Event?> {
        database.announcements(on: channel, logger: logger).map { announcement -> Event? in
            switch announcement {
            case .listening: return .listening
            case .lost: return nil
            case .payload(let payload):
                guard let change = try? JSONDecoder().decode(Change.self, from: Data(payload.utf8)) else {
                    logger.error("unreadable counter announcement")
                    return nil
                }
                return .change(change)
            }
        }
    }
}
