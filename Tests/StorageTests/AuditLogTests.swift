import Audit
import Foundation
import Kernel
import PostgresNIO
import TestSupport
import Testing

@testable import Storage

/// Helpers shared by the audit storage tests.
enum AuditFixtures {
    static func append(_ count: Int, chain: String = "BR001", to database: Database) async throws -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in 0..<count {
            records.append(
                try await database.transaction { tx in
                    try await AuditLog.append(
                        AuditEvent(
                            chain: chain, actor: "teller1", branch: "BR001", terminal: "T01", action: "test.step", subject: "txn:\(index)",
                            payload: ["index": .integer(Int64(index)), "客户": "张三"]),
                        in: tx)
                })
        }
        return records
    }

    static func verify(_ db: TestDatabase, checkpoint: AuditCheckpoint? = nil) async throws -> AuditVerificationReport {
        try await db.with(db.app) { try await AuditVerification.verify($0, checkpoint: checkpoint) }
    }

    /// As the owner, with the append-only triggers switched off: what an attacker with the owner role can do.
    static func tamper(_ db: TestDatabase, _ statements: [String]) async throws {
        try await db.with(db.owner) { database in
            try await database.transaction { tx in
                try await tx.execute(sql: "ALTER TABLE audit_events DISABLE TRIGGER USER")
                try await tx.execute(sql: "ALTER TABLE audit_chain_heads DISABLE TRIGGER USER")
                for statement in statements { try await tx.execute(sql: statement) }
                try await tx.execute(sql: "ALTER TABLE audit_events ENABLE TRIGGER USER")
                try await tx.execute(sql: "ALTER TABLE audit_chain_heads ENABLE TRIGGER USER")
            }
        }
    }

    static func sqlError(_ error: (any Error)?) -> String { "\(String(describing: error))" }
}

@Suite struct AuditLogTests {
    @Test func appendedEventsReadBackExactly() async throws {
        let db = try await TestDatabase.migrated()
        let before = Timestamp.now()
        let event = AuditEvent(
            actor: "teller1", branch: "BR001", terminal: "T01", action: "voucher.sealed", subject: "voucher:V1 转讫章",
            payload: ["amount": "1000000.01", "大写": "壹佰万元零壹分"])
        let (stored, read) = try await db.with(db.app) { database in
            let stored = try await database.transaction { try await AuditLog.append(event, in: $0) }
            let read = try await database.read { try await AuditLog.events(chain: "BR001", afterSeq: 0, limit: 10, in: $0) }
            return (stored, read)
        }
        #expect(read == [stored])
        // The database stamped the time; it reads back to the microsecond and was hashed as such.
        let time = try #require(read.first?.time)
        #expect(time >= Timestamp(microsecondsSinceEpoch: before.microsecondsSinceEpoch - 5_000_000))
        #expect(time.microsecondsSinceEpoch % 1_000_000 == stored.time.microsecondsSinceEpoch % 1_000_000)
        #expect(read.first?.prevHash == .zero)
        #expect(try read.first?.computedHash() == stored.hash)
    }

    /// Many events in one statement: each lands on its chain in the order given there, the records come back in the
    /// order asked, and the chains verify — with and without a branch or terminal.
    @Test func eventsAppendedTogetherChainAsIfOneByOne() async throws {
        let db = try await TestDatabase.migrated()
        var events: [AuditEvent] = []
        for index in 0..<7 {
            let customer = index % 2 == 0
            events.append(
                AuditEvent(
                    chain: "batch-\(index % 3)", actor: customer ? "customer" : "teller1", branch: customer ? nil : "BR001",
                    terminal: customer ? nil : "T01", action: "test.batch", subject: "prefill:\(index)",
                    payload: ["index": .integer(Int64(index))]))
        }
        let batch = events
        let (stored, read) = try await db.with(db.app) { database in
            let stored = try await database.transaction { try await AuditLog.append(all: batch, in: $0) }
            let read = try await database.read { tx in
                var read: [AuditRecord] = []
                for chain in 0..<3 { read += try await AuditLog.events(chain: "batch-\(chain)", afterSeq: 0, limit: 10, in: tx) }
                return read
            }
            return (stored, read)
        }
        #expect(stored.map { $0.subject } == events.map { $0.subject })
        #expect(stored.map { $0.branch } == events.map { $0.branch } && stored.map { $0.terminal } == events.map { $0.terminal })
        #expect(read.count == stored.count && stored.allSatisfy { read.contains($0) })
        let first = read.filter { $0.chain == "batch-0" }
        #expect(first.map { $0.subject } == ["prefill:0", "prefill:3", "prefill:6"] && first.map { $0.seq } == [1, 2, 3])
        let report = try await AuditFixtures.verify(db)
        #expect(report.breaks.isEmpty && report.chains.count == 3)
    }

    @Test func aRollbackLeavesNoEventAndNoHeadMove() async throws {
        let db = try await TestDatabase.migrated()
        struct Abort: Error {}
        try await db.with(db.app) { database in
            _ = try await AuditFixtures.append(2, to: database)
            await #expect(throws: Abort.self) {
                try await database.transaction { tx in
                    try await AuditLog.append(AuditEvent(actor: "teller1", branch: "BR001", action: "test.step", subject: "doomed"), in: tx)
                    throw Abort()
                }
            }
            let next = try await AuditFixtures.append(1, to: database)
            #expect(next.first?.seq == 3)
        }
        let report = try await AuditFixtures.verify(db)
        #expect(report.isIntact)
        #expect(report.chains.first?.rows == 3)
    }

    @Test func invalidEventsAreRefusedAndWriteNothing() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { database in
            let error = await #expect(throws: AuditError.self) {
                try await database.transaction { tx in
                    try await AuditLog.append(AuditEvent(actor: "teller1", branch: "BR 001", action: "test.step", subject: "s"), in: tx)
                }
            }
            #expect(error?.code == .invalidField)
            let heads = try await database.read { try await AuditLog.heads(in: $0) }
            #expect(heads.isEmpty)
        }
    }

    @Test func onlyAuditAppendCanWriteAndNoOneCanFork() async throws {
        let db = try await TestDatabase.migrated()
        let records = try await db.with(db.app) { try await AuditFixtures.append(2, to: $0) }
        // seq 3 linked to seq 1: skips a link. Its own hash is right, so only the chain can show it.
        let skipping = try AuditRecord(
            chain: "BR001", seq: 3, time: .now(), actor: "mallory", branch: nil, terminal: nil, action: "test.forged", subject: "s",
            payload: "{}", prevHash: records[0].hash)
        // The application role cannot insert directly at all: audit_append is its only way in.
        try await db.with(db.app) { database in
            let error = await #expect(throws: StorageError.self) {
                try await database.transaction { try await AuditLog.insertUnchained(skipping, table: "audit_events", in: $0) }
            }
            #expect(error?.message.contains("permission denied") == true)
        }
        try await db.with(db.owner) { database in
            // A second row at an existing position (a fork) is refused by the database, even for the owner.
            let fork = try AuditRecord(
                chain: "BR001", seq: 2, time: .now(), actor: "mallory", branch: nil, terminal: nil, action: "test.forged", subject: "s",
                payload: #"{"fork":1}"#, prevHash: records[0].hash)
            let error = await #expect(throws: StorageError.self) {
                try await database.transaction { try await AuditLog.insertUnchained(fork, table: "audit_events", in: $0) }
            }
            #expect(error?.code == .constraintViolation)
            // The owner can write a row past the function; the verifier finds it.
            try await database.transaction { try await AuditLog.insertUnchained(skipping, table: "audit_events", in: $0) }
        }
        let report = try await AuditFixtures.verify(db)
        #expect(report.breaks.map(\.kind) == [.brokenLink])
    }
}
