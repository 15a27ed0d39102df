import Authorization
import Hummingbird
import Services

/// Refuses bodies over the configured size before reading them (by Content-Length) and caps what handlers may
/// collect (through `maxUploadSize`) for bodies sent without a length. An authorization request (or its
/// resubmission) carries the material — up to eight items of 512 KiB, base64 in JSON — so those two routes have
/// a limit that fits it; every other route keeps the small one.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maximumBytes: Int
    let materialBytes: Int

    init(maximumBytes: Int, materialBytes: Int = Self.materialBytes) {
        self.maximumBytes = maximumBytes
        self.materialBytes = max(maximumBytes, materialBytes)
    }

    /// Eight items of the largest size, base64 (4 bytes per 3), and 64 KiB for the rest of the request.
    static let materialBytes = MaterialList.maximumItems * (MaterialItem.maximumBytes + 2) / 3 * 4 + 64 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = Self.carriesMaterial(request) ? materialBytes : maximumBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw AppError(.contentTooLarge, code: "request.too_large", "the request body is \(declared) bytes; the limit is \(limit)")
        }
        var context = context
        context.maxUploadSize = limit
        return try await next(request, context)
    }

    static func carriesMaterial(_ request: Request) -> Bool {
        guard request.method == .post else { return false }
        let path = request.uri.path
        return (path.hasPrefix("/api/v1/transactions/") && path.hasSuffix("/authorization"))
            || (path.hasPrefix("/api/v1/authz/requests/") && path.hasSuffix("/resubmit"))
    }
}
