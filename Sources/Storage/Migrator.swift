import Logging
import PostgresNIO

/// Applies numbered migrations, forward only, each in its own transaction, under an advisory lock so two
/// processes starting at once do not both migrate.
public struct Migrator: Sendable {
    /// What the database holds compared with the files.
    public struct Status: Sendable, Equatable {
        public var applied: [Int] = []
        public var pending: [Migration] = []
    }

    public let migrations: [Migration]
    /// Arbitrary but fixed: the key of the session advisory lock that serialises migrators.
    static let lockKey: Int64 = 0x436F_756E_7465_7273

    public init(migrations: [Migration]) { self.migrations = migrations }

    /// Applies what is pending (or with `dryRun`, only says what would be applied). Returns those migrations.
    @discardableResult
    public func migrate(_ database: Database, dryRun: Bool = false) async throws -> [Migration] {
        try await database.read { session in
            try await session.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let result = try await migrateLocked(session, dryRun: dryRun)
                try await session.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return result
            } catch {
                _ = try? await session.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    /// Throws unless every file is applied unchanged and nothing is pending: the service refuses to start otherwise.
    public func requireCurrent(_ database: Database) async throws {
        let status = try await database.read { try await self.status($0) }
        if let first = status.pending.first {
            throw StorageError(
                .migrationPending, "migration \(first.fileName) is not applied: run `countersign migrate` as the owner role first")
        }
    }

    public func status(_ session: Transaction) async throws -> Status {
        let exists = try await session.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        var applied: [Int: [UInt8]] = [:]
        for try await (present) in exists.decode(Bool.self) where present {
            let rows = try await session.query("SELECT version, sha256 FROM schema_migrations ORDER BY version")
            for try await (version, checksum) in rows.decode((Int, ByteBuffer).self) { applied[version] = checksum.byteArray }
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw StorageError(
                    .migrationUnknown, "the database has migration \(version) applied, which this build does not ship: it is newer than this code")
            }
            guard migration.checksum == checksum else {
                throw StorageError(
                    .migrationChanged, "migration \(migration.fileName) was changed after it was applied; add a new migration instead")
            }
        }
        return Status(applied: applied.keys.sorted(), pending: migrations.filter { applied[$0.version] == nil })
    }

    private func migrateLocked(_ session: Transaction, dryRun: Bool) async throws -> [Migration] {
        if !dryRun {
            try await session.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, sha256 bytea NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """)
        }
        let pending = try await status(session).pending
        guard !dryRun else { return pending }
        for migration in pending {
            session.logger.info("applying migration", metadata: ["migration": "\(migration.fileName)"])
            try await session.query("BEGIN")
            do {
                for statement in SQLScript.statements(in: migration.sql) {
                    try await session.execute(sql: statement)
                }
                try await session.query(
                    "INSERT INTO schema_migrations (version, name, sha256) VALUES (\(migration.version), \(migration.name), \(migration.checksum.bytea))"
                )
                try await session.query("GRANT SELECT ON schema_migrations TO countersign_app")
                try await session.query("COMMIT")
            } catch {
                _ = try? await session.query("ROLLBACK")
                throw StorageError(.migrationFailed, "migration \(migration.fileName) failed and was rolled back: \(error)")
            }
        }
        return pending
    }
}
