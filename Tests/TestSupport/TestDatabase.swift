import Foundation
public import Logging
public import Storage

/// Real PostgreSQL for tests: the cluster `scripts/test.sh` started, a migrated template database, and a fresh
/// copy of it per test (`CREATE DATABASE … TEMPLATE …`), so tests run in parallel without seeing each other.
public struct TestDatabase: Sendable {
    public let name: String
    public let owner: DatabaseSettings
    public let app: DatabaseSettings
    public let superuser: DatabaseSettings

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    struct MissingCluster: Error, CustomStringConvertible {
        var description: String {
            "COUNTERSIGN_TEST_SOCKET_DIR is not set: run the tests with `make test` (scripts/test.sh starts a throwaway PostgreSQL)"
        }
    }

    static func cluster() throws -> (socketDir: String, superuser: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let socketDir = environment["COUNTERSIGN_TEST_SOCKET_DIR"], let superuser = environment["COUNTERSIGN_TEST_SUPERUSER"] else {
            throw MissingCluster()
        }
        // Tests create and drop databases: never let them near anything but a local socket.
        precondition(socketDir.hasPrefix("/"), "tests only run against a local socket directory")
        return (socketDir, superuser)
    }

    /// A migrated copy of the template (the template is migrated by scripts/test.sh with `countersign migrate`),
    /// with the shipped authorization rules in force (`countersign rules activate`).
    public static func fresh() async throws -> TestDatabase {
        try await make(template: "countersign_template")
    }

    /// Migrated, nothing else: an empty audit trail, for the audit trail's own tests (activating the rules is an
    /// audit event).
    public static func migrated() async throws -> TestDatabase {
        try await make(template: "countersign_template_migrated")
    }

    /// An empty database with the schema privileges the service expects, for migrator tests.
    public static func empty() async throws -> TestDatabase {
        try await make(template: nil)
    }

    private static func make(template: String?) async throws -> TestDatabase {
        let (socketDir, superuserName) = try cluster()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let base = DatabaseSettings(endpoint: .socket(path: "\(socketDir)/.s.PGSQL.5432"), username: superuserName, database: "postgres")
        let templateClause = template.map { " TEMPLATE \($0)" } ?? ""
        try await Database.with(base, logger: logger) { database in
            try await database.read {
                try await $0.execute(sql: "CREATE DATABASE \(name) OWNER countersign_owner\(templateClause)")
                // A copy does not inherit the template's grants: as in migration 0016, no temporary tables.
                try await $0.execute(sql: "REVOKE TEMPORARY ON DATABASE \(name) FROM PUBLIC")
            }
        }
        if template == nil {
            try await Database.with(base.with(database: name), logger: logger) { database in
                try await database.read {
                    try await $0.execute(sql: "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
                    try await $0.execute(sql: "GRANT USAGE ON SCHEMA public TO countersign_app")
                    try await $0.execute(sql: "ALTER SCHEMA public OWNER TO countersign_owner")
                }
            }
        }
        return TestDatabase(
            name: name, owner: base.with(database: name).with(username: "countersign_owner"),
            app: base.with(database: name).with(username: "countersign_app"), superuser: base.with(database: name))
    }

    /// Runs `body` with a pool connected as `role`'s settings.
    @discardableResult
    public func with<Result: Sendable>(_ settings: DatabaseSettings, _ body: @Sendable (Database) async throws -> Result) async throws -> Result {
        try await Database.with(settings, logger: Self.logger, body)
    }

    /// `libpq`-style URL for handing to a child `countersign` process.
    public func url(_ settings: DatabaseSettings) -> String {
        guard case .socket(let path) = settings.endpoint else { return "" }
        let directory = (path as NSString).deletingLastPathComponent
        return "postgres://\(settings.username)@/\(settings.database)?host=\(directory)"
    }
}

/// The `countersign` executable built beside the tests, for tests that need separate processes.
public enum CountersignBinary {
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["COUNTERSIGN_BIN"] { return explicit }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return testBundle.appendingPathComponent("countersign").path
    }

    /// Runs the binary to completion; returns exit status and its output and errors together. Through
    /// ``ChildProcess``: a blocking read here held one of the two threads of the concurrency pool for the child's
    /// whole life, and the tests beside it stalled past their timeouts.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(path, arguments, environment: environment, timeout: .seconds(300))
        return (result.status, result.output + result.errors)
    }
}
