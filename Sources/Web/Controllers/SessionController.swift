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
        enum CodingKeys: String, CodingKey {
            case token, user, terminal
            case expiresAt = "expires_at"
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SessionResponse> {
        let login = try await request.decode(as: LoginRequest.self, context: context)
        try Self.validate(login)
        let user = try await CredentialCheck(database: database, protection: signIn).verify(
            user: login.user, password: login.password, terminal: login.terminal, address: context.clientAddress)
        let token = SessionToken.generate()
        let now = Timestamp.now()
        try await database.transaction { tx in
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
                for: user, token: token, terminal: login.terminal, at: now, lifetimeSeconds: configuration.sessionLifetimeSeconds, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: login.terminal, action: "session.login",
                    subject: "user:\(user.id)", payload: ["role": .string(user.role.rawValue)]),
                in: tx)
        }
        let expires = Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + configuration.sessionLifetimeSeconds * 1_000_000)
        return EditedResponse(
            status: .created, response: SessionResponse(token: token.value, expiresAt: expires.description, user: user, terminal: login.terminal))
    }

    @Sendable func current(_ request: Request, context: AppRequestContext) async throws -> SessionResponse {
        SessionResponse(token: nil, expiresAt: nil, user: try context.requireUser(), terminal: context.terminal)
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
