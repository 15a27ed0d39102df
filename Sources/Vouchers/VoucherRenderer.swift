public import Forms
import Foundation

/// Draws a voucher from a form's layout and the transaction's data: bank header, title, serial, one boxed cell
/// per field, amounts in figures and in Chinese capital numerals, branch, teller and time.
public struct VoucherRenderer: Sendable {
    /// "AR PL SungtiL GB" from Debian's fonts-arphic-gbsn00lp: a single-face glyf TrueType Song face, as on
    /// paper vouchers, that PoDoFo can subset (TTC collections and CFF fonts cannot be).
    public static let defaultFontPath = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

    public let fontPath: String

    public init(fontPath: String = VoucherRenderer.defaultFontPath) { self.fontPath = fontPath }

    private let margin = 36.0
    private let rowHeight = 40.0

    public func render(form: FormDefinition, data: VoucherData) throws(VoucherError) -> [UInt8] {
        try checkRequired(form: form, data: data)
        let (width, height) = form.voucher.page.size
        let canvas = try PDFCanvas(width: width, height: height, fontPath: fontPath)
        // Drawn first, so every field stays readable over it.
        if data.specimen == true { try drawSpecimenMark(canvas, width: width, height: height) }
        try drawHeader(canvas, form: form, data: data, width: width, height: height)
        let gridTop = height - 90
        let rows = (form.voucher.cells.map(\.row).max() ?? 0) + 1
        for cell in form.voucher.cells {
            guard let field = form.field(cell.field) else { continue }
            try drawCell(
                canvas, field: field, cell: cell, value: data.values[field.id], currency: form.currency(of: field, in: data.values), top: gridTop,
                width: width)
        }
        let footerY = gridTop - Double(rows) * rowHeight - 18
        try canvas.color(0.2, 0.2, 0.2)
        try canvas.text(
            "网点 Branch: \(data.branch.zh) \(data.branch.en)    柜员 Teller: \(data.teller)    时间 Time: \(data.time)", x: margin, y: footerY, size: 8)
        for (index, line) in (data.evidence ?? []).enumerated() {
            try canvas.text(line, x: margin, y: footerY - 11 * Double(index + 1), size: 7.5)
        }
        if let evidence = data.evidenceJSON {
            try canvas.attach(
                name: VoucherData.evidenceFileName, bytes: Array(evidence.utf8), mime: "application/json",
                description: "凭证证据链 Voucher evidence: confirmation, signature, authorization, commit, audit")
        }
        let prefix = data.specimen == true ? "样张 SPECIMEN " : ""
        return try canvas.write(title: "\(prefix)\(form.title.zh) \(form.title.en) \(data.serial)")
    }

    /// A preview says so across the page, in light grey: 样张 SPECIMEN, not a voucher.
    private func drawSpecimenMark(_ canvas: PDFCanvas, width: Double, height: Double) throws(VoucherError) {
        try canvas.color(0.82, 0.82, 0.82)
        let mark = "样张 SPECIMEN · 不是凭证 NOT A VOUCHER"
        let size = 22.0
        let markWidth = try canvas.width(of: mark, size: size)
        var y = height * 0.7
        while y > 20 {
            try canvas.text(mark, x: (width - markWidth) / 2, y: y, size: size)
            y -= height * 0.25
        }
        try canvas.color(0, 0, 0)
    }

    private func checkRequired(form: FormDefinition, data: VoucherData) throws(VoucherError) {
        for field in form.fields where field.required {
            guard let value = data.values[field.id], !value.isEmpty else {
                throw VoucherError(.badInput, "field '\(field.id)' (\(field.label.zh) \(field.label.en)) is required")
            }
        }
        for key in data.values.keys where form.field(key) == nil {
            throw VoucherError(.badInput, "field '\(key)' is not part of form \(form.id)")
        }
    }

    private func drawHeader(_ canvas: PDFCanvas, form: FormDefinition, data: VoucherData, width: Double, height: Double) throws(VoucherError) {
        try canvas.color(0.55, 0.11, 0.07)
        try canvas.text("\(data.bankName.zh)  \(data.bankName.en)", x: margin, y: height - 40, size: 12)
        try canvas.color(0, 0, 0)
        let title = form.title.zh
        try canvas.text(title, x: (width - (try canvas.width(of: title, size: 17))) / 2, y: height - 62, size: 17)
        let english = form.title.en
        try canvas.text(english, x: (width - (try canvas.width(of: english, size: 9))) / 2, y: height - 76, size: 9)
        let serial = "凭证号 No. \(data.serial)"
        try canvas.text(serial, x: width - margin - (try canvas.width(of: serial, size: 9)), y: height - 40, size: 9)
        try canvas.line(from: (margin, height - 82), to: (width - margin, height - 82), width: 1.2)
    }

    private func drawCell(
        _ canvas: PDFCanvas, field: FormField, cell: VoucherLayout.Cell, value: String?, currency: String?, top: Double, width: Double
    ) throws(VoucherError) {
        let columnWidth = (width - 2 * margin) / 2
        let x = margin + Double(cell.column) * columnWidth
        let cellWidth = columnWidth * Double(cell.span ?? 1)
        let cellTop = top - Double(cell.row) * rowHeight
        try canvas.color(0.55, 0.11, 0.07)
        try canvas.rect(x: x, y: cellTop - rowHeight, width: cellWidth, height: rowHeight, lineWidth: 0.6)
        try canvas.text("\(field.label.zh) \(field.label.en)", x: x + 5, y: cellTop - 11, size: 7.5)
        try canvas.color(0, 0, 0)
        guard let value, !value.isEmpty else { return }
        switch field.type {
        case .amount:
            let currency = currency ?? "CNY"
            let prefix = Currency.chineseName[currency] ?? "\(currency) "
            let words: String
            do { words = try ChineseAmount.words(forDecimal: value, currencyPrefix: prefix) } catch {
                throw VoucherError(.badInput, "field '\(field.id)': \(error.reason)")
            }
            if (cell.span ?? 1) > 1 {
                try canvas.text(try Self.figures(value, currency: currency), x: x + 5, y: cellTop - 31, size: 13)
                try canvas.text("大写 \(words)", x: x + cellWidth / 2 - 40, y: cellTop - 30, size: 11)
            } else {
                try canvas.text(try Self.figures(value, currency: currency), x: x + 5, y: cellTop - 25, size: 11)
                try canvas.text("大写 \(words)", x: x + 5, y: cellTop - 36, size: 8)
            }
        case .enumeration, .currency:
            let option = field.options?.first { $0.value == value }
            let text = option.map { "\($0.label.zh) \($0.label.en)" } ?? value
            try canvas.text(text, x: x + 5, y: cellTop - 30, size: try fittedSize(canvas, text, width: cellWidth - 10))
        default:
            try canvas.text(value, x: x + 5, y: cellTop - 30, size: try fittedSize(canvas, value, width: cellWidth - 10))
        }
    }

    /// 11 pt, or smaller (down to 6 pt) so that a long value stays inside its cell instead of running over the next.
    private func fittedSize(_ canvas: PDFCanvas, _ text: String, width: Double) throws(VoucherError) -> Double {
        let natural = try canvas.width(of: text, size: 11)
        return natural <= width ? 11 : max(6, 11 * width / natural)
    }

    /// "50000.5" → "¥50,000.50"; exact, from the decimal string.
    static func figures(_ amount: String, currency: String) throws(VoucherError) -> String {
        let fen: Int64
        do { fen = try ChineseAmount.fen(fromDecimal: amount) } catch { throw VoucherError(.badInput, error.reason) }
        let yuan = String(fen / 100)
        var grouped = ""
        for (index, digit) in yuan.enumerated() {
            if index > 0, (yuan.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let cents = String(format: "%02lld", fen % 100)
        // The full-width ￥ (U+FFE5): GB fonts such as AR PL SungtiL GB have it, not the Latin-1 ¥.
        let symbol = ["CNY": "￥", "USD": "US$", "EUR": "EUR ", "HKD": "HK$", "JPY": "JPY ", "GBP": "GBP "][currency] ?? "\(currency) "
        return "\(symbol)\(grouped).\(cents)"
    }
}
