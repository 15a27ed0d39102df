import Accounts
import Audit
import Hummingbird
import Kernel
import Services
import Storage

/// Sign in and out. A login creates a session row and its audit event in one transaction.
struct SessionController: Sendable {
    let database: Database
    let configuration: WebConfiguration
    let signIn: SignInProtection

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/sessions", use: login)
        router.get("/api/v1/session", use: current)
        router.delete("/api/v1/session", use: logout)
        router.post("/api/v1/session/password", use: changePassword)
    }

    struct PasswordChange: Decodable {
        let current: String
        let new: String
    }

    struct LoginRequest: Decodable {
        let user: String
        let password: String
        let terminal: String?
    }

    struct SessionResponse: ResponseEncodable {
        let token: String?
        let expiresAt: String?
        let user: UserIdentity
        let terminal: String?
        /// The password is one an administrator gave (a new user, a reset): replace it before anything else.
        let mustChangePassword: Bool
        enum CodingKeys: String, CodingKey {
            case token, user, terminal
            case expiresAt = "expires_at"
            case mustChangePassword = "must_change_password"
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SessionResponse> {
        let login = try await request.decode(as: LoginRequest.self, context: context)
        try Self.validate(login)
        let user = try await CredentialCheck(database: database, protection: signIn).verify(
            user: login.user, password: login.password, terminal: login.terminal, address: context.clientAddress)
        let token = SessionToken.generate()
        let now = Timestamp.now()
        let mustChange = try await database.transaction { tx in
            // A teller works at a registered terminal of their own branch: the customer screen enrolled there is the
            // one their transactions are confirmed and signed on.
            if user.role == .teller {
                guard let terminal = login.terminal, try await ScreenDeviceStore.isRegistered(terminal: terminal, branch: user.branch, in: tx) else {
                    throw AppError(
                        .forbidden, code: "auth.unregistered_terminal",
                        "a teller signs in at a registered terminal of their branch (\(user.branch)) / 柜员须在本网点登记的终端签到")
                }
            }
            try await Directory.createSession(
                for: user, token: token, terminal: login.terminal, at: now, lifetimeSeconds: configuration.sessionLifetime(for: user.role),
                idleSeconds: configuration.sessionIdle(for: user.role), in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: login.terminal, action: "session.login",
                    subject: "user:\(user.id)", payload: ["role": .string(user.role.rawValue)]),
                in: tx)
            return try await Directory.mustChangePassword(user.id, in: tx)
        }
        let expires = Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + configuration.sessionLifetime(for: user.role) * 1_000_000)
        return EditedResponse(
            status: .created,
            response: SessionResponse(
                token: token.value, expiresAt: expires.description, user: user, terminal: login.terminal, mustChangePassword: mustChange))
    }

    @Sendable func current(_ request: Request, context: AppRequestContext) async throws -> SessionResponse {
        SessionResponse(
            token: nil, expiresAt: nil, user: try context.requireUser(), terminal: context.terminal,
            mustChangePassword: context.passwordChangeRequired)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let header = request.headers[.authorization] ?? ""
        let token = SessionToken(value: String(header.dropFirst("Bearer ".count)))
        try await database.transaction { tx in
            guard try await Directory.revokeSession(token: token, in: tx) else { return }
            try await AuditLog.append(
                AuditEvent(actor: user.id, branch: user.branch, terminal: context.terminal, action: "session.logout", subject: "user:\(user.id)"),
                in: tx)
        }
        return Response(status: .noContent)
    }

    /// The database confirms the current password itself (migration 0037); a user whose password it holds no
    /// verifier of (set before it kept them) has it set again by an administrator.
    static func confirmed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError where error.constraint == "user_password_confirms" {
            throw AppError(
                .forbidden, code: "auth.password_not_confirmed",
                "the database cannot confirm your password: ask an administrator to reset it / 数据库无法确认您的密码，请联系管理员重置")
        } catch let error as StorageError where error.constraint == "user_signed_in" {
            throw AppError(.unauthorized, code: "auth.invalid_token", "the session token is unknown, expired or signed out")
        }
    }

    /// The signed-in user replaces their own password: the current one checked as a sign-in is (wrong guesses count
    /// towards the lockout), the new one by the password rules and against their recent ones. Their other sessions
    /// end; this one goes on, now free of the forced change.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let token = try context.requireToken()
        let change = try await request.decode(as: PasswordChange.self, context: context)
        try CredentialCheck.validate(user: user.id, password: change.current)
        _ = try await CredentialCheck(database: database, protection: signIn).verify(
            user: user.id, password: change.current, terminal: context.terminal, address: context.clientAddress)
        let problems = PasswordPolicy.problems(change.new, user: user.id)
        guard problems.isEmpty else {
            throw AppError(
                .unprocessableContent, code: "auth.weak_password", "the new password does not meet the rules: " + problems.joined(separator: "; "))
        }
        let recent = try await Self.confirmed {
            try await database.read {
                try await Directory.ownRecentPasswordHashes(token: token, current: change.current, limit: PasswordPolicy.historyDepth, in: $0)
            }
        }
        // Hashing is slow on purpose: on the gate's threads, as at sign-in, never on the cooperative pool.
        let new = change.new
        guard try await !signIn.hashing.run({ recent.contains { $0.matches(new) } }) else {
            throw AppError(
                .unprocessableContent, code: "auth.recent_password",
                "the new password is one of your last \(PasswordPolicy.historyDepth) / 新密码不能与最近使用过的密码相同")
        }
        let hash = try await signIn.hashing.run { try PasswordHash.make(password: new) }
        try await Self.confirmed {
            try await database.transaction { tx in
                guard try await Directory.changeOwnPassword(token: token, current: change.current, new: new, hash: hash, in: tx) != nil else {
                    throw AppError(.unauthorized, code: "auth.invalid_token", "the session token is unknown, expired or signed out")
                }
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, terminal: context.terminal, action: "session.password_changed",
                        subject: "user:\(user.id)"),
                    in: tx)
            }
        }
        return Response(status: .noContent)
    }

    private static func validate(_ login: LoginRequest) throws {
        try CredentialCheck.validate(user: login.user, password: login.password)
        if let terminal = login.terminal {
            let ok =
                !terminal.isEmpty && terminal.utf8.count <= 64
                && terminal.utf8.allSatisfy { $0.isASCIIAlphanumeric || [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")].contains($0) }
            guard ok else {
                throw AppError(.badRequest, code: "auth.invalid_terminal", "terminal must be 1–64 characters of A–Z, a–z, 0–9, '.', '-', '_'")
            }
        }
    }
}
