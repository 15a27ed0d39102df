import Audit
import Foundation
import Storage
import TestSupport
import Testing

@Suite struct AuditAppendOnlyTests {
    @Test(arguments: [
        "UPDATE audit_events SET payload = '{}' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
        "TRUNCATE audit_events",
        "DELETE FROM audit_chain_heads",
        "TRUNCATE audit_chain_heads",
        "UPDATE audit_chain_heads SET last_seq = 1",
        "INSERT INTO audit_events (chain_id, seq, at, actor, action, subject, payload, encoding_version, prev_hash, hash) "
            + "SELECT chain_id, 4, now(), 'x', 'x.y', 's', '{}', 1, hash, hash FROM audit_events WHERE seq = 3",
        "INSERT INTO audit_chain_heads VALUES ('BR999', 5, decode(repeat('00', 32), 'hex'))",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
    ])
    func theApplicationRoleCannotChangeTheTrail(statement: String) async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { database in
            _ = try await AuditFixtures.append(3, to: database)
            await #expect(throws: StorageError.self) { try await database.transaction { try await $0.execute(sql: statement) } }
        }
        let report = try await AuditFixtures.verify(db)
        #expect(report.isIntact)
        #expect(report.chains.first?.rows == 3)
    }

    @Test func theTriggersStopEvenTheOwnerUnlessSwitchedOff() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(2, to: $0) }
        try await db.with(db.owner) { database in
            for statement in ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
                let error = await #expect(throws: StorageError.self) { try await database.transaction { try await $0.execute(sql: statement) } }
                #expect(error?.message.contains("append-only") == true)
            }
        }
    }

    @Test func theServiceRefusesToStartWithUnsafePrivileges() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { try await PrivilegeCheck.requireAppendOnly($0) }
        // Running as the owner is refused...
        let ownerError = await #expect(throws: StorageError.self) { try await db.with(db.owner) { try await PrivilegeCheck.requireAppendOnly($0) } }
        #expect(ownerError?.code == .unsafePrivileges)
        // ...and so is an application role that was granted too much, or whose triggers were switched off.
        try await db.with(db.owner) { try await $0.read { try await $0.execute(sql: "GRANT UPDATE ON audit_events TO countersign_app") } }
        // (INSERT is as dangerous: it would let the service bypass audit_append.)
        let grantError = await #expect(throws: StorageError.self) { try await db.with(db.app) { try await PrivilegeCheck.requireAppendOnly($0) } }
        #expect(grantError?.message.contains("UPDATE on audit_events") == true)
        try await db.with(db.owner) { database in
            try await database.read {
                try await $0.execute(sql: "REVOKE UPDATE ON audit_events FROM countersign_app")
                try await $0.execute(sql: "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            }
        }
        let triggerError = await #expect(throws: StorageError.self) { try await db.with(db.app) { try await PrivilegeCheck.requireAppendOnly($0) } }
        #expect(triggerError?.message.contains("audit_events_no_update is disabled") == true)
    }
}

@Suite struct AuditTamperDetectionTests {
    @Test func anUpdatedPayloadIsFoundByTheCommandLineVerifier() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(5, to: $0) }
        let clean = try await CountersignBinary.run(["audit", "verify", "--log-level", "error"], environment: ["DATABASE_URL": db.url(db.app)])
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.output.contains("OK: 1 chains, 5 events"))

        try await AuditFixtures.tamper(db, [#"UPDATE audit_events SET payload = '{"index":2,"客户":"李四"}' WHERE chain_id = 'BR001' AND seq = 3"#])
        let result = try await CountersignBinary.run(["audit", "verify", "--log-level", "error"], environment: ["DATABASE_URL": db.url(db.app)])
        #expect(result.status == 1)
        #expect(result.output.contains("chain BR001 seq 3: hash_mismatch"), "\(result.output)")
    }

    @Test func aDeletedMiddleRowIsFound() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(5, to: $0) }
        try await AuditFixtures.tamper(db, ["DELETE FROM audit_events WHERE chain_id = 'BR001' AND seq = 2"])
        let report = try await AuditFixtures.verify(db)
        #expect(report.breaks.map(\.kind) == [.gap])
        #expect(report.breaks.first?.seq == 2)
    }

    @Test func aDeletedLastRowIsFoundAgainstTheHead() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(5, to: $0) }
        try await AuditFixtures.tamper(db, ["DELETE FROM audit_events WHERE chain_id = 'BR001' AND seq = 5"])
        let report = try await AuditFixtures.verify(db)
        #expect(report.breaks.map(\.kind) == [.headMismatch])
    }

    @Test func aTruncateIsFound() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(5, to: $0) }
        try await AuditFixtures.tamper(db, ["TRUNCATE audit_events"])
        let report = try await AuditFixtures.verify(db)
        #expect(!report.isIntact)
        #expect(report.breaks.first?.kind == .headMismatch)
    }

    /// The attack a hash chain alone cannot see: change a row, then recompute every later hash and the head.
    /// Only a checkpoint signed outside the database finds it.
    @Test func aRewrittenAndRehashedChainIsFoundOnlyAgainstAnEarlierCheckpoint() async throws {
        let db = try await TestDatabase.migrated()
        let records = try await db.with(db.app) { try await AuditFixtures.append(6, to: $0) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString)").path
        let keyPath = folder + "/audit-checkpoint.key"
        let checkpointPath = folder + "/checkpoint.json"
        let environment = ["DATABASE_URL": db.url(db.app)]
        #expect(try await CountersignBinary.run(["audit", "keygen", "--key", keyPath]).status == 0)
        let written = try await CountersignBinary.run(
            ["audit", "checkpoint", "--key", keyPath, "--out", checkpointPath, "--log-level", "error"], environment: environment)
        #expect(written.status == 0, "\(written.output)")

        // Rewrite seq 2 onwards with consistent hashes, as an owner-level attacker could.
        var rewritten: [AuditRecord] = [records[0]]
        for original in records.dropFirst() {
            var record = original
            if record.seq == 2 { record.payload = #"{"index":1,"客户":"王五"}"# }
            record.prevHash = rewritten.last!.hash
            record.hash = try record.computedHash()
            rewritten.append(record)
        }
        let updates = rewritten.dropFirst().map { record in
            "UPDATE audit_events SET payload = '\(record.payload)', prev_hash = '\\x\(record.prevHash.hex)', hash = '\\x\(record.hash.hex)' "
                + "WHERE chain_id = 'BR001' AND seq = \(record.seq)"
        }
        try await AuditFixtures.tamper(db, updates + ["UPDATE audit_chain_heads SET last_hash = '\\x\(rewritten.last!.hash.hex)'"])

        let withoutCheckpoint = try await CountersignBinary.run(["audit", "verify", "--log-level", "error"], environment: environment)
        #expect(withoutCheckpoint.status == 0, "the rewrite is self-consistent, so the chain alone cannot show it")
        let withCheckpoint = try await CountersignBinary.run(
            ["audit", "verify", "--checkpoint", checkpointPath, "--key", keyPath + ".pub", "--log-level", "error"], environment: environment)
        #expect(withCheckpoint.status == 1)
        #expect(withCheckpoint.output.contains("checkpoint_mismatch"), "\(withCheckpoint.output)")
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() async throws {
        let db = try await TestDatabase.migrated()
        try await db.with(db.app) { _ = try await AuditFixtures.append(2, to: $0) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString)").path
        let environment = ["DATABASE_URL": db.url(db.app)]
        _ = try await CountersignBinary.run(["audit", "keygen", "--key", folder + "/a.key"])
        _ = try await CountersignBinary.run(["audit", "keygen", "--key", folder + "/b.key"])
        _ = try await CountersignBinary.run(
            ["audit", "checkpoint", "--key", folder + "/a.key", "--out", folder + "/cp.json", "--log-level", "error"], environment: environment)
        let result = try await CountersignBinary.run(
            ["audit", "verify", "--checkpoint", folder + "/cp.json", "--key", folder + "/b.key", "--log-level", "error"], environment: environment)
        #expect(result.status != 0)
        #expect(result.output.contains("audit.bad_checkpoint"), "\(result.output)")
    }
}

@Suite struct ServeStartupTests {
    @Test func serveRefusesToStartAsARoleThatCouldRewriteTheTrail() async throws {
        let db = try await TestDatabase.migrated()
        let result = try await CountersignBinary.run(
            ["serve", "--port", "0", "--log-level", "error"], environment: ["DATABASE_URL": db.url(db.owner)])
        #expect(result.status != 0)
        #expect(result.output.contains("storage.unsafe_privileges"), "\(result.output)")
        #expect(result.output.contains("it owns audit_events"), "\(result.output)")
    }

    @Test func serveRefusesToStartOnAnUnmigratedDatabase() async throws {
        let db = try await TestDatabase.empty()
        let result = try await CountersignBinary.run(
            ["serve", "--port", "0", "--log-level", "error"], environment: ["DATABASE_URL": db.url(db.app)])
        #expect(result.status != 0)
        #expect(result.output.contains("storage.migration_pending"), "\(result.output)")
    }

    @Test func migrateDryRunListsAndChangesNothing() async throws {
        let db = try await TestDatabase.empty()
        let environment = ["DATABASE_OWNER_URL": db.url(db.owner)]
        let dry = try await CountersignBinary.run(["migrate", "--dry-run", "--log-level", "error"], environment: environment)
        #expect(dry.status == 0)
        #expect(dry.output.contains("would apply 0001_audit_trail.sql"))
        let real = try await CountersignBinary.run(["migrate", "--log-level", "error"], environment: environment)
        #expect(real.output.contains("applied 0001_audit_trail.sql"), "the dry run must not have applied anything: \(real.output)")
    }
}
