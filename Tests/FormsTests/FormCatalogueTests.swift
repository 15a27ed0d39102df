import Forms
import Foundation
import Testing

/// The catalogue in `Forms/`: the eleven forms, each example valid, and every kind of broken definition refused
/// at load with the file and field named.
@Suite struct FormCatalogueTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Forms")
    static let today = CivilDate(year: 2026, month: 11, day: 23)!

    @Test func theCatalogueHasTheSixPersonalAndFiveForeignExchangeForms() throws {
        let catalogue = try FormCatalogue.load(Self.folder)
        let personal = catalogue.forms.values.filter { $0.category == "personal" }.map(\.id)
        let fx = catalogue.forms.values.filter { $0.category == "foreign_exchange" }.map(\.id)
        #expect(
            Set(personal) == ["account-opening", "cash-deposit", "cash-withdrawal", "transfer", "loss-report", "customer-info-change"])
        #expect(Set(fx) == ["fx-purchase", "fx-settlement", "outward-remittance", "fx-cash", "inward-remittance"])
    }

    struct Example: Decodable { let values: [String: String] }

    @Test(arguments: try! FormCatalogue.load(folder).forms.keys.sorted())
    func everyExampleIsValidAndAlreadyNormalized(id: String) throws {
        let form = try FormCatalogue.load(Self.folder).form(id)
        let example = try JSONDecoder().decode(Example.self, from: Data(contentsOf: Self.folder.appendingPathComponent("\(id).example.json")))
        let checked = try form.check(example.values, filledBy: [.customer, .teller], today: Self.today)
        #expect(checked == example.values)
        // The customer may not fill the teller's fields.
        let customerOnly = example.values.filter { key, _ in form.field(key)?.filledBy == .customer }
        #expect(try form.check(customerOnly, filledBy: [.customer], today: Self.today) == customerOnly)
        if customerOnly.count < example.values.count {
            let error = #expect(throws: FormProblems.self) { try form.check(example.values, filledBy: [.customer], today: Self.today) }
            #expect(error?.problems.allSatisfy { $0.code == "field.unknown" } == true)
        }
    }

    @Test func aSubmissionReportsEveryProblemAtOnce() throws {
        let form = try FormCatalogue.load(Self.folder).form("fx-purchase")
        let values = ["customer_name": "张三", "id_number": "110105194912310021", "currency": "JPY", "amount": "100", "purpose": "shopping"]
        let error = #expect(throws: FormProblems.self) { try form.check(values, filledBy: [.customer], today: Self.today) }
        let codes = Dictionary(uniqueKeysWithValues: (error?.problems ?? []).map { ($0.field, $0.code) })
        #expect(
            codes == [
                "id_number": "field.resident_id_checksum", "currency": "field.bad_currency", "amount": "field.no_currency",
                "purpose": "field.bad_option", "account_number": "field.required", "destination": "field.required",
            ])
        #expect(error?.problems.allSatisfy { !$0.message.zh.isEmpty && !$0.message.en.isEmpty } == true)
    }

    @Test func anAmountTakesItsCurrencyFromTheCurrencyField() throws {
        let form = try FormCatalogue.load(Self.folder).form("fx-cash")
        var values = [
            "customer_name": "张三", "id_number": "11010519491231002X", "account_number": "6222020200112233446", "direction": "deposit",
            "currency": "usd", "amount": "1,200.5",
        ]
        let checked = try form.check(values, filledBy: [.customer], today: Self.today)
        #expect(checked["currency"] == "USD" && checked["amount"] == "1200.50")
        values["amount"] = "1200.505"
        let error = #expect(throws: FormProblems.self) { try form.check(values, filledBy: [.customer], today: Self.today) }
        #expect(error?.problems.map(\.code) == ["field.amount_decimals"])
    }

    /// White space around a value (a Chinese keyboard's ideographic space included) is not part of it, and a value
    /// of nothing but white space is missing.
    @Test func whiteSpaceAroundValuesIsDropped() throws {
        let form = try FormCatalogue.load(Self.folder).form("cash-withdrawal")
        let values = [
            "account_name": "\u{3000}张三 \n", "account_number": " 6222020200112233445", "id_number": "11010519491231002X\t", "amount": "  50000 ",
        ]
        let checked = try form.check(values, filledBy: [.customer], today: Self.today)
        #expect(checked["account_name"] == "张三" && checked["amount"] == "50000.00" && checked["id_number"] == "11010519491231002X")
        let blank = #expect(throws: FormProblems.self) {
            try form.check(values.merging(["account_name": " \u{3000} "]) { _, new in new }, filledBy: [.customer], today: Self.today)
        }
        #expect(blank?.problems.map(\.code) == ["field.required"])
    }

    /// The interceptor judges a transaction by its principal: the form's transaction amount in its currency, never
    /// the fee; zero for forms that move no money or an optional first deposit left empty.
    @Test func theTransactionIsJudgedByItsPrincipalNotItsFee() throws {
        let catalogue = try FormCatalogue.load(Self.folder)
        let fx = try catalogue.form("fx-cash").principal(in: ["currency": "USD", "amount": "1200.50", "fee": "10.00"])
        #expect(fx?.amount == "1200.50" && fx?.currency == "USD")
        #expect(try catalogue.form("cash-withdrawal").principal(in: ["fee": "5.00"]) == nil)
        let loss = try catalogue.form("loss-report").principal(in: ["replacement_fee": "10.00"])
        #expect(loss?.amount == "0.00" && loss?.currency == "CNY")
        let opening = try catalogue.form("account-opening").principal(in: [:])
        #expect(opening?.amount == "0.00" && opening?.currency == "CNY")
        for id in ["cash-deposit", "cash-withdrawal", "transfer", "fx-purchase", "fx-settlement", "outward-remittance", "inward-remittance"] {
            #expect(try catalogue.form(id).transactionAmount == "amount", "\(id)")
        }
    }

    /// (what is changed in transfer.json, the words the error must contain)
    @Test(arguments: [
        (#""id": "remark", "type": "text""#, #""id": "payer_name", "type": "text""#, "appears twice"),
        (#""type": "enum", "label": { "zh": "汇款方式""#, #""type": "colour", "label": { "zh": "汇款方式""#, "transfer.json"),
        (#""currency": "CNY" },"#, #""currency": "XAU" },"#, "XAU"),
        (#""max_length": 60 },"#, #""max_length": 60, "currency": "CNY" },"#, "currency, currency_field and zero_allowed are for amounts"),
        (#"{ "field": "remark", "row": 4"#, #"{ "field": "nickname", "row": 4"#, "nickname"),
        (#"{ "field": "remark", "row": 4, "column": 0 }"#, #"{ "field": "remark", "row": 4, "column": 1 }"#, "overlaps"),
        (#"{ "field": "remark", "row": 4, "column": 0 }"#, #"{ "field": "remark", "row": 9, "column": 0 }"#, "off the A5-landscape page"),
        (#"{ "field": "payee_bank", "row": 2, "column": 0 },"#, "", "required field 'payee_bank' is not placed"),
        (#""category": "personal""#, #""category": "misc""#, "category"),
        (#""transaction_amount": "amount""#, #""transaction_amount": "remark""#, "transaction_amount 'remark' must name an amount field"),
        (
            #"{ "value": "urgent", "label": { "zh": "加急", "en": "Urgent" } }"#, #"{ "value": "normal", "label": { "zh": "加急", "en": "Urgent" } }"#,
            "repeat"
        ),
    ])
    func brokenDefinitionsAreRefusedWithTheFieldNamed(original: String, replacement: String, expected: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("transfer.json"), encoding: .utf8)
        #expect(text.contains(original), "the test's pattern no longer matches transfer.json")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try text.replacingOccurrences(of: original, with: replacement).write(
            to: folder.appendingPathComponent("transfer.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: FormError.self) { try FormCatalogue.load(folder) }
        #expect(error?.code == .badDefinition)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test func unknownAndMisnamedFormsAreRefused() throws {
        let catalogue = try FormCatalogue.load(Self.folder)
        #expect((#expect(throws: FormError.self) { try catalogue.form("no-such-form") })?.code == .unknownForm)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("transfer.json"), to: folder.appendingPathComponent("wire.json"))
        #expect((#expect(throws: FormError.self) { try FormCatalogue.load(folder) })?.code == .badDefinition)
    }
}
