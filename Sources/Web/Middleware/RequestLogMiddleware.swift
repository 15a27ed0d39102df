import Hummingbird
import Logging
import Services

/// One log line per request: method, path, status and duration, with the secrets a URI can carry taken out. A
/// receipt link (`/r/<token>`) is thirty days of access to a PDF with the customer's ID and account numbers, and a
/// query string may hold a pre-fill code (`/qr?text=…`): neither belongs in a log that operators, log shippers and
/// their backups all read.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(context, status: response.status.code, since: start)
            return response
        } catch {
            log(context, status: AppError.from(error).status.code, since: start)
            throw error
        }
    }

    private func log(_ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: ["status": "\(status)", "ms": "\(Int(milliseconds.rounded()))"])
    }
}

/// A request path as logs show it.
public enum RequestLogPath {
    /// The path as logs may show it: after an `r` segment (however many slashes come before it, since the router
    /// ignores empty segments) every segment is replaced, and so is the whole query (keys included: a client
    /// chooses them too).
    public static func redacted(path: String, query: String?) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let receipt = segments.firstIndex(where: { !$0.isEmpty }), segments[receipt] == "r" {
            for index in (receipt + 1)..<segments.count where !segments[index].isEmpty { segments[index] = "…" }
        }
        let text = segments.joined(separator: "/")
        guard let query, !query.isEmpty else { return text }
        return text + "?…"
    }
}
