public import Logging
import PostgresNIO

/// What listening to a channel brings: LISTEN is in place (read back what was missed before this), a payload, or
/// the connection went (LISTEN follows again half a second later).
public enum Announcement: Sendable, Equatable {
    case listening
    case payload(String)
    case lost
}

extension Database {
    /// What the database announces on `channel` (NOTIFY at commit), as an async sequence that lasts until the
    /// consumer stops iterating or its task is cancelled. The one place outside this module's stores that a
    /// PostgreSQL connection is held open.
    public func announcements(on channel: String, logger: Logger) -> AsyncStream<Announcement> {
        AsyncStream { continuation in
            let task = Task {
                await follow(
                    channel: channel, logger: logger, listening: { continuation.yield(.listening) }, lost: { continuation.yield(.lost) }
                ) { continuation.yield(.payload($0)) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Follows `channel` until the task is cancelled, listening again half a second after a lost connection.
    /// `listening` runs each time LISTEN is in place, before any payload is handed on; when it throws, the
    /// connection is given up and LISTEN starts again (so work it does, like reading back, is retried).
    func follow(
        channel: String, logger: Logger, listening: @Sendable () async throws -> Void, lost: @Sendable () -> Void = {},
        _ handle: @Sendable (_ payload: String) async throws -> Void
    ) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        try await listening()
                        for try await notification in notifications { try await handle(notification.payload) }
                    }
                }
            } catch {
                lost()
                if Task.isCancelled { return }
                logger.warning("listener on \(channel) lost; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
