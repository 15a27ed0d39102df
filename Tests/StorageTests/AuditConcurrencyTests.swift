import Audit
import Foundation
import Storage
import TestSupport
import Testing

@Suite struct AuditConcurrencyTests {
    /// 64 writers in two separate `countersign` processes, all on the same two chains, at the same time.
    @Test func sixtyFourWritersInTwoProcessesLeaveNoForkAndNoGap() async throws {
        let db = try await TestDatabase.migrated()
        let environment = ["DATABASE_URL": db.url(db.app)]
        let arguments = ["audit", "stress", "--writers", "32", "--events", "15", "--chains", "central,BR001", "--log-level", "error"]
        async let first = CountersignBinary.run(arguments + ["--label", "process-a"], environment: environment)
        async let second = CountersignBinary.run(arguments + ["--label", "process-b"], environment: environment)
        let results = try await [first, second]
        for result in results { #expect(result.status == 0, "\(result.output)") }

        let report = try await AuditFixtures.verify(db)
        #expect(report.isIntact, "\(report.breaks)")
        let rows = Dictionary(uniqueKeysWithValues: report.chains.map { ($0.chain, $0.rows) })
        #expect(rows["central"] == 480)
        #expect(rows["BR001"] == 480)
        // Both processes really interleaved on one chain.
        let labels = try await db.with(db.app) { database in
            try await database.read { tx in
                var found = Set<String>()
                let rows = try await tx.query("SELECT DISTINCT payload::jsonb->>'label' FROM audit_events WHERE chain_id = 'central'")
                for try await label in rows.decode(String.self) { found.insert(label) }
                return found
            }
        }
        #expect(labels == ["process-a", "process-b"])
    }

    @Test func concurrentAppendsInOneProcessAreGapless() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask { _ = try await AuditFixtures.append(10, chain: writer % 2 == 0 ? "BR001" : "BR002", to: database) }
                }
                try await group.waitForAll()
            }
        }
        let report = try await AuditFixtures.verify(db)
        #expect(report.isIntact)
        #expect(report.chains.map(\.rows) == [80, 80])
    }
}
