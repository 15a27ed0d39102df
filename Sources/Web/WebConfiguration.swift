public import Accounts
public import Services

/// Settings of the HTTP service (see docs/configuration.md).
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger ones get 413 `request.too_large`.
    public var maximumBodyBytes: Int
    /// How long a login session lasts (tellers, officers, supervisors, auditors: a working day).
    public var sessionLifetimeSeconds: Int64
    /// How long a session of someone who changes the directory lasts (security administrators, administrators): an
    /// hour, so an unattended administrator's browser is not a standing key to every account.
    public var privilegedSessionLifetimeSeconds: Int64 = 3600
    /// How long a session of each role may go unused — no request of the user's own; a console's polling does not
    /// count — before it ends. A teller's terminal stands in a banking hall.
    public var sessionIdleSeconds: [Role: Int64] = Self.defaultSessionIdleSeconds
    public static let defaultSessionIdleSeconds: [Role: Int64] = [
        .teller: 15 * 60, .supervisor: 15 * 60, .officer: 30 * 60, .auditor: 30 * 60, .admin: 10 * 60, .securityAdmin: 10 * 60,
    ]
    /// Throttling and hashing limits of sign-in; pass the same object to ``AuthorizationServices`` so that local-mode
    /// passwords share them.
    public var signIn: SignInProtection
    /// Proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: TrustedProxies
    /// The per-address bucket of the public endpoints (``PublicRateLimitMiddleware``).
    public var publicLimiter: ClientRateLimiter
    /// Caps, deadlines and timeouts of connections.
    public var connections = ConnectionLimits()
    /// How often the reports' figures of today are rolled up (how old a report of today may be).
    public var reportRollInterval: Duration = .seconds(300)

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumBodyBytes: Int = 1 << 20, sessionLifetimeSeconds: Int64 = 8 * 3600,
        signIn: SignInProtection = SignInProtection(), trustedProxies: TrustedProxies = .none,
        publicLimiter: ClientRateLimiter = ClientRateLimiter(perMinute: 60, burst: 20)
    ) {
        self.signIn = signIn
        self.trustedProxies = trustedProxies
        self.publicLimiter = publicLimiter
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
    }

    /// The absolute lifetime of a session of `role`.
    public func sessionLifetime(for role: Role) -> Int64 {
        switch role {
        case .securityAdmin, .admin: privilegedSessionLifetimeSeconds
        case .teller, .supervisor, .officer, .auditor: sessionLifetimeSeconds
        }
    }

    public static let sessionIdleProblem =
        "COUNTERSIGN_SESSION_IDLE_MINUTES: minutes (2–1440) for every role, or role=minutes separated by commas (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"

    /// The idle limit of a session of `role` (nil: none).
    public func sessionIdle(for role: Role) -> Int64? { sessionIdleSeconds[role] }

    /// `COUNTERSIGN_SESSION_IDLE_MINUTES`: minutes for every role ("20"), or per role ("teller=10,officer=45"; the
    /// roles not named keep `current`). At least two minutes: a session's last use is written once a minute. Nil
    /// when the text is neither (``sessionIdleProblem`` says what is expected).
    public static func sessionIdleSeconds(parsing text: String, over current: [Role: Int64]) -> [Role: Int64]? {
        func minutes(_ value: Substring) -> Int64? {
            guard let minutes = Int64(value), minutes >= 2, minutes <= 24 * 60 else { return nil }
            return minutes * 60
        }
        let compact = Substring(text.filter { $0 != " " })
        if let all = minutes(compact) { return current.mapValues { _ in all } }
        var limits = current
        for entry in compact.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let role = Role(rawValue: String(parts[0])), let seconds = minutes(parts[1]) else { return nil }
            limits[role] = seconds
        }
        return limits
    }
}
