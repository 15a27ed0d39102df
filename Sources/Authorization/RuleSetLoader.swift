import Forms
public import Foundation

/// Why a rule file was refused: the file, the rule and the field, so whoever edits the rules can fix them.
public struct RuleSetError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { "authorization rules: \(message)" }
}

extension RuleSet {
    /// Reads and checks a rule file. Every problem names the rule id and the field.
    public static func load(_ url: URL) throws(RuleSetError) -> RuleSet {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw RuleSetError(message: "cannot read \(url.path)") }
        return try parse(data, file: url.lastPathComponent)
    }

    public static func parse(_ data: Data, file: String = "rules") throws(RuleSetError) -> RuleSet {
        let raw: RawRuleSet
        do { raw = try JSONDecoder().decode(RawRuleSet.self, from: data) } catch {
            throw RuleSetError(message: "\(file) is not a rule file: \(error)")
        }
        // The database applies the same file (migration 0020), and reads a null condition differently (never matches)
        // from this loader (absent): a rule file says what it means, without nulls.
        if let tree = try? JSONSerialization.jsonObject(with: data), Self.containsNull(tree) {
            throw RuleSetError(message: "\(file): null is not a value in a rule file; leave the key out instead")
        }
        guard !raw.version.isEmpty, raw.version.count <= 40 else { throw RuleSetError(message: "\(file): version must be 1–40 characters") }
        guard let offset = minutes(offset: raw.utcOffset) else { throw RuleSetError(message: "\(file): utc_offset must look like +08:00") }
        guard let from = minutes(clock: raw.businessHours.from), let to = minutes(clock: raw.businessHours.to), from < to else {
            throw RuleSetError(message: "\(file): business_hours must be HH:MM with from before to")
        }
        let words = raw.vocabulary
        let vocabulary = Vocabulary(
            transactionCodes: Set(words.transactionCodes), currencies: Set(words.currencies), accountTypes: Set(words.accountTypes),
            customerRisks: Set(words.customerRisks), channels: Set(words.channels))
        guard vocabulary.transactionCodes.allSatisfy({ $0.range(of: "^[a-z][a-z0-9-]{1,40}$", options: .regularExpression) != nil }),
            vocabulary.currencies.allSatisfy({ $0.range(of: "^[A-Z]{3}$", options: .regularExpression) != nil }),
            !vocabulary.transactionCodes.isEmpty, !vocabulary.currencies.isEmpty
        else { throw RuleSetError(message: "\(file): vocabulary needs transaction codes (lower-case words) and ISO currency codes") }
        var seen = Set<String>()
        var rules: [Rule] = []
        for rule in raw.rules {
            guard rule.id.range(of: "^[a-z0-9][a-z0-9-]{0,63}$", options: .regularExpression) != nil else {
                throw RuleSetError(message: "\(file): rule id '\(rule.id)' must be lower-case words joined by '-'")
            }
            guard seen.insert(rule.id).inserted else { throw RuleSetError(message: "\(file): rule '\(rule.id)' appears twice") }
            let checked = try rule.checked(file: file)
            try checked.match.requireWords(of: vocabulary, place: "\(file): rule '\(rule.id)'")
            rules.append(checked)
        }
        return RuleSet(version: raw.version, businessHours: from...(to - 1), utcOffsetMinutes: offset, vocabulary: vocabulary, rules: rules)
    }

    static func containsNull(_ value: Any) -> Bool {
        switch value {
        case is NSNull: return true
        case let array as [Any]: return array.contains(where: containsNull)
        case let object as [String: Any]: return object.values.contains(where: containsNull)
        default: return false
        }
    }

    static func minutes(clock: String) -> Int? {
        let parts = clock.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h),
            (0..<60).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }

    static func minutes(offset: String) -> Int? {
        guard let sign = offset.first, sign == "+" || sign == "-", let value = minutes(clock: String(offset.dropFirst())) else { return nil }
        return sign == "-" ? -value : value
    }
}

extension RuleSet.Match {
    /// A rule that names a code or currency outside the vocabulary could never match: that is a typo.
    func requireWords(of vocabulary: RuleSet.Vocabulary, place: String) throws(RuleSetError) {
        let checks: [(String, Set<String>?, Set<String>)] = [
            ("codes", codes, vocabulary.transactionCodes), ("currencies", currencies, vocabulary.currencies),
            ("amounts", amountBands.map { Set($0.keys) }, vocabulary.currencies),
            ("account_types", accountTypes, vocabulary.accountTypes), ("customer_risks", customerRisks, vocabulary.customerRisks),
            ("channels", channels, vocabulary.channels),
        ]
        for (field, used, known) in checks {
            if let unknown = used?.subtracting(known).sorted().first {
                throw RuleSetError(message: "\(place): \(field) names '\(unknown)', which is not in the vocabulary")
            }
        }
    }
}

/// The file's shape, before checking.
struct RawRuleSet: Decodable {
    struct Words: Decodable {
        let transactionCodes: [String]
        let currencies: [String]
        let accountTypes: [String]
        let customerRisks: [String]
        let channels: [String]
        enum CodingKeys: String, CodingKey {
            case currencies, channels
            case transactionCodes = "transaction_codes"
            case accountTypes = "account_types"
            case customerRisks = "customer_risks"
        }
    }

    struct Hours: Decodable {
        let from: String
        let to: String
    }

    struct RawRule: Decodable {
        let id: String
        let description: String
        let match: RawMatch
        let require: RawRequirement

        func checked(file: String) throws(RuleSetError) -> RuleSet.Rule {
            let place = "\(file): rule '\(id)'"
            var match = RuleSet.Match()
            match.codes = self.match.codes.map(Set.init)
            match.currencies = self.match.currencies.map(Set.init)
            match.accountTypes = self.match.accountTypes.map(Set.init)
            match.customerRisks = self.match.customerRisks.map(Set.init)
            match.channels = self.match.channels.map(Set.init)
            match.outsideBusinessHours = self.match.outsideBusinessHours
            if let amount = self.match.amount {
                if let min = amount.min {
                    guard let value = MinorUnits.parse(min) else { throw RuleSetError(message: "\(place): amount.min '\(min)' is not an amount") }
                    match.amountMinimum = value
                }
                if let below = amount.below {
                    guard let value = MinorUnits.parse(below) else {
                        throw RuleSetError(message: "\(place): amount.below '\(below)' is not an amount")
                    }
                    match.amountMaximum = value
                }
                if let low = match.amountMinimum, let high = match.amountMaximum, low >= high {
                    throw RuleSetError(message: "\(place): amount.min must be below amount.below")
                }
                guard match.currencies != nil else { throw RuleSetError(message: "\(place): an amount band needs currencies") }
            }
            if let amounts = self.match.amounts {
                guard self.match.amount == nil, !amounts.isEmpty else {
                    throw RuleSetError(message: "\(place): use either amount (with currencies) or amounts (a band per currency), not both")
                }
                var bands: [String: RuleSet.Band] = [:]
                for (currency, band) in amounts {
                    let low = try band.min.map { text throws(RuleSetError) in
                        guard let value = MinorUnits.parse(text) else {
                            throw RuleSetError(message: "\(place): amounts.\(currency).min '\(text)' is not an amount")
                        }
                        return value
                    }
                    let high = try band.below.map { text throws(RuleSetError) in
                        guard let value = MinorUnits.parse(text) else {
                            throw RuleSetError(message: "\(place): amounts.\(currency).below '\(text)' is not an amount")
                        }
                        return value
                    }
                    if let low, let high, low >= high { throw RuleSetError(message: "\(place): amounts.\(currency).min must be below below") }
                    guard low != nil || high != nil else { throw RuleSetError(message: "\(place): amounts.\(currency) needs min or below") }
                    bands[currency] = RuleSet.Band(minimum: low, below: high)
                }
                match.amountBands = bands
            }
            let r = require
            guard (1...5).contains(r.level) else { throw RuleSetError(message: "\(place): level must be 1–5") }
            guard (1...2).contains(r.officers) else { throw RuleSetError(message: "\(place): officers must be 1 or 2") }
            var modes: [AuthorizationMode] = []
            for name in r.modes {
                guard let mode = AuthorizationMode(rawValue: name) else {
                    throw RuleSetError(message: "\(place): unknown mode '\(name)' (local, cross-terminal, cross-branch, central)")
                }
                modes.append(mode)
            }
            guard !modes.isEmpty else { throw RuleSetError(message: "\(place): at least one mode") }
            guard r.officers == 1 || !modes.contains(.local) else {
                throw RuleSetError(message: "\(place): dual authorization cannot be local (one terminal, one supervisor)")
            }
            let t = r.timeouts
            guard t.unclaimedSeconds > 0, t.leaseSeconds > 0, t.tellerWaitSeconds > t.unclaimedSeconds else {
                throw RuleSetError(message: "\(place): timeouts must be positive and teller_wait_seconds above unclaimed_seconds")
            }
            return RuleSet.Rule(
                id: id, description: description, match: match,
                requirement: RuleSet.Requirement(
                    level: r.level, officers: r.officers, modes: modes.sorted(), material: r.material.sorted(),
                    timeouts: RuleSet.Timeouts(
                        unclaimedSeconds: t.unclaimedSeconds, leaseSeconds: t.leaseSeconds, tellerWaitSeconds: t.tellerWaitSeconds)))
        }
    }

    struct RawMatch: Decodable {
        struct Amount: Decodable {
            let min: String?
            let below: String?
        }
        let codes: [String]?
        let currencies: [String]?
        let amount: Amount?
        let amounts: [String: Amount]?
        let accountTypes: [String]?
        let customerRisks: [String]?
        let channels: [String]?
        let outsideBusinessHours: Bool?

        enum CodingKeys: String, CodingKey {
            case codes, currencies, amount, amounts, channels
            case accountTypes = "account_types"
            case customerRisks = "customer_risks"
            case outsideBusinessHours = "outside_business_hours"
        }
    }

    struct RawRequirement: Decodable {
        struct Timeouts: Decodable {
            let unclaimedSeconds: Int
            let leaseSeconds: Int
            let tellerWaitSeconds: Int
            enum CodingKeys: String, CodingKey {
                case unclaimedSeconds = "unclaimed_seconds"
                case leaseSeconds = "lease_seconds"
                case tellerWaitSeconds = "teller_wait_seconds"
            }
        }
        let level: Int
        let officers: Int
        let modes: [String]
        let material: [String]
        let timeouts: Timeouts
    }

    let version: String
    let utcOffset: String
    let businessHours: Hours
    let vocabulary: Words
    let rules: [RawRule]

    enum CodingKeys: String, CodingKey {
        case version, rules, vocabulary
        case utcOffset = "utc_offset"
        case businessHours = "business_hours"
    }
}
