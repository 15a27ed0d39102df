public import Accounts

/// Resolves bearer tokens to signed-in users. Every authenticated request asks, so the lookups of requests that
/// arrive together go to the database in one statement; a lone request's lookup goes at once. Nothing is cached:
/// a session signed out, left idle or of a deactivated user is refused from the next lookup on, on every instance.
public final class SessionLookups: Sendable {
    private let batcher: Batcher<(token: SessionToken, used: Bool), SessionStatus>

    public init(database: Database, maximum: Int = 64) {
        batcher = Batcher(maximum: maximum, onFailure: .failAll) { tokens in
            try await database.read { try await Directory.sessions(tokens, in: $0) }
        }
    }

    /// The session behind `token`; `used`: the request is the user's doing (not a console's own polling), so the
    /// session's idle time starts again.
    public func session(forToken token: SessionToken, used: Bool) async throws -> SessionStatus {
        try await batcher.submit((token, used))
    }
}
