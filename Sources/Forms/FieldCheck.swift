import Foundation

/// Why one value was refused: a stable code for programs, a message in both languages for people.
public struct FieldProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public let field: String
    public let code: String
    public let message: LocalizedText

    public init(field: String, code: String, zh: String, en: String) {
        self.field = field
        self.code = code
        self.message = LocalizedText(zh: zh, en: en)
    }

    public var description: String { "\(field): \(code) (\(message.en))" }
}

/// Every problem of one submission, so a page can mark all the fields at once; and the fields that were fine,
/// normalized, for live hints while the customer is still typing.
public struct FormProblems: Error, Sendable, Equatable {
    public let problems: [FieldProblem]
    public let valid: [String: String]
}

extension FormDefinition {
    /// Checks the values of the fields `filledBy` is responsible for (others must be absent) and returns them
    /// normalized, as stored, printed and shown. The same code runs for the page's live hints (through the
    /// API) and for the submission, so they can never disagree.
    public func check(_ values: [String: String], filledBy: Set<FormField.FilledBy>, today: CivilDate) throws(FormProblems)
        -> [String: String]
    {
        var problems: [FieldProblem] = []
        var normalized: [String: String] = [:]
        for key in values.keys.sorted() where !(field(key).map { filledBy.contains($0.filledBy) } ?? false) {
            problems.append(FieldProblem(field: key, code: "field.unknown", zh: "此表单没有该栏目或不由您填写", en: "not a field of this form for you to fill"))
        }
        // Currency fields first: amounts may take their currency from one.
        let ordered = fields.filter { $0.type == .currency } + fields.filter { $0.type != .currency }
        for field in ordered where filledBy.contains(field.filledBy) {
            let raw = (values[field.id] ?? "").trimmedWhitespace
            if raw.isEmpty {
                if field.required {
                    problems.append(FieldProblem(field: field.id, code: "field.required", zh: "必填", en: "required"))
                }
                continue
            }
            switch field.check(raw, currency: currency(of: field, in: normalized.merging(values) { kept, _ in kept }), today: today) {
            case .success(let value): normalized[field.id] = value
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw FormProblems(problems: problems, valid: normalized) }
        return normalized
    }
}

extension FormField {
    public static let defaultMaximumLength = 100
    /// 10^12 in the major unit: far above any counter transaction, and within what capital numerals print.
    public static let maximumAmountDigits = 12

    /// One value, already trimmed and not empty: normalized, or the problem.
    public func check(_ raw: String, currency: String?, today: CivilDate) -> Result<String, FieldProblem> {
        func problem(_ code: String, _ zh: String, _ en: String) -> Result<String, FieldProblem> {
            .failure(FieldProblem(field: id, code: code, zh: zh, en: en))
        }
        let compact = raw.filter { $0 != " " && $0 != "-" }
        switch type {
        case .text:
            guard raw.count <= (maxLength ?? Self.defaultMaximumLength) else {
                return problem(
                    "field.too_long", "最多\(maxLength ?? Self.defaultMaximumLength)个字", "at most \(maxLength ?? Self.defaultMaximumLength) characters")
            }
            guard !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
            else { return problem("field.bad_text", "含有不可见字符", "contains invisible control characters") }
            return .success(raw)
        case .amount:
            return Self.checkAmount(raw, currency: currency, zeroAllowed: zeroAllowed ?? false, field: id)
        case .account:
            guard (10...25).contains(compact.count), compact.allSatisfy(\.isASCIIDigit) else {
                return problem("field.bad_account", "账号为10至25位数字", "an account number is 10 to 25 digits")
            }
            return .success(compact)
        case .residentID:
            switch ResidentID.check(compact, today: today) {
            case .success(let number): return .success(number)
            case .failure(.shape): return problem("field.bad_resident_id", "身份证号码为18位，末位可为X", "a resident ID is 18 characters, the last may be X")
            case .failure(.birthDate): return problem("field.resident_id_birth_date", "身份证号码中的出生日期无效", "the birth date inside the ID is not valid")
            case .failure(.checksum):
                return problem("field.resident_id_checksum", "身份证号码校验位不符，请核对", "the ID's check character does not match; please check it")
            }
        case .mobile:
            var number = compact
            for prefix in ["+86", "0086"] where number.hasPrefix(prefix) { number = String(number.dropFirst(prefix.count)) }
            guard number.count == 11, number.allSatisfy(\.isASCIIDigit), number.hasPrefix("1"), let second = number.dropFirst().first,
                ("3"..."9").contains(second)
            else { return problem("field.bad_mobile", "手机号码为1开头的11位数字", "a mobile number is 11 digits starting with 1") }
            return .success(number)
        case .date:
            guard let date = CivilDate(iso: raw) else { return problem("field.bad_date", "日期格式为YYYY-MM-DD", "a date is YYYY-MM-DD") }
            if notBefore == .today, date < today { return problem("field.date_too_early", "日期不能早于今天", "the date cannot be before today") }
            if notAfter == .today, today < date { return problem("field.date_too_late", "日期不能晚于今天", "the date cannot be after today") }
            return .success(date.description)
        case .enumeration:
            guard options?.contains(where: { $0.value == raw }) == true else {
                return problem("field.bad_option", "请从列表中选择", "choose one of the listed values")
            }
            return .success(raw)
        case .currency:
            let code = raw.uppercased()
            guard Currency.isKnown(code), options.map({ $0.contains { $0.value == code } }) ?? true else {
                return problem("field.bad_currency", "不支持该币种", "this currency is not offered here")
            }
            return .success(code)
        case .swiftBIC:
            let code = compact.uppercased()
            guard code.range(of: "^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$", options: .regularExpression) != nil else {
                return problem("field.bad_swift_bic", "SWIFT代码为8或11位字母数字", "a SWIFT/BIC code is 8 or 11 letters and digits")
            }
            return .success(code)
        case .foreignAccount:
            return Self.checkForeignAccount(compact.uppercased(), field: id)
        }
    }

    /// Digits with optional thousands commas and at most the currency's decimals; positive unless zero is allowed; normalized to exactly
    /// the currency's decimals ("1,000,000.1" → "1000000.10"). Never through a floating-point number.
    static func checkAmount(_ raw: String, currency: String?, zeroAllowed: Bool, field: String) -> Result<String, FieldProblem> {
        guard let currency, let decimals = Currency.decimals[currency] else {
            return .failure(FieldProblem(field: field, code: "field.no_currency", zh: "请先选择币种", en: "choose the currency first"))
        }
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0].filter { $0 != "," }
        let grouped = parts[0].contains(",")
        let groupsOK =
            !grouped
            || parts[0].split(separator: ",", omittingEmptySubsequences: false).enumerated().allSatisfy { index, group in
                index == 0 ? (1...3).contains(group.count) : group.count == 3
            }
        guard parts.count <= 2, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), groupsOK, parts.count == 1 || !parts[1].isEmpty,
            (parts.count == 1 ? "" : parts[1]).allSatisfy(\.isASCIIDigit)
        else {
            return .failure(FieldProblem(field: field, code: "field.bad_amount", zh: "金额格式不正确", en: "not an amount"))
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= decimals else {
            return .failure(
                FieldProblem(
                    field: field, code: "field.amount_decimals", zh: "\(currency)最多\(decimals)位小数", en: "\(currency) has at most \(decimals) decimals"
                ))
        }
        let significant = whole.drop { $0 == "0" }
        guard significant.count <= maximumAmountDigits else {
            return .failure(FieldProblem(field: field, code: "field.amount_too_large", zh: "金额过大", en: "the amount is too large"))
        }
        let paddedFraction = fraction + String(repeating: "0", count: decimals - fraction.count)
        guard zeroAllowed || !(significant.isEmpty && paddedFraction.allSatisfy { $0 == "0" }) else {
            return .failure(FieldProblem(field: field, code: "field.amount_not_positive", zh: "金额须大于零", en: "the amount must be more than zero"))
        }
        let integer = significant.isEmpty ? "0" : String(significant)
        return .success(decimals == 0 ? integer : "\(integer).\(paddedFraction)")
    }

    /// An IBAN (two letters, two check digits, 10–30 more) must pass ISO 13616 mod 97; anything else must look
    /// like an account number (5–34 letters and digits).
    static func checkForeignAccount(_ account: String, field: String) -> Result<String, FieldProblem> {
        if account.range(of: "^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$", options: .regularExpression) != nil {
            let rearranged = account.dropFirst(4) + account.prefix(4)
            var remainder = 0
            for character in rearranged {
                let value = character.isASCIIDigit ? Int(String(character))! : Int(character.asciiValue! - 55)
                for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
            }
            guard remainder == 1 else {
                return .failure(FieldProblem(field: field, code: "field.bad_iban", zh: "IBAN校验位不符", en: "the IBAN's check digits do not match"))
            }
            return .success(account)
        }
        guard account.range(of: "^[A-Z0-9]{5,34}$", options: .regularExpression) != nil else {
            return .failure(
                FieldProblem(
                    field: field, code: "field.bad_foreign_account", zh: "境外账号为5至34位字母数字", en: "an account abroad is 5 to 34 letters and digits"))
        }
        return .success(account)
    }
}

extension FormDefinition {
    /// What the customer has typed so far: the fields that are fine (normalized) and the problems of the others,
    /// without complaining about fields not filled in yet — for live hints and the teller's draft. The submission
    /// itself uses ``check(_:filledBy:today:)``.
    public func checkWhileTyping(_ values: [String: String], filledBy: Set<FormField.FilledBy>, today: CivilDate) -> (
        valid: [String: String], problems: [FieldProblem]
    ) {
        let typed = values.filter { !$0.value.trimmedWhitespace.isEmpty }
        do {
            return (try check(typed, filledBy: filledBy, today: today), [])
        } catch {
            return (error.valid, error.problems.filter { $0.code != "field.required" })
        }
    }

    /// An amount field's value in capital numerals after the currency's Chinese name (美元伍仟元整), as the
    /// screens show it; nil unless `values` hold a valid amount and a known currency for it.
    public func amountWords(of field: FormField, in values: [String: String]) -> String? {
        guard field.type == .amount, let amount = values[field.id], let currency = currency(of: field, in: values),
            let name = Currency.chineseName[currency]
        else { return nil }
        return try? ChineseAmount.words(forDecimal: amount, currencyPrefix: name)
    }
}

extension String {
    /// Without leading and trailing white space (Unicode's, the ideographic space of a Chinese keyboard included).
    /// Native Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux, once per field.
    var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
