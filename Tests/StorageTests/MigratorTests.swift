import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import Storage

@Suite struct MigratorTests {
    static let first = Migration(
        version: 1, name: "things", sql: "CREATE TABLE things (id int PRIMARY KEY);\n-- a comment; with a semicolon\nINSERT INTO things VALUES (1);")
    static let second = Migration(
        version: 2, name: "function",
        sql: """
            CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN x + 1; END $body$;
            INSERT INTO things VALUES (add_one(1));
            """)

    static func tableCount(_ db: TestDatabase) async throws -> Int {
        try await db.with(db.owner) { database in
            try await database.read { tx in
                var count = 0
                for try await n in try await tx.query("SELECT count(*)::int FROM things").decode(Int.self) { count = n }
                return count
            }
        }
    }

    @Test func appliesFromEmptyThenIsIdempotent() async throws {
        let db = try await TestDatabase.empty()
        let migrator = Migrator(migrations: [Self.first, Self.second])
        let applied = try await db.with(db.owner) { try await migrator.migrate($0) }
        #expect(applied.map(\.version) == [1, 2])
        #expect(try await Self.tableCount(db) == 2)
        let again = try await db.with(db.owner) { try await migrator.migrate($0) }
        #expect(again.isEmpty)
        #expect(try await Self.tableCount(db) == 2)
    }

    @Test func dryRunChangesNothing() async throws {
        let db = try await TestDatabase.empty()
        let pending = try await db.with(db.owner) { try await Migrator(migrations: [Self.first]).migrate($0, dryRun: true) }
        #expect(pending.map(\.version) == [1])
        await #expect(throws: (any Error).self) { try await Self.tableCount(db) }
    }

    @Test func refusesAChangedAppliedFile() async throws {
        let db = try await TestDatabase.empty()
        try await db.with(db.owner) { try await Migrator(migrations: [Self.first]).migrate($0) }
        let edited = Migration(version: 1, name: "things", sql: Self.first.sql + "\nINSERT INTO things VALUES (7);")
        let error = await #expect(throws: StorageError.self) {
            try await db.with(db.owner) { try await Migrator(migrations: [edited, Self.second]).migrate($0) }
        }
        #expect(error?.code == .migrationChanged)
        // Nothing of the second migration was applied either.
        #expect(try await Self.tableCount(db) == 1)
        // And the service refuses to start on it.
        let serveError = await #expect(throws: StorageError.self) {
            try await db.with(db.app) { try await Migrator(migrations: [edited]).requireCurrent($0) }
        }
        #expect(serveError?.code == .migrationChanged)
    }

    @Test func refusesADatabaseNewerThanTheCode() async throws {
        let db = try await TestDatabase.empty()
        try await db.with(db.owner) { try await Migrator(migrations: [Self.first, Self.second]).migrate($0) }
        let error = await #expect(throws: StorageError.self) {
            try await db.with(db.owner) { try await Migrator(migrations: [Self.first]).migrate($0) }
        }
        #expect(error?.code == .migrationUnknown)
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        let db = try await TestDatabase.empty()
        let broken = Migration(version: 2, name: "broken", sql: "INSERT INTO things VALUES (5); SELECT * FROM no_such_table;")
        await #expect(throws: StorageError.self) {
            try await db.with(db.owner) { try await Migrator(migrations: [Self.first, broken]).migrate($0) }
        }
        #expect(try await Self.tableCount(db) == 1)
        let status = try await db.with(db.owner) { database in
            try await database.read { try await Migrator(migrations: [Self.first, broken]).status($0) }
        }
        #expect(status.applied == [1])
        #expect(status.pending.map(\.version) == [2])
    }

    @Test func serveRefusesPendingMigrations() async throws {
        let db = try await TestDatabase.fresh()
        let extra = Migration(version: 99, name: "later", sql: "SELECT 1;")
        let error = await #expect(throws: StorageError.self) {
            try await db.with(db.app) { try await Migrator(migrations: try Migration.bundled() + [extra]).requireCurrent($0) }
        }
        #expect(error?.code == .migrationPending)
        try await db.with(db.app) { try await Migrator(migrations: try Migration.bundled()).requireCurrent($0) }
    }

    @Test func twoMigratorsAtOnceApplyEachFileOnce() async throws {
        let db = try await TestDatabase.empty()
        let migrator = Migrator(migrations: [Self.first, Self.second])
        async let a = db.with(db.owner) { try await migrator.migrate($0) }
        async let b = db.with(db.owner) { try await migrator.migrate($0) }
        let (ra, rb) = try await (a, b)
        #expect(ra.count + rb.count == 2)
        #expect(try await Self.tableCount(db) == 2)
    }

    @Test func theBundledFilesAreNumberedAndLoad() throws {
        let migrations = try Migration.bundled()
        #expect(migrations.map(\.version) == Array(1...migrations.count))
    }
}

@Suite struct SQLScriptTests {
    @Test func splitsOnlyAtTopLevelSemicolons() {
        let script = """
            -- header; comment
            CREATE TABLE a (t text DEFAULT 'x;y');
            /* block; comment */ CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'a;b'; END $$;
            SELECT "odd;name" FROM a;
            SELECT $tag$ ; $$ ; $tag$;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[1].contains("RAISE 'a;b'; END $$"))
        #expect(statements[3] == "SELECT $tag$ ; $$ ; $tag$")
    }
}
