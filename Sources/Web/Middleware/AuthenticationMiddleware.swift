public import Accounts
import Hummingbird
import Services
import Storage

/// Resolves `Authorization: Bearer <token>` to the signed-in user. Routes decide whether a user is required.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionLookups

    init(database: Database) { sessions = SessionLookups(database: database) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.hasPrefix("Bearer "), header.utf8.count <= 200 else {
            throw AppError(.unauthorized, code: "auth.bad_header", "the Authorization header must be 'Bearer <token>'")
        }
        let token = SessionToken(value: String(header.dropFirst("Bearer ".count)))
        guard let (user, terminal) = try await sessions.user(forToken: token) else {
            throw AppError(.unauthorized, code: "auth.invalid_token", "the session token is unknown, expired or signed out")
        }
        var context = context
        context.user = user
        context.terminal = terminal
        context.logger[metadataKey: "user"] = .string(user.id)
        return try await next(request, context)
    }
}

extension AppRequestContext {
    /// The signed-in user (this middleware put them there), or 401.
    public func requireUser() throws -> UserIdentity {
        guard let user else { throw AppError(.unauthorized, code: "auth.required", "sign in first: send Authorization: Bearer <token>") }
        return user
    }
}
