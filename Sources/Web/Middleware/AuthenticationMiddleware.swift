public import Accounts
import HTTPTypes
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
        // A console reading on its own (a poll, a push's follow-up) says so: only what the user does keeps the
        // session from its idle limit.
        let used = request.headers[Self.background] == nil
        let session: SignedIn
        switch try await sessions.session(forToken: token, used: used) {
        case .live(let live): session = live
        case .idle:
            throw AppError(
                .unauthorized, code: "auth.session_idle",
                "signed out after a while without activity: sign in again / 长时间未操作，已自动退出，请重新登录")
        case .ended:
            throw AppError(.unauthorized, code: "auth.invalid_token", "the session token is unknown, expired or signed out")
        }
        let (user, terminal) = (session.user, session.terminal)
        // A password an administrator gave (a new user, a reset) is for replacing, nothing else.
        if session.mustChangePassword, !Self.allowedBeforePasswordChange(request) {
            throw AppError(
                .forbidden, code: "auth.password_change_required",
                "choose your own password first (POST /api/v1/session/password) / 请先修改管理员设置的初始密码")
        }
        var context = context
        context.user = user
        context.terminal = terminal
        context.sessionToken = token
        context.passwordChangeRequired = session.mustChangePassword
        context.logger[metadataKey: "user"] = .string(user.id)
        return try await next(request, context)
    }
}

extension AuthenticationMiddleware {
    /// Sent (with any value) by a console's own reads, which do not count as the user's activity.
    static let background = HTTPField.Name("Countersign-Background")!

    /// What a user who must replace their password may still do: see their session, sign out, and replace it.
    static func allowedBeforePasswordChange(_ request: Request) -> Bool {
        switch (request.method, request.uri.path) {
        case (.get, "/api/v1/session"), (.delete, "/api/v1/session"), (.post, "/api/v1/session/password"): true
        default: false
        }
    }
}

extension AppRequestContext {
    /// The signed-in user (this middleware put them there), or 401.
    public func requireUser() throws -> UserIdentity {
        guard let user else { throw AppError(.unauthorized, code: "auth.required", "sign in first: send Authorization: Bearer <token>") }
        return user
    }

    /// The signed-in user's token (with ``requireUser()``), or 401.
    public func requireToken() throws -> SessionToken {
        guard let sessionToken else { throw AppError(.unauthorized, code: "auth.required", "sign in first: send Authorization: Bearer <token>") }
        return sessionToken
    }

    /// The signed-in user confirming a step with their `password` (an administrative change, a finding, a sample).
    func acting(password: String) throws -> ActingUser {
        ActingUser(user: try requireUser(), token: try requireToken(), password: password, terminal: terminal, address: clientAddress)
    }
}
