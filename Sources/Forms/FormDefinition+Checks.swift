public import Foundation

/// What the catalogue promises every other part of the service: checked once, when it is loaded at start, so a
/// broken form stops the service with the file and field named instead of failing at a counter.
extension FormDefinition {
    /// Reads and checks a form file.
    public static func load(_ url: URL) throws(FormError) -> FormDefinition {
        let form: FormDefinition
        do {
            form = try JSONDecoder().decode(FormDefinition.self, from: try Data(contentsOf: url))
        } catch {
            throw FormError(.badDefinition, "\(url.lastPathComponent): \(error)")
        }
        try form.validate(file: url.lastPathComponent)
        return form
    }

    public static let categories: Set<String> = ["personal", "foreign_exchange"]
    public static let maximumFields = 60

    func validate(file: String) throws(FormError) {
        func bad(_ message: String) -> FormError { FormError(.badDefinition, "\(file): \(message)") }
        guard id.range(of: "^[a-z][a-z0-9-]{1,40}$", options: .regularExpression) != nil else {
            throw bad("id '\(id)' must be lower-case words joined by '-'")
        }
        guard version >= 1 else { throw bad("version must be 1 or more") }
        guard !title.zh.isEmpty, !title.en.isEmpty else { throw bad("the title needs both zh and en") }
        guard Self.categories.contains(category) else { throw bad("category '\(category)' is not one of \(Self.categories.sorted())") }
        guard (1...Self.maximumFields).contains(fields.count) else { throw bad("a form has 1 to \(Self.maximumFields) fields") }
        var seen = Set<String>()
        for field in fields {
            guard seen.insert(field.id).inserted else { throw bad("field '\(field.id)' appears twice") }
            if let problem = field.definitionProblem(in: self) { throw bad("field '\(field.id)': \(problem)") }
        }
        if let transactionAmount, field(transactionAmount)?.type != .amount {
            throw bad("transaction_amount '\(transactionAmount)' must name an amount field")
        }
        if let subject {
            guard (subject.account == nil) != (subject.customer == nil), let named = subject.account ?? subject.customer,
                let field = field(named), field.required
            else { throw bad("subject must name one required field: an account, or the customer's resident ID") }
        }
        try validateVoucher(file: file)
    }

    private func validateVoucher(file: String) throws(FormError) {
        func bad(_ message: String) -> FormError { FormError(.badDefinition, "\(file): voucher: \(message)") }
        var taken = Set<String>()
        var placed = Set<String>()
        for cell in voucher.cells {
            guard field(cell.field) != nil else { throw bad("places '\(cell.field)', which the form does not define") }
            guard placed.insert(cell.field).inserted else { throw bad("places '\(cell.field)' twice") }
            let span = cell.span ?? 1
            guard (0...1).contains(cell.column), (1...2).contains(span), cell.column + span <= 2 else {
                throw bad("'\(cell.field)': column is 0 or 1 and a span of 2 starts in column 0")
            }
            guard (0..<voucher.maximumRows).contains(cell.row) else {
                throw bad("'\(cell.field)': row \(cell.row) is off the \(voucher.page.rawValue) page (rows 0–\(voucher.maximumRows - 1))")
            }
            for column in cell.column..<(cell.column + span) {
                guard taken.insert("\(cell.row).\(column)").inserted else { throw bad("'\(cell.field)' overlaps another cell") }
            }
        }
        // What the customer or teller keys must be on the paper they sign; optional fields may be left off.
        for field in fields where field.required && !placed.contains(field.id) {
            throw bad("required field '\(field.id)' is not placed")
        }
    }
}

extension FormField {
    /// Why this field's definition is unusable, or nil.
    func definitionProblem(in form: FormDefinition) -> String? {
        guard id.range(of: "^[a-z][a-z0-9_]{0,39}$", options: .regularExpression) != nil else { return "ids are lower_case words" }
        guard !label.zh.isEmpty, !label.en.isEmpty else { return "the label needs both zh and en" }
        if let maxLength, type != .text || !(1...500).contains(maxLength) { return "max_length (1–500) is for text fields" }
        if (currency != nil || currencyField != nil || zeroAllowed != nil) && type != .amount {
            return "currency, currency_field and zero_allowed are for amounts"
        }
        if (notBefore != nil || notAfter != nil) && type != .date { return "not_before and not_after are for dates" }
        switch type {
        case .amount:
            switch (currency, currencyField) {
            case (let code?, nil): if !Currency.isKnown(code) { return "currency '\(code)' is not one of \(Currency.decimals.keys.sorted())" }
            case (nil, let other?):
                guard form.field(other)?.type == .currency else { return "currency_field '\(other)' must name a currency field of the form" }
            default: return "an amount has either a currency or a currency_field"
            }
        case .enumeration:
            guard let options, !options.isEmpty else { return "an enumeration needs options" }
            guard Set(options.map(\.value)).count == options.count else { return "option values repeat" }
            guard options.allSatisfy({ !$0.value.isEmpty && !$0.label.zh.isEmpty && !$0.label.en.isEmpty }) else {
                return "every option needs a value and a zh and en label"
            }
        case .currency:
            if let options, !options.allSatisfy({ Currency.isKnown($0.value) }) { return "currency options must be known currencies" }
        default:
            if options != nil { return "options are for enumerations and currencies" }
        }
        return nil
    }
}
