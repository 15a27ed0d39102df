public import Accounts

/// Resolves bearer tokens to signed-in users. Every authenticated request asks, so the lookups of requests that
/// arrive together go to the database in one statement; a lone request's lookup goes at once. Nothing is cached:
/// a session signed out or a user deactivated is refused from the next lookup on, on every instance.
public final class SessionLookups: Sendable {
    private let batcher: Batcher<SessionToken, SignedIn?>

    public init(database: Database, maximum: Int = 64) {
        batcher = Batcher(maximum: maximum, onFailure: .failAll) { tokens in
            try await database.read { try await Directory.users(forTokens: tokens, in: $0) }
        }
    }

    /// The user and the terminal they signed in at, or nil when the session is not live.
    public func user(forToken token: SessionToken) async throws -> SignedIn? {
        try await batcher.submit(token)
    }
}
