import Crypto
import Forms
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Services
import Storage
import TestSupport
import Testing
import Web

/// The teller's terminal and its customer screen: pairing (wrong code, wrong terminal, wrong role refused), the
/// screen showing every change live with masks and capital numerals, the customer's answer recorded with the
/// digest of exactly the view shown, stale answers refused, and a change after confirmation needing a new one.
@Suite struct CounterSessionTests {
    static func run(_ body: @Sendable (TestAPI, TestDatabase, Int) async throws -> Void) async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let counter = try services(database: database)
        let app = CountersignApp.buildApplication(
            database: database, configuration: WebConfiguration(maximumBodyBytes: 1 << 20, publicLimiter: WebHarness.generousLimiter()),
            logger: TestDatabase.logger, counter: counter,
            sweepsInBackground: false)
        try await app.test(.live) { client in try await body(TestAPI(client: client, db: db), db, client.port!) }
    }

    /// Pre-fill and the counter desk on `database`, with a fresh data key.
    static func services(database: Database) throws -> CounterServices {
        let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
        let key = DataKey(key: SymmetricKey(size: .bits256))
        let desk = CounterDesk(database: database, catalogue: catalogue, dataKey: key)
        return CounterServices(
            catalogue: catalogue, prefills: PrefillDesk(database: database, catalogue: catalogue, dataKey: key),
            desk: desk, screens: ScreenEnrollment(desk: desk, database: database))
    }

    /// A cash withdrawal with every required field, for `amount`.
    static func complete(amount: String) -> [String: String] {
        ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": amount]
    }

    static func draft(_ values: [String: String], form: String = "cash-withdrawal") -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: ["form": form, "values": values]), as: UTF8.self)
    }

    @Test func theScreenShowsEveryChangeAndTheConfirmationCoversExactlyWhatItShowed() async throws {
        try await Self.run { api, db, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            #expect(code.count == 6 && code.allSatisfy(\.isNumber))

            let elsewhere = try await api.login("teller1", terminal: "T02")
            let wrong = try await api.call(.post, "/api/v1/counter/sessions", token: elsewhere, body: #"{"code":"\#(code)"}"#)
            // Only the screen enrolled for the teller's own terminal can be paired: T02 has none waiting.
            #expect(wrong.status == .conflict && wrong.code == "counter.no_screen", "\(wrong.code)")
            let officer = try await api.login("officer1", terminal: "T01")
            #expect(try await api.call(.post, "/api/v1/counter/sessions", token: officer, body: #"{"code":"\#(code)"}"#).code == "auth.forbidden")
            let teller = try await api.login("teller1", terminal: "T01")
            let badCode = code == "000000" ? "000001" : "000000"
            #expect(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(badCode)"}"#).code == "counter.bad_pairing")
            let paired = try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#)
            #expect(paired.status == .created, "\(paired.code)")
            let session = try #require(paired.json["session"] as? Int)
            #expect(try await screen.next("paired")["session"] as? Int == session)

            var values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "50000"]
            let first = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            #expect(first.json["version"] as? Int == 1 && first.json["state"] as? String == "editing")
            let shown = try await screen.view(version: 1)
            let view = try #require(shown["view"] as? [String: any Sendable])
            let lines = try #require(view["lines"] as? [[String: any Sendable]])
            let byField = Dictionary(uniqueKeysWithValues: lines.map { ($0["field"] as! String, $0) })
            #expect(byField["id_number"]?["value"] as? String == "110105********002X")
            #expect(byField["account_number"]?["value"] as? String == "***************3445")
            #expect(byField["account_name"]?["value"] as? String == "张*")
            #expect(byField["amount"]?["value"] as? String == "CNY 50,000.00" && byField["amount"]?["words"] as? String == "人民币伍万元整")
            let digest1 = try #require(shown["digest"] as? String)
            #expect(digest1 == first.json["digest"] as? String)

            // The teller adds the fee before the customer answers: the answer to the old view is stale.
            values["fee"] = "0"
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            let second = try await screen.view(version: 2)
            screen.answer("confirm", version: 1, digest: digest1)
            #expect(try await screen.next("error")["code"] as? String == "counter.stale_confirmation")
            let digest2 = try #require(second["digest"] as? String)
            screen.answer("confirm", version: 2, digest: digest2)
            #expect(try await screen.next("recorded")["digest"] as? String == digest2)
            // Asked for the session (as a reloaded console does), the teller gets the draft back; after a change, not.
            let asked = try await api.call(.get, "/api/v1/counter/sessions/\(session)?include=draft", token: teller).json
            #expect(asked["state"] as? String == "confirmed" && asked["form"] as? String == "cash-withdrawal")
            #expect((asked["values"] as? [String: any Sendable])?["id_number"] as? String == "11010519491231002X")
            #expect(first.json["values"] == nil)
            #expect(try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller).json["values"] == nil)
            let bad = try await api.call(.get, "/api/v1/counter/sessions/\(session)?include=strokes", token: teller)
            #expect(bad.status == .badRequest && bad.code == "counter.bad_include")

            // A change after the confirmation takes it back to editing until the customer confirms again.
            values["amount"] = "60000"
            let changed = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            #expect(changed.json["state"] as? String == "editing" && changed.json["version"] as? Int == 3)
            let third = try await screen.view(version: 3)
            let digest3 = try #require(third["digest"] as? String)
            screen.answer("confirm", version: 3, digest: digest3)
            #expect(try await screen.next("recorded", after: 1)["digest"] as? String == digest3)
            // Unchanged values do not make a new version (nothing new to confirm).
            let same = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            #expect(same.json["version"] as? Int == 3 && same.json["state"] as? String == "confirmed")

            let recorded = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query("SELECT draft_version, encode(view_digest, 'hex'), view_ciphertext FROM counter_confirmations ORDER BY id")
                        .collect().map { try $0.decode((Int, String, ByteBuffer).self) }
                }
            }
            #expect(recorded.map(\.0) == [2, 3] && recorded.map(\.1) == [digest2, digest3])
            #expect(!recorded.contains { Array($0.2.readableBytesView).contains(subsequence: Array("50,000.00".utf8)) })
            // The digest is SHA-256 of the view JSON the screen was sent, byte for byte.
            let sentView = try #require(screen.rawView(version: 3))
            #expect(SHA256.hash(data: Data(sentView.utf8)).map { String(format: "%02x", $0) }.joined() == digest3)
            let actions = try await api.auditActions(prefix: "counter.")
            #expect(
                actions == ["counter.screen_enrolled", "counter.pairing_failed", "counter.paired", "counter.confirmed", "counter.confirmed"],
                "\(actions)")
            try await api.auditVerifies(chain: "BR001")

            // The screen goes away (a reload, a language switch): the teller's work stays, and the same enrolled
            // screen coming back is put back where the customer was — the current view, already confirmed.
            screen.close()
            try await waitUntil {
                try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller).json["screen_connected"] as? Bool == false
            }
            let back = ScreenClient(port: port, device: screen.device)
            defer { back.close() }
            let resumed = try await back.next("paired")
            #expect(resumed["session"] as? Int == session && resumed["resumed"] as? Bool == true)
            #expect(try await back.view(version: 3)["digest"] as? String == digest3)
            #expect(try await back.next("state")["state"] as? String == "confirmed")
            #expect(back.messages.allSatisfy { $0["type"] as? String != "pairing" }, "a resumed screen shows no pairing code")
            try await waitUntil {
                try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller).json["screen_connected"] as? Bool == true
            }
            // Another screen (a different key) is not resumed into it.
            let stranger = try await ScreenClient.enrolled(api, port: port, terminal: "T02")
            defer { stranger.close() }
            _ = try await stranger.next("pairing")
        }
    }

    /// Issue #15: an invalid teller value (a fee of "5x") used to vanish from the customer's view and be booked
    /// blank. Until every required field is there and every value valid, the view says so and cannot be confirmed.
    @Test func anIncompleteDraftCannotBeConfirmed() async throws {
        try await Self.run { api, _, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T04")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T04")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            var values = Self.complete(amount: "800")
            values["fee"] = "5x"
            let bad = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            #expect((bad.json["problems"] as? [Any])?.isEmpty == false)
            let shown = try await screen.view(version: 1)
            #expect(shown["complete"] as? Bool == false)
            screen.answer("confirm", version: 1, digest: try #require(shown["digest"] as? String))
            #expect(try await screen.next("error")["code"] as? String == "counter.incomplete")
            values["fee"] = "5"
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            let fixed = try await screen.view(version: 2)
            #expect(fixed["complete"] as? Bool == true)
            screen.answer("confirm", version: 2, digest: try #require(fixed["digest"] as? String))
            _ = try await screen.next("recorded")
            // Made invalid again after the confirmation: back to editing, not confirmable.
            values["fee"] = "5x"
            let again = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(values))
            #expect(again.json["state"] as? String == "editing" && again.json["version"] as? Int == 3)
            #expect(try await screen.view(version: 3)["complete"] as? Bool == false)
        }
    }

    /// Issue #15: the customer leaves before booking. A console opened afresh finds the teller's open session; the
    /// teller cancels it; the screen is cleared and shows a new code for the next customer; it is recorded.
    @Test func theTellerCancelsAnUnbookedSessionAndTheScreenIsFreed() async throws {
        try await Self.run { api, db, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T06")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T06")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(Self.complete(amount: "800")))
            _ = try await screen.view(version: 1)
            // A new console (signed in again, same terminal) finds the session; another terminal does not.
            let again = try await api.login("teller1", terminal: "T06")
            let open = try #require(
                try JSONSerialization.jsonObject(with: try await api.call(.get, "/api/v1/counter/sessions", token: again).body) as? [[String: Any]])
            #expect(open.map { $0["session"] as? Int } == [session])
            let elsewhere = try await api.login("teller1", terminal: "T03")
            #expect(
                (try JSONSerialization.jsonObject(with: try await api.call(.get, "/api/v1/counter/sessions", token: elsewhere).body) as? [Any])?
                    .isEmpty == true)

            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/cancel", token: again).status == .noContent)
            _ = try await screen.next("cancelled")
            let next = try #require(try await screen.next("pairing", after: 1)["code"] as? String)
            #expect(next != code)
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/cancel", token: again).code == "counter.no_session")
            #expect(try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: again).status == .notFound)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM counter_sessions WHERE closed_at IS NOT NULL", in: db) == 1)
            #expect(try await api.auditActions(prefix: "counter.cancelled") == ["counter.cancelled"])
            // The next customer is paired with the new code.
            #expect(try await api.call(.post, "/api/v1/counter/sessions", token: again, body: #"{"code":"\#(next)"}"#).status == .created)
        }
    }

    static func strokes(_ points: [(Double, Double)]) -> String {
        let list = points.enumerated().map { (i: Int, p: (Double, Double)) -> String in
            #"{"x":\#(p.0),"y":\#(p.1),"t":\#(i * 12),"pressure":0.5}"#
        }
        return "[[" + list.joined(separator: ",") + "]]"
    }

    /// Issue #15: a real handwritten signature is long. The screen's WebSocket once closed with 1009 on any frame
    /// over 16 KB (~175 points); a signature of 2,000 points (about 110 KB as the screen sends it) is recorded.
    @Test func aLongHandwrittenSignatureIsRecorded() async throws {
        try await Self.run { api, db, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T05")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T05")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            _ = try await api.call(
                .put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(CounterSessionTests.complete(amount: "800")))
            let digest = try #require(try await screen.view(version: 1)["digest"] as? String)
            screen.answer("confirm", version: 1, digest: digest)
            _ = try await screen.next("recorded")
            // Ten strokes of 200 points each, a wave across the pad: times rise within each stroke.
            let strokes = (0..<10).map { stroke in
                (0..<200).map { i -> String in
                    let x = 0.05 + Double(i) * 0.0045
                    let y = 0.5 + 0.3 * sin(Double(i + stroke * 7) / 9)
                    return #"{"x":\#(String(format: "%.5f", x)),"y":\#(String(format: "%.5f", y)),"t":\#(stroke * 3000 + i * 8),"pressure":0.537}"#
                }.joined(separator: ",")
            }
            let drawn = "[[\(strokes.joined(separator: "],["))]]"
            #expect(drawn.utf8.count > 100_000)
            screen.sign(version: 1, digest: digest, strokes: drawn)
            #expect(try await screen.next("signed")["version"] as? Int == 1)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM counter_signatures WHERE points = 2000", in: db) == 1)
        }
    }

    @Test func theCustomerSignsOnlyWhatTheyConfirmedAndOnlyWithEnoughInk() async throws {
        try await Self.run { api, db, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T07")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T07")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            _ = try await api.call(
                .put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: Self.draft(CounterSessionTests.complete(amount: "800")))
            let view = try await screen.view(version: 1)
            let digest = try #require(view["digest"] as? String)
            let zigzag = Self.strokes(
                (0..<40).map { (i: Int) -> (Double, Double) in
                    let y: Double = i % 2 == 0 ? 0.3 : 0.7
                    return (0.1 + Double(i) * 0.02, y)
                })
            func sign(_ strokes: String) { screen.sign(version: 1, digest: digest, strokes: strokes) }

            sign(zigzag)  // not confirmed yet
            #expect(try await screen.next("error")["code"] as? String == "counter.not_confirmed")
            screen.answer("confirm", version: 1, digest: digest)
            _ = try await screen.next("recorded")
            sign("[]")
            #expect(try await screen.next("error", after: 1)["code"] as? String == "counter.too_little_ink")
            sign(Self.strokes([(0.5, 0.5)]))
            #expect(try await screen.next("error", after: 2)["code"] as? String == "counter.too_little_ink")
            sign(Self.strokes([(0.5, 0.5), (1.7, 0.5)]))
            #expect(try await screen.next("error", after: 3)["code"] as? String == "counter.bad_strokes")
            sign(zigzag)
            #expect(try await screen.next("signed")["version"] as? Int == 1)
            #expect(try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller).json["state"] as? String == "signed")
            sign(zigzag)  // once only
            #expect(try await screen.next("error", after: 4)["code"] as? String == "counter.not_confirmed")

            let rows = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query("SELECT points, encode(view_digest, 'hex'), strokes_ciphertext FROM counter_signatures").collect().map {
                        try $0.decode((Int, String, ByteBuffer).self)
                    }
                }
            }
            #expect(rows.count == 1 && rows.first?.0 == 40 && rows.first?.1 == digest)
            #expect(!Array(rows.first!.2.readableBytesView).contains(subsequence: Array("0.10000 0.30000".utf8)))
            #expect(
                try await api.auditActions(prefix: "counter.") == [
                    "counter.screen_enrolled", "counter.paired", "counter.confirmed", "counter.signature_captured",
                ])
        }
    }
}
