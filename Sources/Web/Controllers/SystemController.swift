import Foundation
import Hummingbird
import Services
import Storage

/// Start page, health, metrics, the OpenAPI document and static assets.
struct SystemController: Sendable {
    let database: Database
    let metrics: MetricsEndpoint
    let version: String

    func register(on router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("/health", use: health)
        router.get("/metrics", use: metricsText)
        router.get("/openapi.yaml", use: openAPI)
        router.get("/static/{name}", use: asset)
        router.get("/vendor/{name}", use: vendor)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        html(HTMLPage.home(version: version))
    }

    struct HealthStatus: ResponseEncodable {
        let status: String
        let database: String
        let version: String
    }

    /// 200 when the database answers, 503 otherwise (a load balancer takes the instance out).
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<HealthStatus> {
        do {
            // A load balancer needs an answer quickly; the pool would otherwise wait for its connect timeout.
            _ = try await Deadline.run(within: .seconds(2)) { [database] in try await database.read { try await $0.query("SELECT 1") } }
            return EditedResponse(status: .ok, response: HealthStatus(status: "ok", database: "ok", version: version))
        } catch {
            context.logger.warning("health check failed", metadata: ["error": "\(error)"])
            return EditedResponse(status: .serviceUnavailable, response: HealthStatus(status: "degraded", database: "unreachable", version: version))
        }
    }

    @Sendable func metricsText(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try await metrics.render(database: database)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        try resource("openapi.yaml", contentType: "application/yaml; charset=utf-8")
    }

    /// The files under Resources/static, by name; nothing else is served from there.
    static let assets: [String: String] = [
        "site.css": "text/css; charset=utf-8",
        "console.js": "text/javascript; charset=utf-8",
        "officer.js": "text/javascript; charset=utf-8",
        "admin.js": "text/javascript; charset=utf-8",
        "centre.js": "text/javascript; charset=utf-8",
        "audit.js": "text/javascript; charset=utf-8",
        "reports.js": "text/javascript; charset=utf-8",
        "prefill.js": "text/javascript; charset=utf-8",
        "teller.js": "text/javascript; charset=utf-8",
        "screen.js": "text/javascript; charset=utf-8",
        "verify.js": "text/javascript; charset=utf-8",
    ]

    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let type = Self.assets[name] else { throw AppError(.notFound, code: "not_found", "no static file \(name.prefix(64))") }
        var response = try resource("static/\(name)", contentType: type)
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    /// Browser libraries from Debian's packages, served from where the package put them (never copied into the
    /// repository): pdf.js (`libjs-pdf`) draws the voucher preview on the customer screen; Chart.js
    /// (`libjs-chart.js`) the reports' charts.
    static let vendorFiles: [String: String] = [
        "pdf.js": "/usr/share/javascript/pdf/build/pdf.js",
        "pdf.worker.js": "/usr/share/javascript/pdf/build/pdf.worker.js",
        "chart.js": "/usr/share/javascript/chart.js/chart.min.js",
    ]

    @Sendable func vendor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let path = Self.vendorFiles[name] else { throw AppError(.notFound, code: "not_found", "no library \(name.prefix(64))") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError(.notFound, code: "not_found", "\(name) is not installed here (Debian's libjs-pdf, libjs-chart.js)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=86400"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func resource(_ path: String, contentType: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: "Resources/\(path)", withExtension: nil), let data = try? Data(contentsOf: url) else {
            throw AppError(.internalServerError, code: "internal", "resource \(path) is missing from the build")
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
