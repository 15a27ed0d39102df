public import Hummingbird
public import Logging
import Metrics
public import Storage

/// Wires configuration, database and controllers into the HTTP application. `@main` stays tiny.
public enum CountersignApp {
    public static let version = "0.1.0"

    /// The router with every route and middleware; tests use it directly and to list the routes.
    public static func buildRouter(database: Database, configuration: WebConfiguration, vouchers: VoucherDesk? = nil) -> Router<AppRequestContext> {
        let metrics = MetricsEndpoint.shared
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(maximumBytes: configuration.maximumBodyBytes))
        router.add(middleware: AuthenticationMiddleware(database: database))
        SystemController(database: database, metrics: metrics, version: version).register(on: router)
        SessionController(database: database, configuration: configuration).register(on: router)
        AuditController(database: database).register(on: router)
        VoucherController(desk: vouchers).register(on: router)
        return router
    }

    /// The application, with the database pool as one of its services so both start and stop together.
    public static func buildApplication(
        database: Database, configuration: WebConfiguration, logger: Logger, vouchers: VoucherDesk? = nil
    ) -> some ApplicationProtocol {
        let router = buildRouter(database: database, configuration: configuration, vouchers: vouchers)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "countersign"),
            services: [database],
            logger: logger)
    }
}
