public import Foundation

/// A form of the catalogue in `Forms/`, one JSON file per form: its fields and where each goes on the voucher.
public struct FormDefinition: Codable, Sendable, Equatable {
    public let id: String
    public let version: Int
    public let title: LocalizedText
    /// `personal` or `foreign_exchange`.
    public let category: String
    public let fields: [FormField]
    public let voucher: VoucherLayout

    public func field(_ id: String) -> FormField? { fields.first { $0.id == id } }

    /// The currency of an amount field: its own, or the value of the form's currency field it names.
    public func currency(of field: FormField, in values: [String: String]) -> String? {
        field.currency ?? field.currencyField.flatMap { values[$0] }
    }
}

/// Where fields go on the voucher: a grid of rows with one or two cells each.
public struct VoucherLayout: Codable, Sendable, Equatable {
    public enum Page: String, Codable, Sendable {
        case a5Landscape = "A5-landscape"
        case a4Portrait = "A4-portrait"

        /// Width and height in PDF points.
        public var size: (Double, Double) {
            switch self {
            case .a5Landscape: (595.28, 419.53)
            case .a4Portrait: (595.28, 841.89)
            }
        }
    }

    public struct Cell: Codable, Sendable, Equatable {
        public let field: String
        public let row: Int
        /// 0 (left) or 1 (right); `span` 2 takes the whole row.
        public let column: Int
        public let span: Int?
    }

    public let page: Page
    public let cells: [Cell]

    /// Rows that fit between the header and the footer of the page (40 pt each).
    public var maximumRows: Int { Int((page.size.1 - 150) / 40) }
}
