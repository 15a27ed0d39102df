public import ArgumentParser
import Foundation
public import Logging
public import Storage
import Synchronization

/// Settings every command shares. Each option falls back to an environment variable, then to the embedded
/// cluster that `make run` starts under `.data/`.
public struct GlobalOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(help: "Database URL the service connects as (the application role). Env: DATABASE_URL.")
    public var databaseURL: String?

    @Option(help: "Database URL of the owner role, for migrate/seed/bench. Env: DATABASE_OWNER_URL.")
    public var ownerURL: String?

    @Option(help: "Folder of the embedded PostgreSQL cluster. Env: COUNTERSIGN_DATA_DIR. Default: .data")
    public var dataDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. Env: LOG_LEVEL. Default: info")
    public var logLevel: String?

    @Option(help: "Log format: text or json. Env: LOG_FORMAT. Default: text")
    public var logFormat: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    public var dataDirectory: String {
        let path = dataDir ?? environment["COUNTERSIGN_DATA_DIR"] ?? ".data"
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public func appDatabase() throws -> DatabaseSettings {
        if let url = databaseURL ?? environment["DATABASE_URL"] { return try DatabaseSettings(url: url) }
        return .embedded(dataDirectory: dataDirectory, username: "countersign_app")
    }

    public func ownerDatabase() throws -> DatabaseSettings {
        if let url = ownerURL ?? environment["DATABASE_OWNER_URL"] { return try DatabaseSettings(url: url) }
        return .embedded(dataDirectory: dataDirectory, username: "countersign_owner")
    }

    public func makeLogger(label: String = "countersign") throws -> Logger {
        let levelName = logLevel ?? environment["LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level \(levelName)") }
        let format = logFormat ?? environment["LOG_FORMAT"] ?? "text"
        guard format == "text" || format == "json" else { throw ValidationError("log format must be text or json") }
        LoggingBootstrap.once(json: format == "json")
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    private static let done = Once()

    static func once(json: Bool) {
        done.run {
            LoggingSystem.bootstrap { label in
                QuietRefusedConnections(inner: json ? JSONLogHandler(label: label) as any LogHandler : StreamLogHandler.standardError(label: label))
            }
        }
    }
}

final class Once: Sendable {
    private let ran = Mutex(false)

    /// Runs `body` the first time only; a second caller waits until the first call has finished.
    func run(_ body: () -> Void) {
        ran.withLock { ran in
            guard !ran else { return }
            ran = true
            body()
        }
    }
}

/// Hummingbird logs at error level every connection that closed before its first request was read. The connection
/// guard closes such connections on purpose (slow, oversize or malformed heads, silence), so any anonymous client
/// could fill the error log one line per connection; that one message is logged at debug instead.
struct QuietRefusedConnections: LogHandler {
    var inner: any LogHandler
    static let message = "Error handling upgrade result"

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .error, event.message.description == Self.message else { return inner.log(event: event) }
        guard inner.logLevel <= .debug else { return }
        var quieter = event
        quieter.level = .debug
        inner.log(event: quieter)
    }
}
