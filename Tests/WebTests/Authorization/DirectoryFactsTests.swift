import Foundation
import Storage
import Testing

/// Issue #14: account type and customer risk decide who must authorize, so they come from the bank's directory —
/// the same account gives the same facts whatever the teller would say.
@Suite struct DirectoryFactsTests {
    @Test func theDirectoryNotTheTellerDecidesRiskAndAccountType() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            // A teller who states the risk is refused, and told where it comes from.
            let claimed =
                #"{"code":"cash-withdrawal","amount":"3000.00","currency":"CNY","account":"6222020200000000013","customer_risk":"low","channel":"counter","fields":{}}"#
            let told = try await h.call(.post, "/api/v1/transactions", token: teller, body: claimed)
            #expect(told.status == .badRequest && told.code == "txn.facts_from_directory", "\(told.code)")
            // CNY 3,000 from a high-risk customer's account: level 2 by the high-risk rule; from a low-risk one: nothing.
            let high = try await h.call(.post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "3000.00", risk: "high"))
            #expect(high.json["customer_risk"] as? String == "high" && high.json["account_type"] as? String == "personal-debit")
            #expect(high.json["matched_rules"] as? [String] == ["high-risk-customer"])
            #expect((high.json["rule_descriptions"] as? [String])?.first?.hasPrefix("高风险客户") == true, "why, in words")
            #expect((high.json["requirement"] as? [String: Any])?["level"] as? Int == 2)
            let spaced = AuthzHarness.submission(amount: "3000.00", account: "6222 0202 0000 0000 013")
            #expect(try await h.call(.post, "/api/v1/transactions", token: teller, body: spaced).json["customer_risk"] as? String == "high")
            let low = try await h.call(.post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "3000.00", risk: "low"))
            #expect(low.json["authorization_required"] as? Bool == false && low.json["customer_risk"] as? String == "low")
            // An account the bank does not know is a clear error, and nothing is written.
            let before = try await WebHarness.count("SELECT count(*)::int FROM teller_transactions", in: h.db)
            let unknown = try await h.call(
                .post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "3000.00", account: "6222000000000000000"))
            #expect(unknown.status == .unprocessableContent && unknown.code == "txn.unknown_account", "\(unknown.code)")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM teller_transactions", in: h.db) == before)
            // Opening an account: the customer's risk by resident ID, the type of the account being opened.
            let opening =
                #"{"code":"account-opening","amount":"100.00","currency":"CNY","customer":"31010119800101123X","channel":"counter","fields":{"account_type":"personal-savings"}}"#
            let opened = try await h.call(.post, "/api/v1/transactions", token: teller, body: opening)
            #expect(
                opened.json["customer_risk"] as? String == "high" && opened.json["account_type"] as? String == "personal-savings", "\(opened.code)")
            // The directory keeps no account number or resident ID, only keyed digests of them.
            let readable = try await WebHarness.count(
                "SELECT count(*)::int FROM directory_entries WHERE position(convert_to('6222', 'UTF8') IN lookup) > 0", in: h.db)
            #expect(readable == 0)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'directory.loaded'", in: h.db) == 1)
        }
    }
}
