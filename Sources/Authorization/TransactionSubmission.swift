import Forms
public import Kernel

/// A transaction as it is judged: what the teller submitted, with the account type and customer risk of its subject
/// as the bank's directory has them (never as the teller says). The whole submission is what an approval binds
/// to: its digest is taken over the canonical JSON of every field, so changing any of them (an account number, a
/// name, the directory's facts) changes the digest.
public struct TransactionSubmission: Sendable, Equatable, Codable {
    public let code: String
    /// Decimal text with at most two fraction digits, e.g. "50000.00": never a binary floating-point number.
    public let amount: String
    public let currency: String
    /// The account the transaction is on, or (for an account being opened) the customer's resident ID.
    public let account: String?
    public let customer: String?
    public let accountType: String
    public let customerRisk: String
    public let channel: String
    /// The business fields (account number, customer name, …). Encrypted at rest; only their digest is in clear.
    public let fields: [String: String]
    /// The rejected (abandoned) transaction this one starts again, if any: its lineage, not its substance, so it
    /// is not part of what an approval binds to.
    public let replaces: String?

    public init(
        code: String, amount: String, currency: String, account: String? = nil, customer: String? = nil, accountType: String,
        customerRisk: String, channel: String, fields: [String: String], replaces: String? = nil
    ) {
        self.replaces = replaces
        self.account = account
        self.customer = customer
        self.code = code
        self.amount = amount
        self.currency = currency
        self.accountType = accountType
        self.customerRisk = customerRisk
        self.channel = channel
        self.fields = fields
    }

    enum CodingKeys: String, CodingKey {
        case code, amount, currency, channel, fields, replaces, account, customer
        case accountType = "account_type"
        case customerRisk = "customer_risk"
    }

    public static let maximumFields = 40
    public static let maximumFieldLength = 200

    /// The transaction codes whose amount is money moved (the rest — account opening, loss reports, information
    /// changes — may carry 0.00).
    public static func movesMoney(_ code: String) -> Bool {
        !["account-opening", "loss-report", "customer-info-change"].contains(code)
    }

    /// Checks every word against the rule set's vocabulary and returns the facts the interceptor needs.
    public func facts(vocabulary: RuleSet.Vocabulary, minuteOfDay: Int) throws(SubmissionError) -> TransactionFacts {
        guard vocabulary.transactionCodes.contains(code) else {
            throw SubmissionError("txn.unknown_code", "unknown transaction code '\(code.prefix(40))'")
        }
        guard let minor = MinorUnits.parse(amount) else {
            throw SubmissionError("txn.bad_amount", "amount must be decimal text with at most two decimals, e.g. \"50000.00\"")
        }
        // Money moves in these: nothing to authorize or book at zero. (Loss reports and information changes carry
        // no amount, so "0.00" is theirs.)
        guard minor > 0 || !Self.movesMoney(code) else {
            throw SubmissionError("txn.bad_amount", "amount must be greater than zero for \(code)")
        }
        guard vocabulary.currencies.contains(currency) else {
            throw SubmissionError("txn.unknown_currency", "currency must be one of \(vocabulary.currencies.sorted().joined(separator: ", "))")
        }
        guard vocabulary.accountTypes.contains(accountType) else {
            throw SubmissionError(
                "txn.unknown_account_type", "account_type must be one of \(vocabulary.accountTypes.sorted().joined(separator: ", "))")
        }
        guard vocabulary.customerRisks.contains(customerRisk) else {
            throw SubmissionError("txn.unknown_risk", "customer_risk must be one of \(vocabulary.customerRisks.sorted().joined(separator: ", "))")
        }
        guard vocabulary.channels.contains(channel) else {
            throw SubmissionError("txn.unknown_channel", "channel must be one of \(vocabulary.channels.sorted().joined(separator: ", "))")
        }
        guard fields.count <= Self.maximumFields,
            fields.allSatisfy({ (1...64).contains($0.key.count) && $0.value.count <= Self.maximumFieldLength })
        else {
            throw SubmissionError(
                "txn.bad_fields", "at most \(Self.maximumFields) fields, names of 1–64 and values of at most \(Self.maximumFieldLength) characters")
        }
        return TransactionFacts(
            code: code, amountMinor: minor, currency: currency, accountType: accountType, customerRisk: customerRisk, channel: channel,
            minuteOfDay: minuteOfDay)
    }

    public var canonical: CanonicalJSON {
        var object: [String: CanonicalJSON] = [
            "code": .string(code), "amount": .string(amount), "currency": .string(currency), "account_type": .string(accountType),
            "customer_risk": .string(customerRisk), "channel": .string(channel),
            "fields": .object(fields.mapValues { .string($0) }),
        ]
        if let account { object["account"] = .string(account) }
        if let customer { object["customer"] = .string(customer) }
        return .object(object)
    }

    /// What an approval binds to.
    public var digest: SHA256Hash { SHA256Hash.sha256(of: canonical.canonicalBytes) }
}

/// A submission the service refuses, with a stable code for machines and a message for the teller.
public struct SubmissionError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Malformed or not allowed: the submission must change.
        case invalid
        /// Larger than allowed.
        case tooLarge
    }

    public let code: String
    public let message: String
    public let kind: Kind

    public init(_ code: String, _ message: String, kind: Kind = .invalid) {
        self.code = code
        self.message = message
        self.kind = kind
    }
}
