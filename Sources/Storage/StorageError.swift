import PostgresNIO

/// A storage failure with a stable code. Web maps codes to HTTP statuses.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badConfiguration = "storage.bad_configuration"
        case unavailable = "storage.unavailable"
        case migrationChanged = "storage.migration_changed"
        case migrationUnknown = "storage.migration_unknown"
        case migrationPending = "storage.migration_pending"
        case migrationFailed = "storage.migration_failed"
        case unsafePrivileges = "storage.unsafe_privileges"
        case constraintViolation = "storage.constraint_violation"
        /// The database refused an action on its own rules (SQLSTATE 42501 raised by a guard trigger).
        case refused = "storage.refused"
        case notFound = "storage.not_found"
        /// Two transactions met head on (SQLSTATE 40P01 deadlock, 40001 serialization failure): PostgreSQL rolled
        /// one back whole, so asking again is safe.
        case contention = "storage.contention"
        case queryFailed = "storage.query_failed"
    }

    public let code: Code
    public let message: String
    /// The constraint the database named, for a constraint violation: lets a caller tell the conflict it can
    /// resolve (a random code already taken) from any other.
    public let constraint: String?

    public init(_ code: Code, _ message: String, constraint: String? = nil) {
        self.code = code
        self.message = message
        self.constraint = constraint
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Turns a PostgresNIO error into one that says what the server said, without the query's bind values.
    public static func wrap(_ error: any Error, context: String) -> any Error {
        if error is StorageError || !(error is PSQLError) { return error }
        let psql = error as! PSQLError
        let serverMessage = psql.serverInfo?[.message] ?? "\(psql.code)"
        let sqlState = psql.serverInfo?[.sqlState] ?? ""
        if sqlState.hasPrefix("23") {
            return StorageError(.constraintViolation, "\(context): \(serverMessage)", constraint: psql.serverInfo?[.constraintName])
        }
        if sqlState == "42501" {
            return StorageError(.refused, "\(context): \(serverMessage)")
        }
        if sqlState == "40P01" || sqlState == "40001" {
            return StorageError(.contention, "\(context): \(serverMessage) [\(sqlState)]")
        }
        if psql.serverInfo == nil {
            return StorageError(.unavailable, "\(context): the database is unreachable (\(psql.code))")
        }
        return StorageError(.queryFailed, "\(context): \(serverMessage) [\(sqlState)]")
    }
}
