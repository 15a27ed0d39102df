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
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let (environment, keyFile) = try AuthzHarness.serviceEnvironment()
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let service = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { service.stop() }

        let run = try await ChildProcess.run(
            "/usr/bin/python3",
            [
                Repository.path("Tests/Browser/prefill.py"), "--base", "http://127.0.0.1:\(service.port)", "--artifacts",
                Repository.artifacts("prefill"),
            ],
            timeout: .seconds(120))
        try #require(run.status == 0, "browser check failed:\n\(run.errors)\(run.output)")
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data((run.output.split(separator: "\n").last ?? "").utf8))

        let boxes = try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query("SELECT ciphertext FROM prefills WHERE state = 'waiting'").collect().map {
                    Array(try $0.decode(ByteBuffer.self).readableBytesView)
                }
            }
        }
        #expect(boxes.count == 1)
        #expect(!(boxes.first ?? []).contains(subsequence: Array("11010519491231002X".utf8)))

        let token = try await Self.call(service, "/api/v1/sessions", body: #"{"user":"teller1","password":"\#(WebHarness.password)"}"#)["token"]
        let picked = try await Self.call(service, "/api/v1/prefills/pickup", token: token as? String, body: #"{"code":"\#(outcome.code)"}"#)
        #expect(picked["form"] as? String == "cash-withdrawal")
        #expect(
            picked["values"] as? [String: String] == [
                "account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "mobile": "13800138000",
                "amount": "50000.00", "purpose": "living",
            ])
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
