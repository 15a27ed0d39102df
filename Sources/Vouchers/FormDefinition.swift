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

    /// Reads and checks a form file; every problem is reported with the file and field it concerns.
    public static func load(_ url: URL) throws(VoucherError) -> FormDefinition {
        let form: FormDefinition
        do {
            form = try JSONDecoder().decode(FormDefinition.self, from: try Data(contentsOf: url))
        } catch {
            throw VoucherError(.badForm, "\(url.lastPathComponent): \(error)")
        }
        try form.validate(file: url.lastPathComponent)
        return form
    }

    func validate(file: String) throws(VoucherError) {
        guard id.range(of: "^[a-z][a-z0-9-]{1,40}$", options: .regularExpression) != nil else {
            throw VoucherError(.badForm, "\(file): id '\(id)' must be lower-case words joined by '-'")
        }
        var seen = Set<String>()
        for field in fields {
            guard seen.insert(field.id).inserted else { throw VoucherError(.badForm, "\(file): field '\(field.id)' appears twice") }
            if field.type == .enumeration, (field.options ?? []).isEmpty {
                throw VoucherError(.badForm, "\(file): field '\(field.id)' is an enumeration without options")
            }
        }
        for placement in voucher.cells where !seen.contains(placement.field) {
            throw VoucherError(.badForm, "\(file): the voucher places '\(placement.field)', which the form does not define")
        }
    }
}

public struct LocalizedText: Codable, Sendable, Equatable {
    public let zh: String
    public let en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

public struct FormField: Codable, Sendable, Equatable {
    public enum FieldType: String, Codable, Sendable {
        case text, amount, account, residentID = "resident_id", mobile, date, enumeration = "enum"
    }

    public enum FilledBy: String, Codable, Sendable { case customer, teller }

    /// How the customer-facing screen shows the value.
    public enum Mask: String, Codable, Sendable { case none, name, account, id, phone }

    public let id: String
    public let type: FieldType
    public let label: LocalizedText
    public let required: Bool
    public let filledBy: FilledBy
    public let mask: Mask?
    public let maxLength: Int?
    /// For amounts: the currency code (CNY, USD …); for enumerations: the allowed values with labels.
    public let currency: String?
    public let options: [EnumOption]?

    public struct EnumOption: Codable, Sendable, Equatable {
        public let value: String
        public let label: LocalizedText
    }

    enum CodingKeys: String, CodingKey {
        case id, type, label, required, mask, currency, options
        case filledBy = "filled_by"
        case maxLength = "max_length"
    }
}

/// Where fields go on the voucher: a grid of rows with one or two cells each.
public struct VoucherLayout: Codable, Sendable, Equatable {
    public enum Page: String, Codable, Sendable {
        case a5Landscape = "A5-landscape"
        case a4Portrait = "A4-portrait"

        /// Width and height in PDF points.
        var size: (Double, Double) {
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
}
