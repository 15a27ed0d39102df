import Hummingbird

/// An API query that names a parameter twice (`?actor=a&actor=b`) is refused, as a JSON body that repeats a key is
/// (``StrictJSON``): no operation takes a list in its query, and reading the first value and dropping the rest would
/// search for something other than what was asked. Pages are left alone: their one parameter is the language, and
/// the first `lang` given is as good as any.
struct SingleQueryValuesMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        var seen = Set<Substring>()
        for (name, _) in request.uri.queryParameters where !seen.insert(name).inserted {
            throw AppError(
                .badRequest, code: "request.duplicate_key",
                "the query parameter \"\(name.prefix(64))\" appears twice / 查询参数重复：\(name.prefix(64))")
        }
        return try await next(request, context)
    }
}
