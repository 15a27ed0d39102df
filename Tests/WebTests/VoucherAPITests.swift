import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import TestSupport
import Testing
import Vouchers

@Suite struct VoucherAPITests {
    static let values = """
        {"account_name":"张三","account_number":"6222020200112233445","id_number":"11010519491231002X","amount":"50000.00","purpose":"living"}
        """
    static var strokesJSON: String {
        let points = (0..<30).map { #"{"x":\#(10 + $0 * 6),"y":\#(40 + ($0 % 9) * 3),"t":\#($0 * 15),"pressure":0.6}"# }
        return #"{"strokes":[[\#(points.joined(separator: ","))]]}"#
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, token: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    /// Issue #14's minting path — render any values, sign with typed strokes, seal — is refused at its first step:
    /// what the teller gets is a watermarked specimen that is not stored, carries no signature, and has no route
    /// that would sign or seal it. Nothing is written.
    @Test func theVoucherEndpointsMintNothing() async throws {
        try await WebHarness.withService(vouchers: true, bodyLimit: 1 << 20) { client, db in
            let token = try await WebHarness.login(client, user: "teller1")
            let before = try await WebHarness.count("SELECT count(*)::int FROM audit_events", in: db)
            let large = Self.values.replacingOccurrences(of: "50000.00", with: "990000.00")
            let specimen = try await client.execute(
                uri: "/api/v1/vouchers", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"form":"cash-withdrawal","values":\#(large)}"#)
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/pdf")
                return Array(response.body.readableBytesView)
            }
            #expect(try PAdESVerifier.verify(specimen, trustedRootsPEM: "").isEmpty, "a specimen carries no signature")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("specimen-\(UUID().uuidString).pdf")
            try Data(specimen).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let text = try await ChildProcess.run("/usr/bin/env", ["pdftotext", file.path, "-"]).output
            #expect(text.contains("SPECIMEN") && text.contains("样张"), "\(text)")
            for step in ["customer-signature", "seal"] {
                let (status, _) = try await Self.post(client, "/api/v1/vouchers/V2026120300000001/\(step)", token: token, Self.strokesJSON)
                #expect(status == .notFound, "\(step)")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers", in: db) == 0)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events", in: db) == before)
        }
    }

    /// The database holds the one path even against the application role: no voucher without a committed counter
    /// transaction behind it.
    @Test func theApplicationRoleCannotInsertAVoucherOfNothing() async throws {
        try await WebHarness.withService(vouchers: true, bodyLimit: 1 << 20) { _, db in
            try await db.with(db.app) { database in
                let refused = await #expect(throws: StorageError.self) {
                    try await database.read { tx in
                        try await tx.query(
                            """
                            INSERT INTO vouchers (id, form_id, form_version, branch_code, teller_id, state, key_id, data_ciphertext, pdf, pdf_sha256)
                            VALUES ('V2026120300000009', 'cash-withdrawal', 1, 'BR001', 'teller1', 'rendered', 'k', '\\x00', '\\x00',
                                    sha256('\\x00'::bytea))
                            """)
                    }
                }
                #expect(refused?.constraint == "voucher_from_committed_transaction")
            }
        }
    }

    @Test func specimensCheckTheirValuesAndAreForTellers() async throws {
        try await WebHarness.withService(vouchers: true, bodyLimit: 1 << 20) { client, _ in
            let token = try await WebHarness.login(client, user: "teller1")
            let (unknown, _) = try await Self.post(client, "/api/v1/vouchers", token: token, #"{"form":"no-such-form","values":{}}"#)
            #expect(unknown == .notFound)
            let (missing, missingBody) = try await Self.post(
                client, "/api/v1/vouchers", token: token, #"{"form":"cash-withdrawal","values":{"account_name":"张三"}}"#)
            #expect(missing == .badRequest && missingBody.contains("form.invalid"), "\(missingBody)")
            let auditor = try await WebHarness.login(client, user: "auditor1")
            let (auditorCreate, _) = try await Self.post(
                client, "/api/v1/vouchers", token: auditor, #"{"form":"cash-withdrawal","values":\#(Self.values)}"#)
            #expect(auditorCreate == .forbidden, "auditors do not transact")
        }
    }

    @Test func withoutKeysTheVoucherRoutesSayWhy() async throws {
        try await WebHarness.withService { client, _ in
            let token = try await WebHarness.login(client, user: "teller1")
            let (status, body) = try await Self.post(client, "/api/v1/vouchers", token: token, #"{"form":"cash-withdrawal","values":{}}"#)
            #expect(status == .serviceUnavailable)
            #expect(body.contains("voucher.not_configured"))
        }
    }
}
