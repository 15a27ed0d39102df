import CXLSX
import Forms
import Foundation

/// A report as one table, the same columns for the CSV and the XLSX download: one row per key, transaction code and
/// currency, with the key's rates and its latency percentiles (seconds) on each of its rows.
public struct ReportTable: Sendable {
    static let columns: [(name: String, numeric: Bool)] = [
        ("period", false), ("start", false), ("last", false), ("by", false), ("key", false), ("branch", false), ("code", false),
        ("currency", false), ("transactions", true), ("committed", true), ("amount", true), ("authorized", true), ("authorization_rate", true),
        ("decisions", true), ("approvals", true), ("returns", true), ("rejects", true), ("return_rate", true), ("reject_rate", true),
        ("timeouts", true), ("decided", true), ("p50_seconds", true), ("p95_seconds", true),
    ]

    public let rows: [[String]]

    public init(_ report: Report) {
        let latency = Dictionary(report.latency.map { ($0.key + "/" + $0.branch, $0) }, uniquingKeysWith: { first, _ in first })
        func rate(_ part: Int, _ whole: Int) -> String { whole == 0 ? "" : String(format: "%.4f", Double(part) / Double(whole)) }
        func seconds(_ ms: Int64?) -> String { ms.map { String(format: "%.0f", Double($0) / 1000) } ?? "" }
        rows = report.rows.map { row in
            let l = latency[row.key + "/" + row.branch]
            return [
                report.period.rawValue, report.start, report.last, report.by.rawValue, row.key, row.branch, row.code, row.currency,
                String(row.transactions), String(row.committed), Self.major(row.amountMinor, currency: row.currency), String(row.authorized),
                rate(row.authorized, row.transactions), String(row.decisions), String(row.approvals), String(row.returns), String(row.rejects),
                rate(row.returns, row.decisions), rate(row.rejects, row.decisions), String(row.timeouts), l.map { String($0.decided) } ?? "0",
                seconds(l?.p50Ms), seconds(l?.p95Ms),
            ]
        }
    }

    /// Minor units as the currency's major units, exactly ("1234567" CNY → "12345.67").
    static func major(_ minor: Int64, currency: String) -> String {
        let decimals = Currency.decimals[currency] ?? 2
        guard decimals > 0 else { return String(minor) }
        let digits = String(minor.magnitude)
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return (minor < 0 ? "-" : "") + padded.dropLast(decimals) + "." + padded.suffix(decimals)
    }

    /// RFC 4180 (CRLF, quotes doubled), UTF-8 with a byte-order mark so that spreadsheet programs read Chinese right.
    public func csv() -> [UInt8] {
        func field(_ text: String, numeric: Bool) -> String {
            // A text cell a spreadsheet would take for a formula (or a number) is kept as text.
            let safe = !numeric && text.first.map { "=+-@\t\r".contains($0) } == true ? "'" + text : text
            return safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" })
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        var text = Self.columns.map(\.name).joined(separator: ",") + "\r\n"
        for row in rows { text += zip(row, Self.columns).map { field($0, numeric: $1.numeric) }.joined(separator: ",") + "\r\n" }
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// An XLSX workbook written by libxlsxwriter, numeric columns as numbers.
    public func xlsx(sheet: String) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("countersign-report-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        let texts = Self.columns.map(\.name) + rows.flatMap { $0 }
        // C strings that live until the call returns.
        let copies = texts.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let numeric = Self.columns.map { UInt8($0.numeric ? 1 : 0) }
        let status = copies.withUnsafeBufferPointer { all -> Int32 in
            let pointers = all.map { UnsafePointer($0) }
            return pointers.withUnsafeBufferPointer { cells in
                cxlsx_write_table(
                    file.path, sheet, Int32(Self.columns.count), cells.baseAddress, Int32(rows.count), cells.baseAddress! + Self.columns.count,
                    numeric)
            }
        }
        guard status == 0, let data = FileManager.default.contents(atPath: file.path) else {
            throw InconsistencyError("the spreadsheet could not be written (libxlsxwriter error \(status))")
        }
        return Array(data)
    }
}
