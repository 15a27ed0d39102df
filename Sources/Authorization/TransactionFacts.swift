/// What the interceptor sees of a transaction the teller is about to submit.
public struct TransactionFacts: Sendable, Equatable, Codable {
    /// The transaction code, e.g. `cash-withdrawal`, `transfer`, `reversal`, `customer-info-change`.
    public let code: String
    /// The amount in minor units (fen for CNY), exact.
    public let amountMinor: Int64
    public let currency: String
    /// e.g. `personal-debit`, `personal-savings`, `corporate`.
    public let accountType: String
    /// `low`, `medium` or `high`.
    public let customerRisk: String
    /// e.g. `counter`, `mobile`, `kiosk`.
    public let channel: String
    /// Minutes since midnight in the rule set's time zone.
    public let minuteOfDay: Int

    public init(code: String, amountMinor: Int64, currency: String, accountType: String, customerRisk: String, channel: String, minuteOfDay: Int) {
        self.code = code
        self.amountMinor = amountMinor
        self.currency = currency
        self.accountType = accountType
        self.customerRisk = customerRisk
        self.channel = channel
        self.minuteOfDay = minuteOfDay
    }

    enum CodingKeys: String, CodingKey {
        case code, currency, channel
        case amountMinor = "amount_minor"
        case accountType = "account_type"
        case customerRisk = "customer_risk"
        case minuteOfDay = "minute_of_day"
    }
}
