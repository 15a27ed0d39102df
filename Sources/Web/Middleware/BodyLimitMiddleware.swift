import Hummingbird

/// Refuses bodies over the configured size before reading them (by Content-Length) and caps what handlers may
/// collect (through `maxUploadSize`) for bodies sent without a length.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maximumBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBytes {
            throw AppError(.contentTooLarge, code: "request.too_large", "the request body is \(declared) bytes; the limit is \(maximumBytes)")
        }
        var context = context
        context.maxUploadSize = maximumBytes
        return try await next(request, context)
    }
}
