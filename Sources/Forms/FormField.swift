/// Text in both languages of every page and voucher.
public struct LocalizedText: Codable, Sendable, Equatable {
    public let zh: String
    public let en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

/// One field of a form: what it holds, how it is checked, who fills it, how the customer screen shows it.
public struct FormField: Codable, Sendable, Equatable {
    public enum FieldType: String, Codable, Sendable, CaseIterable {
        case text, amount, account, mobile, date
        case residentID = "resident_id"
        case enumeration = "enum"
        /// An ISO 4217 code the catalogue knows (see ``Currency``).
        case currency
        /// A SWIFT/BIC code: 8 or 11 characters.
        case swiftBIC = "swift_bic"
        /// An account abroad: an IBAN (checked with its mod-97 digits) or a plain account number.
        case foreignAccount = "foreign_account"
    }

    public enum FilledBy: String, Codable, Sendable { case customer, teller }

    /// How the customer-facing screen shows the value (see ``Mask/apply(_:)``).
    public enum Mask: String, Codable, Sendable { case none, name, account, id, phone }

    /// Limits on dates, relative to the day of the check.
    public enum DateBound: String, Codable, Sendable { case today }

    public let id: String
    public let type: FieldType
    public let label: LocalizedText
    public let required: Bool
    public let filledBy: FilledBy
    public let mask: Mask?
    public let maxLength: Int?
    /// Amounts: a fixed currency, or `currencyField` naming the form's currency field.
    public let currency: String?
    public let currencyField: String?
    /// Amounts that may be zero (fees waived); others must be more than zero.
    public let zeroAllowed: Bool?
    /// Enumerations (and optionally currencies): the allowed values with labels.
    public let options: [EnumOption]?
    /// Dates: earliest and latest allowed.
    public let notBefore: DateBound?
    public let notAfter: DateBound?

    public struct EnumOption: Codable, Sendable, Equatable {
        public let value: String
        public let label: LocalizedText

        public init(value: String, label: LocalizedText) {
            self.value = value
            self.label = label
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, type, label, required, mask, currency, options
        case filledBy = "filled_by"
        case maxLength = "max_length"
        case currencyField = "currency_field"
        case zeroAllowed = "zero_allowed"
        case notBefore = "not_before"
        case notAfter = "not_after"
    }
}
