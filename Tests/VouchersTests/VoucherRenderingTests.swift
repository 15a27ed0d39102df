import Forms
import Foundation
import Testing
import Vouchers

/// Rendering checked by third-party tools: poppler's pdftotext and pdffonts, and qpdf.
@Suite struct VoucherRenderingTests {
    static let formsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Forms")

    static var formIDs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: formsFolder.path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".example.json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func load(_ id: String) throws -> (FormDefinition, VoucherData) {
        let catalogue = try FormCatalogue.load(formsFolder)
        return (try catalogue.form(id), try catalogue.example(id))
    }

    static func tool(_ name: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await Oracles.run(name, arguments)
    }

    static func write(_ pdf: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("voucher-\(UUID().uuidString).pdf").path
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theCatalogueHasTheFormsTheVouchersWorkNeeds() {
        #expect(Set(Self.formIDs).isSuperset(of: ["cash-withdrawal", "transfer"]))
    }

    @Test(arguments: formIDs)
    func everyFormRendersExtractableCJKWithAnEmbeddedSubsetFont(id: String) async throws {
        let (form, data) = try Self.load(id)
        let path = try Self.write(try VoucherRenderer().render(form: form, data: data))

        let text = try await Self.tool("pdftotext", ["-layout", path, "-"]).output
        #expect(text.contains(form.title.zh))
        #expect(text.contains(data.serial))
        for field in form.fields where field.type == .text || field.type == .account {
            if let value = data.values[field.id] { #expect(text.contains(value), "\(field.id) = \(value)") }
        }
        for field in form.fields where field.type == .amount {
            guard let amount = data.values[field.id], let currency = form.currency(of: field, in: data.values) else { continue }
            let words = try ChineseAmount.words(forDecimal: amount, currencyPrefix: Currency.chineseName[currency]!)
            #expect(text.contains(words), "\(field.id): \(words)")
        }

        let fonts = try await Self.tool("pdffonts", [path]).output.split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 1, "one font per document: \(fonts)")
        let font = fonts.first.map(String.init) ?? ""
        #expect(font.contains("CID TrueType") && font.contains("Identity-H"))
        #expect(font.range(of: #"^[A-Z]{6}\+"#, options: .regularExpression) != nil, "subset prefix: \(font)")
        #expect(font.contains("yes yes yes"), "embedded, subset, with a ToUnicode map: \(font)")

        let check = try await Self.tool("qpdf", ["--check", path])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func aMissingRequiredFieldIsRefused() throws {
        let (form, data) = try Self.load("cash-withdrawal")
        var values = data.values
        values["amount"] = nil
        let partial = VoucherData(
            serial: data.serial, bankName: data.bankName, branch: data.branch, teller: data.teller, time: data.time, values: values)
        let error = #expect(throws: VoucherError.self) { try VoucherRenderer().render(form: form, data: partial) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("amount") == true)
    }

    @Test(arguments: [("amount", "12.345"), ("amount", "-1"), ("unknown_field", "x")])
    func badValuesAreRefused(field: String, value: String) throws {
        let (form, data) = try Self.load("cash-withdrawal")
        var values = data.values
        values[field] = value
        let bad = VoucherData(serial: data.serial, bankName: data.bankName, branch: data.branch, teller: data.teller, time: data.time, values: values)
        let error = #expect(throws: VoucherError.self) { try VoucherRenderer().render(form: form, data: bad) }
        #expect(error?.code == .badInput)
    }

    @Test func aMissingFontIsAClearError() throws {
        let (form, data) = try Self.load("cash-withdrawal")
        let error = #expect(throws: VoucherError.self) { try VoucherRenderer(fontPath: "/nonexistent/font.ttf").render(form: form, data: data) }
        #expect(error?.code == .renderingFailed)
    }

    @Test func thirtyTwoParallelRendersAllSucceed() async throws {
        let (form, data) = try Self.load("transfer")
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 { group.addTask { try VoucherRenderer().render(form: form, data: data).count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(sizes.count == 32)
        #expect(sizes.allSatisfy { $0 > 10_000 })
    }
}
