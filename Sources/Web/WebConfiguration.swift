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
}
