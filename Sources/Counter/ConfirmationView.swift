public import Forms

/// What the customer screen shows for confirmation: the form's title and, in form order, each filled field's label
/// and its value as displayed — masked where the form says, enumerations by their labels, amounts in figures and in
/// capital numerals. Its canonical JSON is what the confirmation's digest covers, so the record says exactly what
/// the customer saw.
public struct ConfirmationView: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public let field: String
        public let label: LocalizedText
        public let value: String
        /// Amounts only: 人民币伍万元整.
        public let words: String?
    }

    public let form: String
    public let formVersion: Int
    public let title: LocalizedText
    public let lines: [Line]

    enum CodingKeys: String, CodingKey {
        case form, title, lines
        case formVersion = "form_version"
    }

    /// `values` are normalized (as `FormDefinition.check` returns them); fields without a value are left out.
    public init(form: FormDefinition, values: [String: String]) {
        self.form = form.id
        self.formVersion = form.version
        self.title = form.title
        self.lines = form.fields.compactMap { field in
            guard let value = values[field.id], !value.isEmpty else { return nil }
            switch field.type {
            case .amount:
                let currency = form.currency(of: field, in: values) ?? ""
                return Line(
                    field: field.id, label: field.label, value: "\(currency) \(Self.grouped(value))", words: form.amountWords(of: field, in: values))
            case .enumeration, .currency:
                let option = field.options?.first { $0.value == value }
                return Line(field: field.id, label: field.label, value: option.map { "\($0.label.zh) \($0.label.en)" } ?? value, words: nil)
            default:
                return Line(field: field.id, label: field.label, value: (field.mask ?? .none).apply(value), words: nil)
            }
        }
    }

    /// "1000000.01" → "1,000,000.01".
    static func grouped(_ amount: String) -> String {
        let parts = amount.split(separator: ".", maxSplits: 1)
        let whole = String(parts.first ?? "")
        var out = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return parts.count == 2 ? "\(out).\(parts[1])" : out
    }
}
