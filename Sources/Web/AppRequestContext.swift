public import Accounts
public import Hummingbird
import Services

/// Per-request state: the request id for logs and errors, and the signed-in user once authenticated.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var user: UserIdentity?
    public var terminal: String?
    /// The bearer token the user signed in with: the database checks it again where it acts on who the user is
    /// (administration, migration 0035).
    public var sessionToken: SessionToken?
    /// The user signed in with a password an administrator gave them and must replace it first.
    public var passwordChangeRequired: Bool
    /// Set by ``BodyLimitMiddleware`` from the configuration; `request.decode` refuses larger bodies with 413.
    public var maxUploadSize: Int
    /// The client's IP address, for per-client limits: the socket's peer, replaced by ``ClientAddressMiddleware``
    /// with the forwarded client when the peer is a trusted proxy.
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.user = nil
        self.terminal = nil
        self.sessionToken = nil
        self.passwordChangeRequired = false
        self.maxUploadSize = 1 << 20
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies: JSON with no key repeated in any object.
    public var requestDecoder: StrictJSONRequestDecoder { StrictJSONRequestDecoder() }
}
