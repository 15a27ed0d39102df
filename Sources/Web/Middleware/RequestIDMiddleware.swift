import HTTPTypes
import Hummingbird
import Services

/// Gives every request an id: the caller's `X-Request-Id` when it is sane, else Hummingbird's. The id goes into
/// every log line of the request, into error bodies, and back in the `X-Request-Id` response header.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let offered = request.headers[Self.header] ?? ""
        let sane =
            !offered.isEmpty && offered.utf8.count <= 64
            && offered.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        context.requestID = sane ? offered : context.id
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        context.logger[metadataKey: "method"] = .string(request.method.rawValue)
        context.logger[metadataKey: "path"] = .string(RequestLogPath.redacted(path: request.uri.path, query: request.uri.query))
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        return response
    }
}
