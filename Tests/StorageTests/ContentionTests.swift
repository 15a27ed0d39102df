import Foundation
import PostgresNIO
import Storage
import Synchronization
import TestSupport
import Testing

/// Two transactions that meet head on: PostgreSQL rolls one back (deadlock, 40P01), and the service must say so
/// as a retryable `storage.contention` (a 503 with Retry-After), not as an internal error.
@Suite struct ContentionTests {
    final class Holding: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Takes one row, waits until the other transaction holds its own, then asks for the other's: a cycle.
    static func lockInTurn(_ first: Int, _ second: Int, holding: Holding, in database: Database) async -> StorageError? {
        do {
            try await database.transaction { tx in
                // Rows read to the end: a SELECT's error arrives with its rows, not with the query's first answer.
                for try await _ in try await tx.query(PostgresQuery(unsafeSQL: "SELECT id FROM contention_probe WHERE id = \(first) FOR UPDATE")) {}
                holding.count.add(1, ordering: .acquiringAndReleasing)
                while holding.count.load(ordering: .acquiring) < 2 { try await Task.sleep(for: .milliseconds(5)) }
                for try await _ in try await tx.query(PostgresQuery(unsafeSQL: "SELECT id FROM contention_probe WHERE id = \(second) FOR UPDATE")) {}
            }
            return nil
        } catch let error as StorageError {
            return error
        } catch {
            return StorageError(.queryFailed, "\(error)")
        }
    }

    @Test func aDeadlockIsContentionThatMayBeRetried() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.execute(sql: "CREATE TABLE contention_probe (id int PRIMARY KEY)")
                try await tx.execute(sql: "INSERT INTO contention_probe VALUES (1), (2)")
            }
            let holding = Holding()
            let outcomes = await withTaskGroup(of: StorageError?.self) { group in
                group.addTask { await Self.lockInTurn(1, 2, holding: holding, in: database) }
                group.addTask { await Self.lockInTurn(2, 1, holding: holding, in: database) }
                var all: [StorageError?] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            // Exactly one was rolled back, and it says so as contention.
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.compactMap { $0 }.map(\.code) == [.contention], "\(outcomes)")
        }
    }
}
