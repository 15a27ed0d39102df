import Crypto
import Forms
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Storage
import TestSupport
import Testing
import Vouchers
import Web

/// The end of the counter: the confirmed and signed draft becomes a voucher with the customer's signature and the
/// branch's seal, the screen gets the receipt link, and the downloaded PDF validates in pyHanko.
@Suite struct CounterReceiptTests {
    static func run(_ body: @Sendable (TestAPI, TestDatabase, Int) async throws -> Void) async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let registry = try SealRegistryTests.registry()
        try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
        let key = DataKey(key: SymmetricKey(size: .bits256))
        let vouchers = VoucherDesk(
            database: database,
            settings: VoucherDesk.Settings(
                witnessKeyFile: SealRegistryTests.pki.appendingPathComponent("witness.p12").path, keyPassword: DevelopmentPKI.password,
                bankName: LocalizedText(zh: "示例银行", en: "Demo Bank")), catalogue: catalogue, dataKey: key)
        let desk = CounterDesk(database: database, catalogue: catalogue, dataKey: key)
        let counter = CounterServices(
            catalogue: catalogue, prefills: PrefillDesk(database: database, catalogue: catalogue, dataKey: key),
            publicLimiter: ClientRateLimiter(perMinute: 6000, burst: 1000), desk: desk,
            receipts: ReceiptDesk(database: database, counter: desk, vouchers: vouchers),
            verifier: ReceiptVerifier(
                database: database,
                trustedRootsPEM: try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8)))
        let app = CountersignApp.buildApplication(
            database: database, configuration: WebConfiguration(maximumBodyBytes: 1 << 20), logger: TestDatabase.logger, vouchers: vouchers,
            counter: counter, sweepsInBackground: false)
        try await app.test(.live) { client in try await body(TestAPI(client: client, db: db), db, client.port!) }
    }

    @Test func aSignedDraftBecomesASealedVoucherWhoseReceiptValidatesInPyHanko() async throws {
        try await Self.run { api, db, port in
            let screen = ScreenClient(port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T01")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "50000"]
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(values))
            let early = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: #"{"seal":"BR001-BUSINESS"}"#)
            #expect(early.status == .conflict && early.code == "counter.not_signed")

            let digest = try #require(try await screen.view(version: 1)["digest"] as? String)
            screen.answer("confirm", version: 1, digest: digest)
            _ = try await screen.next("recorded")
            let zigzag = CounterSessionTests.strokes(
                (0..<40).map { (i: Int) -> (Double, Double) in (0.1 + Double(i) * 0.02, i % 2 == 0 ? 0.3 : 0.7) })
            screen.send(#"{"type":"signature","version":1,"digest":"\#(digest)","strokes":\#(zigzag)}"#)
            _ = try await screen.next("signed")

            // Another branch's seal is refused before any voucher is made; the session stays signed.
            let foreign = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: #"{"seal":"BR002-BUSINESS"}"#)
            #expect(foreign.status == .forbidden || foreign.status == .notFound, "\(foreign.code)")
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: #"{"seal":"BR001-BUSINESS"}"#)
            #expect(issued.status == .created, "\(issued.code)")
            let path = try #require(issued.json["receipt"] as? String)
            #expect(try await screen.next("receipt")["path"] as? String == path)
            #expect(path.count == 3 + 43)
            let again = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: #"{"seal":"BR001-BUSINESS"}"#)
            #expect(again.status == .notFound && again.code == "counter.no_session")  // finished: the draft is gone from memory

            let download = try await api.call(.get, path, token: nil)
            #expect(download.status == .ok && download.body.starts(with: Data("%PDF".utf8)))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("receipt-\(UUID().uuidString).pdf")
            try download.body.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let oracle = try await ChildProcess.run(
                "/usr/bin/env",
                [
                    "python3", Repository.path("Tests/oracles/pyhanko_validate.py"), file.path,
                    SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path,
                ])
            let verdicts = oracle.output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: any Sendable]
            }
            #expect(verdicts.count == 2, "\(oracle.output)\(oracle.errors)")
            #expect(verdicts.allSatisfy { $0["intact"] as? Bool == true && $0["valid"] as? Bool == true && $0["trusted"] as? Bool == true })

            #expect(try await api.call(.get, "/r/" + String(repeating: "A", count: 43), token: nil).code == "receipt.not_found")

            // The public check: the receipt holds; one changed byte does not; its number holds; nonsense is refused.
            let voucher = try #require(issued.json["voucher"] as? String)
            let genuine = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            #expect(genuine.json["valid"] as? Bool == true && (genuine.json["signatures"] as? [Any])?.count == 2, "\(genuine.code)")
            var tampered = download.body
            tampered[tampered.count / 3] ^= 0x01
            let changed = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: tampered)
            #expect(changed.json["valid"] as? Bool == false || changed.code == "verify.unreadable", "\(changed.code)")
            let byNumber = try await api.call(.post, "/api/v1/verify", token: nil, body: #"{"voucher":"\#(voucher)"}"#)
            #expect(byNumber.json["valid"] as? Bool == true && byNumber.json["voucher"] as? String == voucher)
            #expect(try await api.call(.post, "/api/v1/verify", token: nil, body: #"{"voucher":"V0000000000000000"}"#).code == "verify.no_receipt")
            // Broken uploads of every kind get an answer, never a failure of the service: cut, overwritten, patched.
            var seed: UInt64 = 0x5EED
            func next(_ bound: Int) -> Int {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((seed >> 33) % UInt64(bound))
            }
            for round in 0..<60 {
                var broken = download.body
                switch round % 3 {
                case 0: broken = broken.prefix(next(broken.count))
                case 1: for _ in 0...next(20) { broken[next(broken.count)] = UInt8(next(256)) }
                default:
                    let tail = max(0, broken.count - 2000)
                    for _ in 0...next(10) { broken[tail + next(broken.count - tail)] = Array("0123456789 /<>[]RobjxrefD".utf8)[next(25)] }
                }
                let answer = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: broken)
                #expect(answer.status == .ok || answer.status == .unprocessableContent, "round \(round): \(answer.status) \(answer.code)")
            }
            let junk = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: Data("not a pdf".utf8))
            #expect(junk.status == .unprocessableContent && junk.code == "verify.unreadable")
            let actions = try await api.auditActions(prefix: "receipt.")
            #expect(actions == ["receipt.issued", "receipt.downloaded"])
            #expect(try await api.auditActions(prefix: "voucher.") == ["voucher.rendered", "voucher.customer_signed"])
            #expect(try await api.auditActions(prefix: "verify.").count >= 3)
            try await api.auditVerifies(chain: "BR001")
        }
    }
}
