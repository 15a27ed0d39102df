public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// The service's connection pool. Run it as a service (``run()``) for as long as it is used.
public final class Database: Service, Sendable {
    public let client: PostgresClient
    public let settings: DatabaseSettings
    public let logger: Logger
    /// Announces the authorization feed after commits on this pool (see ``AuthorizationStore/transaction(on:_:)``).
    public let feedAnnouncer = FeedAnnouncer()

    public init(settings: DatabaseSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
    }

    public func run() async throws {
        await client.run()
    }

    /// Runs `body` in one transaction: everything it writes, audit events included, commits together or not at all.
    /// The error `body` throws comes out as itself (PostgresNIO would wrap it).
    @discardableResult
    public func transaction<Result: Sendable>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(Transaction(connection: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw StorageError.wrap(closureError, context: "transaction") }
            throw StorageError.wrap(error.commitError ?? error.beginError ?? error.rollbackError ?? error, context: "transaction")
        }
    }

    /// Runs one statement on a pooled connection without BEGIN and COMMIT. PostgreSQL runs a lone statement as its
    /// own transaction, so a change and its audit event written by one statement (a data-modifying `WITH`) commit
    /// together, in one round trip. `body` must send exactly one statement.
    @discardableResult
    public func statement<Result: Sendable>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        try await read(body)
    }

    /// Runs read-only work on a pooled connection.
    @discardableResult
    public func read<Result: Sendable>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                try await body(Transaction(connection: connection, logger: logger))
            }
        } catch {
            throw StorageError.wrap(error, context: "read")
        }
    }

    /// Runs read-only work in one REPEATABLE READ snapshot: every query in `body` sees the database as of its first
    /// (a report's figures and its date of roll, an evidence page's events and their chains' heads, a verification).
    public func snapshot<Result: Sendable>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        try await read { tx in
            try await tx.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try await body(tx)
                try await tx.query("COMMIT")
                return result
            } catch {
                _ = try? await tx.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Starts the pool for the duration of `body` (for CLI commands and tests, which have no service group).
    @discardableResult
    public static func with<Result: Sendable>(
        _ settings: DatabaseSettings, logger: Logger, _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        // The body may lease a connection before run() has begun; PostgresNIO then waits but warns. Keep that quiet.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let database = Database(settings: settings, logger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }
}

/// A connection inside a transaction (or a plain read). Features pass it to every write that must commit together.
public struct Transaction: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger

    @discardableResult
    public func query(_ query: PostgresQuery, context: String = #function) async throws -> PostgresRowSequence {
        do {
            return try await connection.query(query, logger: logger)
        } catch {
            throw StorageError.wrap(error, context: context)
        }
    }

    /// Runs SQL text that has no parameters, e.g. a statement of a migration file.
    public func execute(sql: String) async throws {
        try await query(PostgresQuery(unsafeSQL: sql), context: "sql")
    }
}
