import Audit
import Counter
import Crypto
import Forms
import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import PostgresNIO
import Services
import Storage
import Synchronization
import TestSupport
import Testing
import Web

/// Pre-filled forms over HTTP: a customer (no login) submits, a teller picks up once; reuse, expiry, bad values,
/// bad codes, the wrong role and too many requests each get their own clear answer, and nothing readable is stored.
@Suite struct PrefillAPITests {
    struct Harness: Sendable {
        let h: TestAPI
        let db: TestDatabase
        let time: ManualTime
        let desk: PrefillDesk
    }

    static let withdrawal: [String: String] = [
        "account_name": "张三", "account_number": "6222 0202 0011 2233 445", "id_number": "11010519491231002x", "mobile": "+86 138 0013 8000",
        "amount": "50,000", "purpose": "living",
    ]

    static func run(perMinute: Int = 6000, burst: Int = 1000, _ body: @Sendable (Harness) async throws -> Void) async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let time = ManualTime(AuthzHarness.businessMorning())
        let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
        let key = DataKey(key: SymmetricKey(size: .bits256))
        let desk = PrefillDesk(database: database, catalogue: catalogue, dataKey: key, time: time)
        let counterDesk = CounterDesk(database: database, catalogue: catalogue, dataKey: key, time: time)
        let counter = CounterServices(
            catalogue: catalogue, prefills: desk, desk: counterDesk, screens: ScreenEnrollment(desk: counterDesk, database: database))
        let app = CountersignApp.buildApplication(
            database: database,
            configuration: WebConfiguration(
                maximumBodyBytes: 1 << 20, publicLimiter: ClientRateLimiter(perMinute: perMinute, burst: burst, time: time)),
            logger: TestDatabase.logger, counter: counter,
            sweepsInBackground: false)
        try await app.test(.live) { client in
            try await body(Harness(h: TestAPI(client: client, db: db), db: db, time: time, desk: desk))
        }
    }

    static func body(_ form: String, _ values: [String: String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: ["form": form, "values": values]), as: UTF8.self)
    }

    func create(_ t: Harness, _ values: [String: String] = withdrawal) async throws -> String {
        let reply = try await t.h.call(.post, "/api/v1/prefills", token: nil, body: Self.body("cash-withdrawal", values))
        #expect(reply.status == .created, "\(reply.code)")
        return try #require(reply.json["code"] as? String)
    }

    func rows(_ t: Harness) async throws -> [(state: String, ciphertext: [UInt8]?)] {
        try await t.db.with(t.db.owner) { database in
            try await database.read { tx in
                try await tx.query("SELECT state, ciphertext FROM prefills ORDER BY id").collect().map {
                    let (state, box) = try $0.decode((String, ByteBuffer?).self)
                    return (state, box.map { Array($0.readableBytesView) })
                }
            }
        }
    }

    @Test func aCustomerPrefillsATellerPicksItUpOnceAndNothingReadableIsStored() async throws {
        try await Self.run { t in
            let code = try await create(t)
            #expect(code.range(of: "^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$", options: .regularExpression) != nil, "\(code)")
            let stored = try await rows(t)
            let box = try #require(stored.first?.ciphertext)
            for secret in ["张三", "11010519491231002X", "13800138000", "6222020200112233445", code.replacingOccurrences(of: "-", with: "")] {
                #expect(!box.contains(subsequence: Array(secret.utf8)), "\(secret) is readable in the database")
            }

            let teller = try await t.h.login("teller1")
            let picked = try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"\#(code.lowercased())"}"#)
            #expect(picked.status == .ok, "\(picked.code)")
            let values = try #require(picked.json["values"] as? [String: String])
            #expect(values["id_number"] == "11010519491231002X" && values["mobile"] == "13800138000" && values["amount"] == "50000.00")
            #expect(values["account_number"] == "6222020200112233445")
            let afterUse = try await rows(t)
            #expect(afterUse.map(\.state) == ["used"] && afterUse.first?.ciphertext == nil)

            let again = try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"\#(code)"}"#)
            #expect(again.status == .conflict && again.code == "prefill.used")
            let actions = try await t.h.auditActions(prefix: "prefill.")
            #expect(actions == ["prefill.created", "prefill.used", "prefill.reuse_refused"])
        }
    }

    /// A random code that meets one already in the table is drawn again, not turned into an error for the customer;
    /// only a code source that keeps repeating itself makes the submission fail.
    @Test func aCodeAlreadyTakenIsDrawnAgain() async throws {
        let db = try await TestDatabase.fresh()
        try await db.with(db.app) { database in
            let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
            let key = DataKey(key: SymmetricKey(size: .bits256))
            let drawn = Mutex<[String]>(["ABCD2345", "ABCD2345", "WXYZ6789", "ABCD2345", "ABCD2345", "ABCD2345"])
            let desk = PrefillDesk(
                database: database, catalogue: catalogue, dataKey: key, time: ManualTime(AuthzHarness.businessMorning()),
                codes: { PrefillCode(typed: drawn.withLock { $0.removeFirst() })! })
            let first = try await desk.create(formID: "cash-withdrawal", values: Self.withdrawal)
            let second = try await desk.create(formID: "cash-withdrawal", values: Self.withdrawal)
            #expect(first.code == "ABCD-2345" && second.code == "WXYZ-6789")
            let error = await #expect(throws: StorageError.self) { try await desk.create(formID: "cash-withdrawal", values: Self.withdrawal) }
            #expect(error?.constraint == "prefills_code_tag_key")
            #expect(drawn.withLock { $0.isEmpty }, "three draws, then it gives up")
        }
        let created = try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query("SELECT count(*) FROM audit_events WHERE action = 'prefill.created'").collect().first!.decode(Int.self)
            }
        }
        #expect(created == 2, "a refused attempt leaves no audit event")
    }

    /// Submissions arriving together are written together; one that meets a taken code (here two of them draw the
    /// same one) does not sink the others: every customer gets a code, every row its event, and the trail verifies.
    @Test func concurrentSubmissionsAreAllStoredEvenWhenOneBatchIsRefused() async throws {
        let db = try await TestDatabase.fresh()
        let codes = try await db.with(db.app) { database in
            let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
            let key = DataKey(key: SymmetricKey(size: .bits256))
            let repeated = Mutex(3)
            let desk = PrefillDesk(
                database: database, catalogue: catalogue, dataKey: key, time: ManualTime(AuthzHarness.businessMorning()),
                codes: {
                    repeated.withLock { left in
                        left > 0
                            ? {
                                left -= 1; return PrefillCode(typed: "ABCD2345")!
                            }() : PrefillCode.generate()
                    }
                })
            return try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 { group.addTask { try await desk.create(formID: "cash-withdrawal", values: Self.withdrawal).code } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
        }
        #expect(codes.count == 40 && Set(codes).count == 40)
        let (rows, events) = try await db.with(db.owner) { database in
            try await database.read { tx in
                (
                    try await tx.query("SELECT count(*) FROM prefills").collect().first!.decode(Int.self),
                    try await tx.query("SELECT count(*) FROM audit_events WHERE action = 'prefill.created'").collect().first!.decode(Int.self)
                )
            }
        }
        #expect(rows == 40 && events == 40)
        let report = try await db.with(db.app) { try await AuditVerification.verify($0) }
        #expect(report.isIntact && report.chains.contains { $0.chain.hasPrefix("prefill-") }, "\(report.breaks)")
    }

    @Test func anExpiredCodeIsRefusedAndItsDataErased() async throws {
        try await Self.run { t in
            let first = try await create(t)
            let second = try await create(t)
            t.time.advance(seconds: 30 * 60 + 1)
            let teller = try await t.h.login("teller1")
            let late = try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"\#(first)"}"#)
            #expect(late.status == .gone && late.code == "prefill.expired")
            #expect(try await t.desk.sweep() == 1)  // the second one: nobody came for it
            let closed = try await rows(t)
            #expect(closed.map(\.state) == ["expired", "expired"] && closed.allSatisfy { $0.ciphertext == nil })
            let swept = try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"\#(second)"}"#)
            #expect(swept.status == .gone && swept.code == "prefill.expired")
            #expect(try await t.h.auditActions(prefix: "prefill.").filter { $0.hasPrefix("prefill.expired") }.count == 3)
            try await t.h.auditVerifies(chain: "prefill-1")
        }
    }

    @Test func badValuesAreAllReportedAndNothingIsStored() async throws {
        try await Self.run { t in
            var values = Self.withdrawal
            values["id_number"] = "110105194912310021"
            values["amount"] = "50000.001"
            values["fee"] = "1.00"  // a teller's field
            values["mobile"] = nil
            let reply = try await t.h.call(.post, "/api/v1/prefills", token: nil, body: Self.body("cash-withdrawal", values))
            #expect(reply.status == .badRequest && reply.code == "form.invalid")
            let problems = try #require(reply.json["problems"] as? [[String: any Sendable]])
            let codes = Set(problems.compactMap { "\($0["field"] as? String ?? "?")=\($0["code"] as? String ?? "?")" })
            #expect(codes == ["id_number=field.resident_id_checksum", "amount=field.amount_decimals", "fee=field.unknown"])
            #expect(try await rows(t).isEmpty)
            let unknownForm = try await t.h.call(.post, "/api/v1/prefills", token: nil, body: Self.body("no-such-form", values))
            #expect(unknownForm.status == .notFound && unknownForm.code == "form.unknown")
        }
    }

    @Test func codesAndRolesAreChecked() async throws {
        try await Self.run { t in
            let code = try await create(t)
            let teller = try await t.h.login("teller1")
            let officer = try await t.h.login("officer1")
            #expect(try await t.h.call(.post, "/api/v1/prefills/pickup", token: officer, body: #"{"code":"\#(code)"}"#).code == "auth.forbidden")
            #expect(try await t.h.call(.post, "/api/v1/prefills/pickup", token: nil, body: #"{"code":"\#(code)"}"#).code == "auth.required")
            #expect(try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"OOII-0011"}"#).code == "prefill.bad_code")
            let unknown = try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"ABCD-2345"}"#)
            #expect(unknown.status == .notFound && unknown.code == "prefill.not_found")
            // The refused attempts left the real one waiting.
            #expect(try await t.h.call(.post, "/api/v1/prefills/pickup", token: teller, body: #"{"code":"\#(code)"}"#).status == .ok)
        }
    }

    @Test func theLiveCheckNormalizesAndReportsWithoutComplainingAboutEmptyFields() async throws {
        try await Self.run { t in
            let reply = try await t.h.call(
                .post, "/api/v1/forms/cash-withdrawal/check", token: nil, body: #"{"values":{"amount":"1,000","mobile":"12345","account_name":""}}"#)
            #expect(reply.status == .ok)
            let problems = try #require(reply.json["problems"] as? [[String: any Sendable]])
            #expect(problems.map { $0["field"] as? String } == ["mobile"])
            let message = try #require(problems.first?["message"] as? [String: String])
            #expect(message["zh"]?.isEmpty == false && message["en"]?.isEmpty == false)
            let fine = try await t.h.call(.post, "/api/v1/forms/cash-withdrawal/check", token: nil, body: #"{"values":{"amount":"1,000"}}"#)
            #expect((fine.json["values"] as? [String: String])?["amount"] == "1000.00")
            let list = try await t.h.call(.get, "/api/v1/forms", token: nil)
            #expect((list.json["forms"] as? [Any])?.count == 11)
            let form = try await t.h.call(.get, "/api/v1/forms/fx-purchase", token: nil)
            #expect(form.json["id"] as? String == "fx-purchase" && (form.json["fields"] as? [Any])?.isEmpty == false)
        }
    }

    @Test func aClientSendingTooManyRequestsIsSlowedDown() async throws {
        try await Self.run(perMinute: 60, burst: 3) { t in
            for _ in 0..<3 {
                #expect(try await t.h.call(.post, "/api/v1/forms/cash-withdrawal/check", token: nil, body: #"{"values":{}}"#).status == .ok)
            }
            let refused = try await t.h.call(.post, "/api/v1/prefills", token: nil, body: Self.body("cash-withdrawal", Self.withdrawal))
            #expect(refused.status == .tooManyRequests && refused.code == "rate.limited")
            #expect(try await rows(t).isEmpty)
            // One token a second comes back on the service's clock, not the machine's: a second later, one more.
            t.time.advance(seconds: 1)
            #expect(try await t.h.call(.post, "/api/v1/forms/cash-withdrawal/check", token: nil, body: #"{"values":{}}"#).status == .ok)
            #expect(try await t.h.call(.post, "/api/v1/forms/cash-withdrawal/check", token: nil, body: #"{"values":{}}"#).code == "rate.limited")
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
