import Foundation
import Hummingbird
import HummingbirdTesting
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

    struct View: Decodable {
        let id: String
        let state: String
        let pdf_sha256: String
        let seal: String?
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, token: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test func renderSignSealAndDownloadAValidVoucherWithEveryStepAudited() async throws {
        try await WebHarness.withService(vouchers: true, bodyLimit: 1 << 20) { client, db in
            let token = try await WebHarness.login(client, user: "teller1")
            let (created, createdBody) = try await Self.post(
                client, "/api/v1/vouchers", token: token, #"{"form":"cash-withdrawal","values":\#(Self.values)}"#)
            #expect(created == .created, "\(createdBody)")
            let voucher = try JSONDecoder().decode(View.self, from: Data(createdBody.utf8))
            #expect(voucher.state == "rendered")

            let (signed, signedBody) = try await Self.post(
                client, "/api/v1/vouchers/\(voucher.id)/customer-signature", token: token, Self.strokesJSON)
            #expect(signed == .ok, "\(signedBody)")
            let (sealed, sealedBody) = try await Self.post(client, "/api/v1/vouchers/\(voucher.id)/seal", token: token, #"{"seal":"BR001-BUSINESS"}"#)
            #expect(sealed == .ok, "\(sealedBody)")
            #expect(try JSONDecoder().decode(View.self, from: Data(sealedBody.utf8)).state == "sealed")

            let pdf = try await client.execute(uri: "/api/v1/vouchers/\(voucher.id)/pdf", method: .get, headers: [.authorization: "Bearer \(token)"])
            {
                response in
                #expect(response.headers[.contentType] == "application/pdf")
                return Array(response.body.readableBytesView)
            }
            let root = try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8)
            let reports = try PAdESVerifier.verify(pdf, trustedRootsPEM: root)
            #expect(reports.map(\.field) == ["CustomerSignature", "BankSeal"])
            #expect(reports.allSatisfy { $0.isValid })

            for action in ["voucher.rendered", "voucher.customer_signed", "seal.used"] {
                let sql =
                    "SELECT count(*)::int FROM audit_events WHERE action = '\(action)' AND subject = 'voucher:\(voucher.id)' AND chain_id = 'BR001'"
                #expect(try await WebHarness.count(sql, in: db) == 1, "\(action)")
            }
            // Personal data and strokes are not readable in the database.
            #expect(
                try await WebHarness.count(
                    "SELECT count(*)::int FROM vouchers WHERE position(convert_to('张三', 'UTF8') IN data_ciphertext) > 0", in: db) == 0)
            #expect(
                try await WebHarness.count(
                    "SELECT count(*)::int FROM vouchers WHERE position(convert_to('pressure', 'UTF8') IN strokes_ciphertext) > 0", in: db) == 0)
            #expect(
                try await WebHarness.count(
                    "SELECT count(*)::int FROM vouchers WHERE strokes_ciphertext IS NOT NULL AND data_ciphertext IS NOT NULL", in: db) == 1)
        }
    }

    @Test func outOfOrderWrongBranchAndBadInputAreRefusedAndChangeNothing() async throws {
        try await WebHarness.withService(vouchers: true, bodyLimit: 1 << 20) { client, db in
            let token = try await WebHarness.login(client, user: "teller1")
            let (_, body) = try await Self.post(client, "/api/v1/vouchers", token: token, #"{"form":"cash-withdrawal","values":\#(Self.values)}"#)
            let voucher = try JSONDecoder().decode(View.self, from: Data(body.utf8))
            let before = try await WebHarness.count("SELECT count(*)::int FROM audit_events", in: db)

            // Sealing before the customer signed.
            let (early, earlyBody) = try await Self.post(client, "/api/v1/vouchers/\(voucher.id)/seal", token: token, #"{"seal":"BR001-BUSINESS"}"#)
            #expect(early == .conflict, "\(earlyBody)")
            #expect(earlyBody.contains("voucher.wrong_state"))
            // Too few points.
            let (empty, emptyBody) = try await Self.post(
                client, "/api/v1/vouchers/\(voucher.id)/customer-signature", token: token, #"{"strokes":[[{"x":1,"y":1,"t":0,"pressure":0.5}]]}"#)
            #expect(empty == .badRequest, "\(emptyBody)")
            // Unknown form, missing required field.
            let (unknown, _) = try await Self.post(client, "/api/v1/vouchers", token: token, #"{"form":"no-such-form","values":{}}"#)
            #expect(unknown == .notFound)
            let (missing, missingBody) = try await Self.post(
                client, "/api/v1/vouchers", token: token, #"{"form":"cash-withdrawal","values":{"account_name":"张三"}}"#)
            #expect(missing == .badRequest, "\(missingBody)")
            // Unknown seal after signing.
            _ = try await Self.post(client, "/api/v1/vouchers/\(voucher.id)/customer-signature", token: token, Self.strokesJSON)
            let (noSeal, noSealBody) = try await Self.post(client, "/api/v1/vouchers/\(voucher.id)/seal", token: token, #"{"seal":"NOPE"}"#)
            #expect(noSeal == .notFound, "\(noSealBody)")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events", in: db) == before + 1, "only the signature was recorded")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state = 'customer_signed'", in: db) == 1)

            // Another branch's teller can neither see nor seal it; an auditor can see it.
            let other = try await WebHarness.login(client, user: "teller2")
            try await client.execute(uri: "/api/v1/vouchers/\(voucher.id)", method: .get, headers: [.authorization: "Bearer \(other)"]) {
                #expect($0.status == .notFound)
            }
            let (foreignSeal, _) = try await Self.post(client, "/api/v1/vouchers/\(voucher.id)/seal", token: other, #"{"seal":"BR001-BUSINESS"}"#)
            #expect(foreignSeal == .notFound)
            let auditor = try await WebHarness.login(client, user: "auditor1")
            try await client.execute(uri: "/api/v1/vouchers/\(voucher.id)", method: .get, headers: [.authorization: "Bearer \(auditor)"]) {
                #expect($0.status == .ok)
            }
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
