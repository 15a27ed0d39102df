import Foundation

/// A form of the catalogue in `Forms/`, one JSON file per form: its fields and where each goes on the voucher.
public struct FormDefinition: Codable, Sendable, Equatable {
    public let id: String
    public let version: Int
    public let title: LocalizedText
    /// `personal` or `foreign_exchange`.
    public let category: String
    public let fields: [FormField]
    public let voucher: VoucherLayout
    /// The amount field the transaction is booked and authorized by (a withdrawal's amount, an account opening's
    /// first deposit); nil for forms that move no money (a loss report, an information change): fees never count.
    public let transactionAmount: String?
    /// Whom the transaction is about, for the bank's directory (account type and customer risk come from there):
    /// the field holding the account, or — for an account being opened — the customer's resident ID.
    public let subject: Subject?

    public struct Subject: Codable, Sendable, Equatable {
        public let account: String?
        public let customer: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, version, title, category, fields, voucher, subject
        case transactionAmount = "transaction_amount"
    }

    public func field(_ id: String) -> FormField? { fields.first { $0.id == id } }

    /// What the transaction moves, from checked values: the amount (normalized decimal text) and its currency; zero
    /// for a form that moves no money or an optional amount left empty; nil when a required amount or its currency is
    /// missing.
    public func principal(in values: [String: String]) -> (amount: String, currency: String)? {
        guard let transactionAmount else { return ("0.00", "CNY") }
        guard let field = field(transactionAmount), let currency = currency(of: field, in: values) else { return nil }
        guard let amount = values[field.id] else { return field.required ? nil : ("0.00", currency) }
        return (amount, currency)
    }

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
