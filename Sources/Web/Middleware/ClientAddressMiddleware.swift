import HTTPTypes
import Hummingbird
import Services

/// Sets the request's client address: the socket's peer, or — when the peer is a trusted proxy — the client that
/// proxy names in `X-Forwarded-For`. Every per-client limit reads the result.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = proxies.client(peer: context.clientAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        return try await next(request, context)
    }
}

/// The public endpoints that cost the service something or hand out capabilities — sign-in, the pre-fill checks and
/// submissions, receipt downloads, QR images, the public verification — share one token bucket per client address.
struct PublicRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: ClientRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.isLimited(method: request.method, path: request.uri.path), !limiter.allow(context.clientAddress) {
            throw AppError(
                .tooManyRequests, code: "rate.limited", "too many requests from this address; wait a minute and try again / 请求过于频繁，请稍后再试",
                retryAfterSeconds: 60)
        }
        return try await next(request, context)
    }

    static func isLimited(method: HTTPRequest.Method, path: String) -> Bool {
        switch method {
        case .get:
            // /pki/ocsp/…: each answer costs the responder a signature and a registry read, and it needs no login.
            return path.hasPrefix("/r/") || path == "/qr" || path.hasPrefix("/pki/ocsp/")
        case .post:
            // /tsa: each query costs the development TSA an RSA signature, and it needs no login; /pki/ocsp likewise.
            return path == "/api/v1/sessions" || path == "/api/v1/prefills" || path == "/api/v1/verify" || path == "/tsa" || path == "/pki/ocsp"
                || (path.hasPrefix("/api/v1/forms/") && path.hasSuffix("/check"))
        default:
            return false
        }
    }
}
