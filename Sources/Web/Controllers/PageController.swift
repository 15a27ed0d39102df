import Counter
import Forms
import Foundation
import HTTPTypes
import Hummingbird
import Services

/// The pages people open in a browser. Each is static HTML in the chosen language; its script talks to the API.
struct PageController: Sendable {
    let counter: CounterServices?

    func register(on router: Router<AppRequestContext>) {
        router.get("/officer", use: officerConsole)
        router.get("/admin", use: adminPage)
        router.get("/centre", use: centrePage)
        router.get("/audit", use: auditPage)
        router.get("/reports", use: reportsPage)
        router.get("/f", use: formIndex)
        router.get("/f/{id}", use: prefillForm)
        router.get("/f/{id}/poster", use: poster)
        router.get("/qr", use: qr)
        router.get("/teller", use: tellerConsole)
        router.get("/screen/{terminal}", use: customerScreen)
        router.get("/verify", use: verifyPage)
    }

    @Sendable func verifyPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(CounterPages.verify(Language(request)))
    }

    @Sendable func tellerConsole(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(CounterPages.teller(Language(request)))
    }

    /// The screen beside terminal `terminal`; only that terminal's teller can pair with it.
    @Sendable func customerScreen(_ request: Request, context: AppRequestContext) async throws -> Response {
        let terminal = try context.parameters.require("terminal")
        guard terminal.range(of: "^[A-Za-z0-9_.-]{1,64}$", options: .regularExpression) != nil else {
            throw AppError(.notFound, code: "counter.bad_terminal", "terminal names are 1–64 letters, digits, '.', '-', '_'")
        }
        return Self.page(CounterPages.screen(terminal: terminal, Language(request)))
    }

    /// The catalogue comes with the counter services; without them the customer pages are not offered.
    var catalogue: FormCatalogue {
        get throws {
            guard let counter else { throw AppError(.serviceUnavailable, code: "prefill.not_configured", "pre-fill is not configured here") }
            return counter.catalogue
        }
    }

    @Sendable func formIndex(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(PrefillPage.index(try catalogue, Language(request)))
    }

    @Sendable func prefillForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(PrefillPage.form(try catalogue.form(try context.parameters.require("id")), Language(request)))
    }

    @Sendable func centrePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(CentrePage.render(Language(request)))
    }

    @Sendable func auditPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(AuditPage.render(Language(request)))
    }

    @Sendable func reportsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(ReportsPage.render(Language(request)))
    }

    @Sendable func adminPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(AdminPage.render(Language(request)))
    }

    @Sendable func officerConsole(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.page(OfficerConsolePage.render(Language(request)))
    }

    /// A branch's poster for one form: its title and a large QR code of the form's link on this host.
    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try catalogue.form(try context.parameters.require("id"))
        let host = request.head.authority ?? "127.0.0.1"
        let link = "http://\(host)/f/\(form.id)"
        return Self.page(PrefillPage.poster(form, link: link, Language(request)))
    }

    /// A QR code as SVG, for the pages (pre-fill codes, posters, receipts). At most 213 bytes of text.
    @Sendable func qr(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = request.uri.queryParameters.get("text") ?? ""
        guard !text.isEmpty, let code = try? QRCode.encode(text) else {
            throw AppError(.badRequest, code: "qr.bad_text", "text is 1 to 213 bytes")
        }
        return Response(
            status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: code.svg())))
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
