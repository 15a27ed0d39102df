import Metrics
import Prometheus
import Services
import Storage
import Synchronization

/// The Prometheus registry of this process, bootstrapped once as the swift-metrics backend.
///
/// Request counts and durations by route come from Hummingbird's `MetricsMiddleware`, audit appends from
/// `AuditLog`; the chain heads are read from the database at scrape time, so every instance reports the same.
public final class MetricsEndpoint: Sendable {
    public static let shared = MetricsEndpoint()

    let registry: PrometheusCollectorRegistry
    private let headGauges = Mutex<[String: Metrics.Gauge]>([:])

    private init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_:] only; Hummingbird's labels use dots.
        factory.nameAndLabelSanitizer = { name, dimensions in
            (Self.sanitize(name), dimensions.map { (Self.sanitize($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        self.registry = registry
    }

    func render(database: Database) async throws -> [UInt8] {
        let heads = try await database.read { try await AuditLog.heads(in: $0) }
        for head in heads {
            let gauge = headGauges.withLock { gauges in
                if let gauge = gauges[head.chain] { return gauge }
                let gauge = Metrics.Gauge(label: "countersign_audit_chain_head_seq", dimensions: [("chain", head.chain)])
                gauges[head.chain] = gauge
                return gauge
            }
            gauge.record(head.seq)
        }
        return registry.emitToBuffer()
    }

    private static func sanitize(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }
}
