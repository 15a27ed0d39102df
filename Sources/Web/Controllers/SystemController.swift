import Foundation
import Hummingbird
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
        router.get("/static/site.css", use: stylesheet)
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
            try await Deadline.run(within: .seconds(2)) { [database] in try await database.read { try await $0.query("SELECT 1") } }
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

    @Sendable func stylesheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        try resource("static/site.css", contentType: "text/css; charset=utf-8")
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
