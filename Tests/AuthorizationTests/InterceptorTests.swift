import Authorization
import Forms
import Foundation
import Testing

@Suite struct InterceptorTests {
    static let rulesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Rules/authorization-rules.json")
    static let interceptor: Interceptor = {
        do { return Interceptor(rules: try RuleSet.load(rulesURL)) } catch { fatalError("\(error)") }
    }()

    static func facts(_ code: String, _ amount: String, currency: String = "CNY", risk: String = "low", time: String = "10:30") -> TransactionFacts {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        return TransactionFacts(
            code: code, amountMinor: MinorUnits.parse(amount)!, currency: currency, accountType: "personal-debit", customerRisk: risk,
            channel: "counter",
            minuteOfDay: parts[0] * 60 + parts[1])
    }

    @Test(arguments: [
        ("cash-withdrawal", "49999.99", nil as Int?, 0),
        ("cash-withdrawal", "50000.00", 1, 1),
        ("cash-withdrawal", "199999.99", 1, 1),
        ("cash-withdrawal", "200000.00", 2, 1),
        ("cash-withdrawal", "999999.99", 2, 1),
        ("cash-withdrawal", "1000000.00", 3, 2),
        ("transfer", "499999.99", nil, 0),
        ("transfer", "500000.00", 2, 1),
        ("reversal", "10.00", 1, 1),
        ("customer-info-change", "0", 1, 1),
        ("cash-deposit", "5000000.00", nil, 0),
    ])
    func amountBandsDecideTheLevelAtTheirBoundaries(code: String, amount: String, level: Int?, officers: Int) {
        let decision = Self.interceptor.decide(Self.facts(code, amount))
        #expect(decision.required == (level != nil))
        #expect(decision.requirement?.level == level)
        #expect((decision.requirement?.officers ?? 0) == officers)
        #expect(decision.ruleSetVersion == Self.interceptor.rules.version)
        #expect(decision.facts.amountMinor == MinorUnits.parse(amount))
    }

    @Test func dualAuthorizationAboveOneMillionIsCentralOnly() throws {
        let requirement = try #require(Self.interceptor.decide(Self.facts("cash-withdrawal", "1200000.00")).requirement)
        #expect(requirement.modes == [.central])
        #expect(requirement.material == ["id_scan", "teller_screen", "voucher_image"])
    }

    /// Issue #14: every amount band was CNY-only, so foreign-currency amounts needed no authorization at all.
    @Test(arguments: [
        ("cash-withdrawal", "80000.00", "USD", 2, 1),
        ("cash-withdrawal", "6999.99", "USD", nil as Int?, 0),
        ("cash-withdrawal", "150000.00", "EUR", 3, 2),
        ("outward-remittance", "49999.99", "USD", nil, 0),
        ("outward-remittance", "80000.00", "USD", 2, 1),
        ("outward-remittance", "9999999.00", "USD", 3, 2),
        ("fx-purchase", "60000.00", "GBP", 2, 1),
        ("fx-settlement", "50000.00", "USD", 2, 1),
        ("fx-cash", "80000.00", "HKD", 1, 1),
        ("inward-remittance", "50000.00", "USD", 1, 1),
    ])
    func foreignCurrencyAmountsMeetTheirOwnBands(code: String, amount: String, currency: String, level: Int?, officers: Int) {
        let decision = Self.interceptor.decide(Self.facts(code, amount, currency: currency))
        #expect(decision.requirement?.level == level)
        #expect((decision.requirement?.officers ?? 0) == officers)
    }

    /// The five foreign-exchange forms each have a rule.
    @Test func everyForeignExchangeFormHasARule() {
        let covered = Set(Self.interceptor.rules.rules.flatMap { $0.match.codes ?? [] })
        for code in ["fx-purchase", "fx-settlement", "outward-remittance", "fx-cash", "inward-remittance"] {
            #expect(covered.contains(code), "\(code)")
        }
    }

    @Test func afterHoursCombinesWithTheAmountBandStrictly() throws {
        let decision = Self.interceptor.decide(Self.facts("cash-withdrawal", "60000.00", time: "18:15"))
        #expect(decision.matchedRules == ["cash-withdrawal-band-1", "outside-business-hours"])
        let requirement = try #require(decision.requirement)
        #expect(requirement.level == 1)
        // Local authorization is not allowed after hours; the shortest timeouts win.
        #expect(requirement.modes == [.crossTerminal, .crossBranch, .central])
        #expect(requirement.timeouts.unclaimedSeconds == 30)
        #expect(requirement.timeouts.tellerWaitSeconds == 240)
        #expect(!Self.interceptor.decide(Self.facts("cash-deposit", "100.00", time: "16:59")).required)
        #expect(Self.interceptor.decide(Self.facts("cash-deposit", "100.00", time: "17:00")).required)
        #expect(Self.interceptor.decide(Self.facts("cash-deposit", "100.00", time: "08:59")).required)
    }

    @Test func aHighRiskCustomerRaisesTheLevel() throws {
        let requirement = try #require(Self.interceptor.decide(Self.facts("cash-withdrawal", "60000.00", risk: "high")).requirement)
        #expect(requirement.level == 2)
        #expect(requirement.modes == [.crossBranch, .central])
    }
}

@Suite struct RuleSetValidationTests {
    static func rules(_ rule: String) -> Data {
        Data(
            #"{"version":"t1","utc_offset":"+08:00","business_hours":{"from":"09:00","to":"17:00"},"vocabulary":{"transaction_codes":["cash-withdrawal"],"currencies":["CNY"],"account_types":["personal-debit"],"customer_risks":["low"],"channels":["counter"]},"rules":[\#(rule)]}"#
                .utf8)
    }

    static let requirement =
        #""require":{"level":1,"officers":1,"modes":["central"],"material":[],"timeouts":{"unclaimed_seconds":10,"lease_seconds":10,"teller_wait_seconds":60}}"#

    @Test(arguments: [
        (#"{"id":"a","description":"","match":{"amount":{"min":"5"}},\#(requirement)}"#, "needs currencies"),
        (#"{"id":"a","description":"","match":{"currencies":["CNY"],"amount":{"min":"5","below":"5"}},\#(requirement)}"#, "must be below"),
        (#"{"id":"a","description":"","match":{"currencies":["CNY"],"amount":{"min":"5.123"}},\#(requirement)}"#, "is not an amount"),
        (
            #"{"id":"a","description":"","match":{},"require":{"level":1,"officers":2,"modes":["local"],"material":[],"timeouts":{"unclaimed_seconds":10,"lease_seconds":10,"teller_wait_seconds":60}}}"#,
            "cannot be local"
        ),
        (
            #"{"id":"a","description":"","match":{},"require":{"level":9,"officers":1,"modes":["central"],"material":[],"timeouts":{"unclaimed_seconds":10,"lease_seconds":10,"teller_wait_seconds":60}}}"#,
            "level must be"
        ),
        (
            #"{"id":"a","description":"","match":{},"require":{"level":1,"officers":1,"modes":["telepathy"],"material":[],"timeouts":{"unclaimed_seconds":10,"lease_seconds":10,"teller_wait_seconds":60}}}"#,
            "unknown mode"
        ),
        (#"{"id":"a","description":"","match":{},\#(requirement)},{"id":"a","description":"","match":{},\#(requirement)}"#, "appears twice"),
        (#"{"id":"Bad Id","description":"","match":{},\#(requirement)}"#, "lower-case"),
        (#"{"id":"a","description":"","match":{"codes":["cash-withdrawl"]},\#(requirement)}"#, "'cash-withdrawl', which is not in the vocabulary"),
        (#"{"id":"a","description":"","match":{"amounts":{"USD":{"min":"5"}}},\#(requirement)}"#, "amounts names 'USD'"),
        (#"{"id":"a","description":"","match":{"amounts":{"CNY":{}}},\#(requirement)}"#, "needs min or below"),
        (#"{"id":"a","description":"","match":{"currencies":null},\#(requirement)}"#, "null is not a value"),
        (#"{"id":"a","description":"","match":{"amounts":{"CNY":{"min":"9","below":"2"}}},\#(requirement)}"#, "must be below"),
        (
            #"{"id":"a","description":"","match":{"currencies":["CNY"],"amount":{"min":"5"},"amounts":{"CNY":{"min":"5"}}},\#(requirement)}"#,
            "not both"
        ),
    ])
    func badRuleFilesAreRefusedNamingTheRule(rule: String, message: String) {
        let error = #expect(throws: RuleSetError.self) { try RuleSet.parse(Self.rules(rule)) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
