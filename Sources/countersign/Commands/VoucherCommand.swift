import ArgumentParser
import Forms
import Foundation
import Vouchers

struct VoucherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucher",
        abstract:
            "Render, sign, seal and verify PDFs offline (development PKI tools; the service makes vouchers only at the counter); renew the archive time-stamps of stored vouchers.",
        subcommands: [Render.self, Sign.self, Seal.self, Verify.self, Renew.self])

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Render a voucher PDF from a form of the catalogue and a data file.")

        @Option(help: "Form id, e.g. cash-withdrawal (a file Forms/<id>.json).") var form: String
        @Option(help: "Voucher data JSON (see Forms/<id>.example.json).") var data: String
        @Option(help: "Output PDF.") var out: String
        @Option(help: "Folder of the form catalogue. Env: COUNTERSIGN_FORMS_DIR. Default: Forms") var formsDir: String?
        @Option(help: "Single-face TrueType font. Env: COUNTERSIGN_VOUCHER_FONT.") var font: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let folder = formsDir ?? environment["COUNTERSIGN_FORMS_DIR"] ?? "Forms"
            let definition = try FormCatalogue.load(URL(fileURLWithPath: folder)).form(form)
            guard let raw = FileManager.default.contents(atPath: data), raw.count <= 256 * 1024 else {
                throw ValidationError("cannot read \(data) (or it is over 256 KiB)")
            }
            let voucherData: VoucherData
            do { voucherData = try JSONDecoder().decode(VoucherData.self, from: raw) } catch {
                throw ValidationError("\(data) is not voucher data: \(error)")
            }
            let renderer = VoucherRenderer(fontPath: font ?? environment["COUNTERSIGN_VOUCHER_FONT"] ?? VoucherRenderer.defaultFontPath)
            let pdf = try renderer.render(form: definition, data: voucherData)
            try Data(pdf).write(to: URL(fileURLWithPath: out), options: .atomic)
            print("voucher written: \(out) (\(pdf.count) bytes)")
        }
    }
}
