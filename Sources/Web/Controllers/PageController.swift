import HTTPTypes
import Hummingbird

/// The pages people open in a browser. Each is static HTML in the chosen language; its script talks to the API.
struct PageController: Sendable {
    func register(on router: Router<AppRequestContext>) {
        router.get("/officer", use: officerConsole)
    }

    @Sendable func officerConsole(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(OfficerConsolePage.render(Language(request)))
    }

    /// Pages run only our own script and styles, talk only to this origin, and may not be framed. Material shown on
    /// the console comes from the API as a blob, hence `blob:` for images and frames.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; frame-src blob:; connect-src 'self'; "
            + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    static func page(_ html: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
