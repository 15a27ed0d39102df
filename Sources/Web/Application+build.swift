public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import Metrics
import ServiceLifecycle
public import Services
public import Storage

/// Wires configuration, database and controllers into the HTTP application. `@main` stays tiny.
public enum CountersignApp {
    public static let version = "0.1.0"

    /// The router with every route and middleware; tests use it directly and to list the routes.
    public static func buildRouter(
        database: Database, configuration: WebConfiguration, vouchers: VoucherDesk? = nil, authorization: AuthorizationServices? = nil,
        counter: CounterServices? = nil, pki: PKIPublication? = nil
    ) -> Router<AppRequestContext> {
        let metrics = MetricsEndpoint.shared
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(proxies: configuration.trustedProxies))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: PublicRateLimitMiddleware(limiter: configuration.publicLimiter))
        router.add(middleware: BodyLimitMiddleware(maximumBytes: configuration.maximumBodyBytes))
        router.add(middleware: SingleQueryValuesMiddleware())
        router.add(middleware: AuthenticationMiddleware(database: database))
        SystemController(database: database, metrics: metrics, version: version).register(on: router)
        PageController(counter: counter).register(on: router)
        SessionController(database: database, configuration: configuration, signIn: configuration.signIn).register(on: router)
        AuditController(database: database).register(on: router)
        AdminController(desk: AdminDesk(database: database, signIn: configuration.signIn, forms: counter.map { Set($0.catalogue.forms.keys) }))
            .register(on: router)
        VoucherController(desk: vouchers).register(on: router)
        TimeStampController(authority: vouchers?.settings.timeStamping.local).register(on: router)
        PKIController(publication: pki).register(on: router)
        AuthorizationController(services: authorization).register(on: router)
        SupervisionController(desk: authorization?.supervision).register(on: router)
        ReportController(desk: authorization?.reports).register(on: router)
        PrefillController(services: counter).register(on: router)
        CounterController(services: counter).register(on: router)
        return router
    }

    /// The application, with the database pool, the push hub and the timeout sweeper as its services, so they all
    /// start and stop together. WebSocket upgrades go to their own small router.
    public static func buildApplication(
        database: Database, configuration: WebConfiguration, logger: Logger, vouchers: VoucherDesk? = nil,
        authorization: AuthorizationServices? = nil, counter: CounterServices? = nil, pki: PKIPublication? = nil,
        sweepsInBackground: Bool = true
    ) -> some ApplicationProtocol {
        let router = buildRouter(
            database: database, configuration: configuration, vouchers: vouchers, authorization: authorization, counter: counter, pki: pki)
        let pushRouter = Router(context: PushRequestContext.self)
        var services: [any Service] = [database]
        if let authorization {
            PushController(database: database, hub: authorization.hub, helloDeadline: configuration.connections.helloDeadline).register(
                on: pushRouter)
            services.append(authorization.hub)
            if authorization.sweepsInBackground {
                services.append(AuthorizationTimeoutService(timeouts: authorization.timeouts, logger: logger))
                services.append(ReportRollService(desk: authorization.reports, logger: logger, interval: configuration.reportRollInterval))
            }
        }
        if let counter {
            CounterController.registerScreen(on: pushRouter, services: counter, helloDeadline: configuration.connections.helloDeadline)
            // The counter's screens follow the database's announcements, and so (through the push channel) do the
            // tellers' consoles.
            services.append(counter.desk)
            if let authorization { counter.desk.forwardTellerChanges(to: authorization.hub) }
        }
        if let counter, sweepsInBackground {
            services.append(PrefillSweepService(desk: counter.prefills, logger: logger))
        }
        return Application(
            router: router,
            server: guardedServer(webSocketRouter: pushRouter, configuration: configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "countersign"),
            services: services,
            logger: logger)
    }

    /// HTTP/1.1 with the WebSocket upgrade, behind ``ConnectionGuardHandler``: connection caps, a deadline and a size
    /// limit for the first request head, and an idle timeout; WebSocket frames up to 512 KiB (a long handwritten
    /// signature), pinged every 30 s so that live screens and consoles are never idle.
    static func guardedServer(webSocketRouter: Router<PushRequestContext>, configuration: WebConfiguration) -> HTTPServerBuilder {
        let registry = ConnectionRegistry(limits: configuration.connections, proxies: configuration.trustedProxies)
        let webSocketResponder = webSocketRouter.buildResponder()
        var http1 = HTTP1Channel.Configuration(idleTimeout: .init(configuration.connections.idleTimeout))
        http1.httpDecoder.maxHeaderListSize = configuration.connections.maximumHeaderBytes
        let channel = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1, ws: WebSocketServerConfiguration(maxFrameSize: 512 * 1024, autoPing: .enabled(timePeriod: .seconds(30))))
        return HTTPServerBuilder { responder in
            GuardedChildChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channel),
                registry: registry)
        }
    }
}
