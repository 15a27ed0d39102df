import Forms
import Foundation
import Testing

/// Every field type, as the customer types it: what is accepted and how it is stored, and what is refused with
/// which code. The day of the check is fixed so date rules are repeatable.
@Suite struct FieldCheckTests {
    static let today = CivilDate(year: 2026, month: 11, day: 23)!

    static func field(_ type: FormField.FieldType, maxLength: Int? = nil, options: [String]? = nil, notBefore: Bool = false, notAfter: Bool = false)
        -> FormField
    {
        var json = #"{"id":"f","type":"\#(type.rawValue)","label":{"zh":"字段","en":"Field"},"required":true,"filled_by":"customer""#
        if let maxLength { json += #","max_length":\#(maxLength)"# }
        if let options {
            json += #","options":[\#(options.map { #"{"value":"\#($0)","label":{"zh":"\#($0)","en":"\#($0)"}}"# }.joined(separator: ","))]"#
        }
        if notBefore { json += #","not_before":"today""# }
        if notAfter { json += #","not_after":"today""# }
        return try! JSONDecoder().decode(FormField.self, from: Data((json + "}").utf8))
    }

    static func outcome(_ field: FormField, _ raw: String, currency: String? = nil) -> String {
        switch field.check(raw, currency: currency, today: today) {
        case .success(let value): "ok:\(value)"
        case .failure(let problem): problem.code
        }
    }

    @Test(arguments: [
        ("0.05", "CNY", "ok:0.05"), ("10", "CNY", "ok:10.00"), ("1,000,000.01", "CNY", "ok:1000000.01"), ("100,010", "CNY", "ok:100010.00"),
        ("007.5", "USD", "ok:7.50"), ("12.345", "CNY", "field.amount_decimals"), ("0", "CNY", "field.amount_not_positive"),
        ("0.00", "CNY", "field.amount_not_positive"), ("-5", "CNY", "field.bad_amount"), ("1,0000", "CNY", "field.bad_amount"),
        ("1.", "CNY", "field.bad_amount"), (".5", "CNY", "field.bad_amount"), ("1e3", "CNY", "field.bad_amount"), ("１００", "CNY", "field.bad_amount"),
        ("1000000000000", "CNY", "field.amount_too_large"), ("999999999999.99", "CNY", "ok:999999999999.99"), ("5", "XYZ", "field.no_currency"),
    ])
    func amounts(raw: String, currency: String, expected: String) {
        #expect(Self.outcome(Self.field(.amount), raw, currency: currency) == expected)
    }

    @Test func aWaivedFeeMayBeZeroWhereTheFormSaysSo() throws {
        let fee = try JSONDecoder().decode(
            FormField.self,
            from: Data(
                #"{"id":"fee","type":"amount","label":{"zh":"手续费","en":"Fee"},"required":false,"filled_by":"teller","currency":"CNY","zero_allowed":true}"#
                    .utf8))
        #expect(Self.outcome(fee, "0", currency: "CNY") == "ok:0.00")
        #expect(Self.outcome(fee, "-1", currency: "CNY") == "field.bad_amount")
    }

    @Test(arguments: [
        // The GB 11643 sample number, lower-case x accepted and stored upper-case.
        ("11010519491231002X", "ok:11010519491231002X"), ("11010519491231002x", "ok:11010519491231002X"),
        ("440524198001010013", "ok:440524198001010013"), ("11010519491231002Y", "field.bad_resident_id"),
        ("110105194912310021", "field.resident_id_checksum"), ("11010519490230002X", "field.resident_id_birth_date"),
        ("110105203001010011", "field.resident_id_birth_date"), ("1101051949123100", "field.bad_resident_id"),
        ("110105491231002", "field.bad_resident_id"), ("440524188001010014", "field.resident_id_birth_date"),
        ("01010519491231002X", "field.bad_resident_id"),
    ])
    func residentIDs(raw: String, expected: String) {
        #expect(Self.outcome(Self.field(.residentID), raw) == expected)
    }

    @Test func theCheckCharacterFollowsISO7064() {
        #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
        #expect(ResidentID.checkCharacter(for: "44052419800101001") == "3")
        #expect(ResidentID.checkCharacter(for: "4405241880010100") == nil)
    }

    @Test(arguments: [
        ("13800138000", "ok:13800138000"), ("138 0013 8000", "ok:13800138000"), ("+86 138-0013-8000", "ok:13800138000"),
        ("008613800138000", "ok:13800138000"), ("12800138000", "field.bad_mobile"), ("1380013800", "field.bad_mobile"),
        ("23800138000", "field.bad_mobile"), ("1380013800a", "field.bad_mobile"),
    ])
    func mobiles(raw: String, expected: String) {
        #expect(Self.outcome(Self.field(.mobile), raw) == expected)
    }

    @Test(arguments: [
        ("6222 0202 0011 2233 445", "ok:6222020200112233445"), ("1234567890", "ok:1234567890"), ("123456789", "field.bad_account"),
        ("62220202001122334451234567", "field.bad_account"), ("6222O20200112233445", "field.bad_account"),
    ])
    func accounts(raw: String, expected: String) {
        #expect(Self.outcome(Self.field(.account), raw) == expected)
    }

    @Test(arguments: [
        ("2026-11-23", false, false, "ok:2026-11-23"), ("2024-02-29", false, false, "ok:2024-02-29"), ("2023-02-29", false, false, "field.bad_date"),
        ("2026-13-01", false, false, "field.bad_date"), ("2026-1-5", false, false, "field.bad_date"), ("23/11/2026", false, false, "field.bad_date"),
        ("2026-11-22", true, false, "field.date_too_early"), ("2026-11-23", true, false, "ok:2026-11-23"),
        ("2026-11-24", false, true, "field.date_too_late"),
    ])
    func dates(raw: String, notBefore: Bool, notAfter: Bool, expected: String) {
        #expect(Self.outcome(Self.field(.date, notBefore: notBefore, notAfter: notAfter), raw) == expected)
    }

    @Test func textsEnumerationsAndCurrencies() {
        let text = Self.field(.text, maxLength: 4)
        #expect(Self.outcome(text, "张三丰") == "ok:张三丰")
        #expect(Self.outcome(text, "张三丰丰丰") == "field.too_long")
        #expect(Self.outcome(text, "a\u{0007}b") == "field.bad_text")
        #expect(Self.outcome(text, "a\u{202E}b") == "field.bad_text")  // right-to-left override: text that lies about its order
        let choice = Self.field(.enumeration, options: ["living", "business"])
        #expect(Self.outcome(choice, "living") == "ok:living")
        #expect(Self.outcome(choice, "Living") == "field.bad_option")
        let currency = Self.field(.currency, options: ["USD", "EUR"])
        #expect(Self.outcome(currency, "usd") == "ok:USD")
        #expect(Self.outcome(currency, "CNY") == "field.bad_currency")
        #expect(Self.outcome(Self.field(.currency), "JPY") == "field.bad_currency")
    }

    @Test(arguments: [
        ("swift", "BOFAUS3N", "ok:BOFAUS3N"), ("swift", "rbos gb2l xxx", "ok:RBOSGB2LXXX"), ("swift", "BOFAUS3", "field.bad_swift_bic"),
        ("swift", "1OFAUS3N", "field.bad_swift_bic"), ("account", "GB82 WEST 1234 5698 7654 32", "ok:GB82WEST12345698765432"),
        ("account", "GB83WEST12345698765432", "field.bad_iban"), ("account", "DE89370400440532013000", "ok:DE89370400440532013000"),
        ("account", "123456789012", "ok:123456789012"), ("account", "12#4", "field.bad_foreign_account"),
    ])
    func foreignBanking(kind: String, raw: String, expected: String) {
        #expect(Self.outcome(Self.field(kind == "swift" ? .swiftBIC : .foreignAccount), raw) == expected)
    }

    @Test func masksKeepWhatTheCustomerRecognises() {
        #expect(FormField.Mask.name.apply("张三") == "张*")
        #expect(FormField.Mask.name.apply("欧阳娜娜") == "欧**娜")
        #expect(FormField.Mask.account.apply("6222020200112233445") == "***************3445")
        #expect(FormField.Mask.id.apply("11010519491231002X") == "110105********002X")
        #expect(FormField.Mask.phone.apply("13800138000") == "138****8000")
        #expect(FormField.Mask.none.apply("50000.00") == "50000.00")
        #expect(FormField.Mask.account.apply("123") == "***")
    }
}
