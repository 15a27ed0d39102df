public import Services

/// Settings of the HTTP service (see docs/configuration.md).
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger ones get 413 `request.too_large`.
    public var maximumBodyBytes: Int
    /// How long a login session lasts.
    public var sessionLifetimeSeconds: Int64
    /// Throttling and hashing limits of sign-in; pass the same object to ``AuthorizationServices`` so that local-mode
    /// passwords share them.
    public var signIn: SignInProtection
    /// Proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: TrustedProxies
    /// The per-address bucket of the public endpoints (``PublicRateLimitMiddleware``).
    public var publicLimiter: ClientRateLimiter
    /// Caps, deadlines and timeouts of connections.
    public var connections = ConnectionLimits()

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
}
