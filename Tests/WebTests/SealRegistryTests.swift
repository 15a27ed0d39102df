import Forms
import Foundation
import Kernel
import Services
import Storage
import TestSupport
import Testing
import Vouchers
import Web

@Suite struct SealRegistryTests {
    /// A development PKI and a registry pointing at it, made once for these tests.
    static let pki: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seal-registry-\(UUID().uuidString)")
        do { try DevelopmentPKI.create(in: folder) } catch { fatalError("\(error)") }
        return folder
    }()

    static func registry(validUntil: String = "2099-12-31T23:59:59+08:00") throws -> SealRegistryFile {
        let json = """
            {"seals": [
              {"id": "BR001-BUSINESS", "name": {"zh": "业务专用章", "en": "Business Seal"}, "branch": "BR001", "forms": ["*"],
               "key_file": "\(pki.appendingPathComponent("seal-rsa.p12").path)", "appearance": "round-red",
               "valid_from": "2026-01-01T00:00:00+08:00", "valid_until": "\(validUntil)"},
              {"id": "BR001-CASH-RECEIVED", "name": {"zh": "现金收讫章", "en": "Cash Received Seal"}, "branch": "BR001",
               "forms": ["cash-deposit", "cash-withdrawal", "fx-cash"], "key_file": "\(pki.appendingPathComponent("seal-ec.p12").path)", "appearance": "round-red",
               "valid_from": "2026-01-01T00:00:00+08:00", "valid_until": "\(validUntil)"}
            ]}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return try SealRegistryFile.load(url)
    }

    static func prepared(validUntil: String = "2099-12-31T23:59:59+08:00") async throws -> TestDatabase {
        let db = try await TestDatabase.fresh()
        try await WebHarness.seedUsers(db)
        let registry = try registry(validUntil: validUntil)
        try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        return db
    }

    static func voucher() throws -> [UInt8] {
        let witness = try Signer.pkcs12(try Data(contentsOf: pki.appendingPathComponent("witness.p12")), password: DevelopmentPKI.password)
        var strokes: [[StrokePoint]] = []
        for stroke in 0..<2 {
            var points: [StrokePoint] = []
            for index in 0..<20 {
                points.append(StrokePoint(x: Double(index * 5 + stroke * 40), y: Double(index % 7), t: Double(index), pressure: 0.5))
            }
            strokes.append(points)
        }
        return try CustomerSignature.sign(Array(Data(contentsOf: fixture("cw.pdf"))), strokes: strokes, with: witness, at: Date())
    }

    static func fixture(_ name: String) -> URL {
        // A rendered voucher, made once with the real renderer.
        let url = pki.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: url.path) {
            let forms = Repository.root.appendingPathComponent("Forms")
            let catalogue = try! FormCatalogue.load(forms)
            let (form, data) = (try! catalogue.form("cash-withdrawal"), try! catalogue.example("cash-withdrawal"))
            // Atomic: tests run in parallel, and a half-written file must never be read as the fixture.
            try! Data(try! VoucherRenderer().render(form: form, data: data)).write(to: url, options: .atomic)
        }
        return url
    }

    static func sealUses(_ db: TestDatabase) async throws -> Int {
        try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'seal.used'", in: db)
    }

    @Test func aRegisteredSealStampsAValidFileAndTheUseIsAudited() async throws {
        let db = try await Self.prepared()
        let input = try Self.voucher()
        let sealed = try await db.with(db.app) { database in
            try await SealUse(database: database, password: DevelopmentPKI.password)
                .stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V1")
        }
        let root = try String(contentsOf: Self.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8)
        let reports = try PAdESVerifier.verify(sealed, trustedRootsPEM: root)
        #expect(reports.count == 2 && reports.allSatisfy { $0.isValid })
        #expect(try await Self.sealUses(db) == 1)
        let digest = SHA256Hash.sha256(of: sealed).hex
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_events WHERE payload::jsonb->>'output_sha256' = '\(digest)' AND chain_id = 'BR001'", in: db) == 1)
        // Registration was audited too.
        #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'seal.registered'", in: db) == 2)
    }

    @Test func unknownRevokedAndExpiredSealsAreRefusedAndLeaveNoUse() async throws {
        let db = try await Self.prepared()
        let input = try Self.voucher()
        try await db.with(db.app) { database in
            let use = SealUse(database: database, password: DevelopmentPKI.password)
            let unknown = await #expect(throws: VoucherError.self) {
                try await use.stamp(input, sealID: "NOPE", actor: "t", terminal: nil, subject: "v")
            }
            #expect(unknown?.code == .unknownSeal)
            let revokedNow = try await database.transaction {
                try await SealStore.revoke("BR001-BUSINESS", reason: "token lost", actor: "admin", in: $0)
            }
            #expect(revokedNow)
            let revoked = await #expect(throws: VoucherError.self) {
                try await use.stamp(input, sealID: "BR001-BUSINESS", actor: "t", terminal: nil, subject: "v")
            }
            #expect(revoked?.code == .sealRevoked)
            let early = await #expect(throws: VoucherError.self) {
                try await use.stamp(
                    input, sealID: "BR001-CASH-RECEIVED", actor: "t", terminal: nil, subject: "v", at: Date(timeIntervalSince1970: 1_700_000_000))
            }
            #expect(early?.code == .sealExpired)
        }
        #expect(try await Self.sealUses(db) == 0)
        #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'seal.revoked'", in: db) == 1)
    }

    @Test func aSealPastItsValidityWindowIsRefused() async throws {
        let db = try await Self.prepared(validUntil: "2026-06-30T23:59:59+08:00")
        let input = try Self.voucher()
        let error = await #expect(throws: VoucherError.self) {
            try await db.with(db.app) { database in
                try await SealUse(database: database, password: DevelopmentPKI.password)
                    .stamp(input, sealID: "BR001-BUSINESS", actor: "t", terminal: nil, subject: "v", at: Date(timeIntervalSince1970: 1_800_000_000))
            }
        }
        #expect(error?.code == .sealExpired)
    }

    @Test func anExpiredCertificateIsRefusedEvenInsideTheSealsWindow() async throws {
        // The registry allows the seal until 2099; its development certificate ends after 825 days.
        let db = try await Self.prepared()
        let input = try Self.voucher()
        let error = await #expect(throws: VoucherError.self) {
            try await db.with(db.app) { database in
                try await SealUse(database: database, password: DevelopmentPKI.password)
                    .stamp(input, sealID: "BR001-BUSINESS", actor: "t", terminal: nil, subject: "v", at: Date().addingTimeInterval(5 * 365 * 86400))
            }
        }
        #expect(error?.code == .sealExpired)
        #expect(error?.message.contains("certificate") == true)
        #expect(try await Self.sealUses(db) == 0)
    }

    @Test func theSealIDIsInTheSignedFileAndReportedByTheVerifier() async throws {
        let db = try await Self.prepared()
        let sealed = try await db.with(db.app) { database in
            try await SealUse(database: database, password: DevelopmentPKI.password)
                .stamp(try Self.voucher(), sealID: "BR001-CASH-RECEIVED", actor: "t", terminal: nil, subject: "v")
        }
        let root = try String(contentsOf: Self.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8)
        let reports = try PAdESVerifier.verify(sealed, trustedRootsPEM: root)
        #expect(reports.map(\.sealID) == [nil, "BR001-CASH-RECEIVED"])
    }

    @Test func aRevokedSealStaysRevokedAndOnlyTheOwnerRegisters() async throws {
        let db = try await Self.prepared()
        try await db.with(db.app) { database in
            _ = try await database.transaction { try await SealStore.revoke("BR001-BUSINESS", reason: "compromised", actor: "admin", in: $0) }
            await #expect(throws: StorageError.self) {
                try await database.transaction { try await $0.execute(sql: "INSERT INTO seals (id) VALUES ('X-FORGED')") }
            }
        }
        try await db.with(db.owner) { database in
            let error = await #expect(throws: StorageError.self) {
                try await database.transaction {
                    try await $0.execute(sql: "UPDATE seals SET state = 'active', revoked_at = NULL WHERE id = 'BR001-BUSINESS'")
                }
            }
            #expect(error?.message.contains("cannot be reactivated") == true)
        }
    }
}
