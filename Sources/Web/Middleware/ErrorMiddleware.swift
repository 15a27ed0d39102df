import Forms
import Foundation
import Hummingbird
import Logging
import Services

/// Turns every error into one shape: `{"error":{"code","message","text":{"zh","en"},"request_id"}}` for programs
/// (`text` is what the code means, from ``ErrorCatalogue``; `message` adds the particulars), an HTML page for people
/// (when the client asks for text/html). Logs server errors with the request id; load shed on purpose (503 busy,
/// timeouts) as a warning.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let appError = AppError.from(error)
            if let shed = error as? AvailabilityError, shed.code != .dataKeyMissing {
                // The service shedding load as designed (busy, a deadline, stopping): worth watching, not a fault.
                context.logger.warning("request shed", metadata: ["code": "\(appError.code)"])
            } else if appError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                context.logger.info("request refused", metadata: ["code": "\(appError.code)"])
            }
            return Self.render(appError, request: request, requestID: context.requestID)
        }
    }

    static func render(_ error: AppError, request: Request, requestID: String) -> Response {
        let accept = request.headers[.accept] ?? ""
        if accept.contains("text/html") {
            let page = HTMLPage.errorPage(status: error.status, code: error.code, message: error.message, requestID: requestID)
            return Response(
                status: error.status, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        let body = ErrorBody(error: .init(code: error.code, message: error.message, text: ErrorCatalogue.text(error.code), requestID: requestID))
        let data = (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let text: LocalizedText?
            let requestID: String
            enum CodingKeys: String, CodingKey {
                case code, message, text
                case requestID = "request_id"
            }
        }
        let error: Detail
    }
}
