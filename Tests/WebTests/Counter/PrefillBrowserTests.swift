import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The customer's pre-fill page in a real headless Chromium at phone size (Tests/Browser/prefill.py): live
/// problems, capital numerals, the code and its QR code, the English page and a poster. Then a teller picks the
/// code up over the API and gets exactly the normalized values. Screenshots: test-artifacts/prefill/.
@Suite struct PrefillBrowserTests {
    struct Outcome: Decodable { let code: String }

    @Test func aCustomerPrefillsOnAPhoneAndTheTellerGetsTheValues() async throws {
        _ = try await BrowserCheck.run(
            "prefill.py", arguments: ["--artifacts", Repository.artifacts("prefill")]
        ) { _ in
        } whileServing: { service, run in
            let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))
            let token = try await Self.call(
                service, "/api/v1/sessions", body: #"{"user":"teller1","password":"\#(WebHarness.password)","terminal":"T01"}"#)["token"]
            // Before the pick-up the values are in the database, but not readably.
            let boxes = try await run.db.with(run.db.owner) { database in
                try await database.read { tx in
                    try await tx.query("SELECT ciphertext FROM prefills WHERE state = 'waiting'").collect().map {
                        Array(try $0.decode(ByteBuffer.self).readableBytesView)
                    }
                }
            }
            #expect(boxes.count == 1)
            #expect(!(boxes.first ?? []).contains(subsequence: Array("11010519491231002X".utf8)))
            let picked = try await Self.call(service, "/api/v1/prefills/pickup", token: token as? String, body: #"{"code":"\#(outcome.code)"}"#)
            #expect(picked["form"] as? String == "cash-withdrawal")
            #expect(
                picked["values"] as? [String: String] == [
                    "account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "mobile": "13800138000",
                    "amount": "50000.00", "purpose": "living",
                ])
        }
    }

    static func call(_ service: ServiceProcess, _ path: String, token: String? = nil, body: String) async throws -> [String: any Sendable] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(service.port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: any Sendable]) ?? [:]
    }
}
