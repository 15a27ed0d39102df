import Foundation
import PostgresNIO

/// Where and as whom to connect, parsed from a libpq-style URL.
///
/// Accepted forms:
/// - `postgres://user:password@host:5432/db?sslmode=require` (TCP; `sslmode` disable | prefer | require)
/// - `postgres://user@/db?host=/path/to/socket/dir` (Unix socket directory, as libpq spells it)
public struct DatabaseSettings: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    public var maximumConnections: Int

    public init(
        endpoint: Endpoint, username: String, password: String? = nil, database: String, tls: TLSMode = .disable, maximumConnections: Int = 32
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.maximumConnections = maximumConnections
    }

    /// The embedded cluster that `make run` starts under `dataDirectory`.
    public static func embedded(dataDirectory: String, username: String, database: String = "countersign") -> DatabaseSettings {
        DatabaseSettings(endpoint: .socket(path: socketPath(directory: dataDirectory + "/run", port: 5432)), username: username, database: database)
    }

    static func socketPath(directory: String, port: Int) -> String { "\(directory)/.s.PGSQL.\(port)" }

    public init(url text: String) throws(StorageError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StorageError(.badConfiguration, "database URL must start with postgres:// (got \(Self.redacted(text)))")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let port = components.port ?? Int(query["port"] ?? "") ?? 5432
        let hostParameter = query["host"] ?? components.host ?? ""
        if hostParameter.hasPrefix("/") {
            endpoint = .socket(path: Self.socketPath(directory: hostParameter, port: port))
        } else if hostParameter.isEmpty {
            throw StorageError(.badConfiguration, "database URL names no host and no ?host=/socket/dir")
        } else {
            endpoint = .tcp(host: hostParameter, port: port)
        }
        guard let user = components.user ?? query["user"], !user.isEmpty else {
            throw StorageError(.badConfiguration, "database URL names no user")
        }
        username = user
        password = components.password ?? query["password"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? (query["dbname"] ?? user) : path
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw StorageError(.badConfiguration, "sslmode must be disable, prefer or require")
        }
        tls = mode
        maximumConnections = 32
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> DatabaseSettings {
        var copy = self
        copy.database = database
        return copy
    }

    public func with(username: String, password: String? = nil) -> DatabaseSettings {
        var copy = self
        copy.username = username
        copy.password = password
        return copy
    }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tlsSetting: PostgresClient.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", "countersign")]
        return configuration
    }

    /// For logs and errors: never the password.
    public var description: String {
        switch endpoint {
        case .socket(let path): "\(username)@\(database) via \(path)"
        case .tcp(let host, let port): "\(username)@\(host):\(port)/\(database)"
        }
    }

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "<unparseable>" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "<unparseable>"
    }
}
