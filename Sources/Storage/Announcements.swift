public import Logging
import PostgresNIO

extension Database {
    /// Follows what the database announces on `channel` (NOTIFY at commit) until the task is cancelled, listening
    /// again half a second after a lost connection. `listening` runs each time LISTEN is in place, before any payload
    /// is handed on — what was announced while nobody listened must be read back then; `lost` runs when the
    /// connection goes. The one place outside this module's stores that a PostgreSQL connection is held open.
    public func follow(
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
