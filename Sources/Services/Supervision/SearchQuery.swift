import Forms
public import Storage

/// An auditor's search as it arrives (query parameters, all optional), checked into a ``TransactionFilter``.
/// Days are the bank's (Beijing); without `from` the search is today's, without `to` it is `from`'s day alone.
public struct SearchQuery: Sendable {
    public var from: String?
    public var to: String?
    public var branch: String?
    public var teller: String?
    public var officer: String?
    public var code: String?
    public var minimumMinor: String?
    public var maximumMinor: String?
    public var currency: String?
    public var state: String?
    public var after: String?
    public var limit: String?
    /// A transaction (T…), voucher (V…) or authorization request (R…) id, looked up whatever its date.
    public var id: String?

    public init() {}

    /// A year and a little: a year's report and its neighbours, never an unbounded scan.
    static let longestRangeDays = 400
    static let states: Set<String> = ["needs_authorization", "ready", "committed", "abandoned"]

    func filter(today: CivilDate) throws -> TransactionFilter {
        let first = try from.map { try Self.day($0, name: "from") } ?? today
        let last = try to.map { try Self.day($0, name: "to") } ?? first
        let (start, end) = (Self.dayStartMicros(first), Self.dayStartMicros(last) + Self.dayMicros)
        guard end > start, end - start <= Int64(Self.longestRangeDays) * Self.dayMicros else {
            throw SupervisionError(
                .badQuery, "to is on or after from, at most \(Self.longestRangeDays) days later / 截止日期须不早于起始日期，且相隔不超过 \(Self.longestRangeDays) 天")
        }
        var filter = TransactionFilter(fromMicros: start, untilMicros: end, limit: 50)
        if let limit {
            guard let number = Int(limit), (1...200).contains(number) else { throw SupervisionError(.badQuery, "limit is 1 to 200 / 每页 1–200 笔") }
            filter.limit = number
        }
        for (value, name) in [(branch, "branch"), (teller, "teller"), (officer, "officer")] {
            if let value { try Self.checkCode(value, name: name) }
        }
        (filter.branch, filter.teller, filter.officer) = (branch, teller, officer)
        if let code {
            guard code.utf8.count <= 41, code.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
                throw SupervisionError(.badQuery, "code is a transaction code such as cash-withdrawal / 交易代码格式不正确")
            }
            filter.code = code
        }
        if let currency {
            guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                throw SupervisionError(.badQuery, "currency is three capital letters / 币种为三个大写字母")
            }
            filter.currency = currency
        }
        if let state {
            guard Self.states.contains(state) else { throw SupervisionError(.badQuery, "state is one of \(Self.states.sorted()) / 状态不正确") }
            filter.state = state
        }
        filter.minimumMinor = try minimumMinor.map { try Self.minor($0, name: "min_minor") }
        filter.maximumMinor = try maximumMinor.map { try Self.minor($0, name: "max_minor") }
        if let id {
            guard id.utf8.count == 17, "TVR".utf8.contains(id.utf8.first!), id.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw SupervisionError(.badQuery, "id is a transaction, voucher or request id (T…, V…, R…) / 编号格式不正确")
            }
            filter.lookup = id
        }
        if let after {
            // Inside the range searched: a cursor from anywhere else is not this search's.
            guard let cursor = TransactionCursor(after), Self.isTransactionID(cursor.id),
                filter.lookup != nil || (start...end).contains(cursor.submittedMicros)
            else {
                throw SupervisionError(.badQuery, "after is the next value of the previous page / 翻页参数不正确")
            }
            filter.before = cursor
        }
        return filter
    }

    static let dayMicros: Int64 = 86_400_000_000

    /// Midnight in Beijing (UTC+8, no daylight saving) of `day`, in microseconds since the epoch.
    static func dayStartMicros(_ day: CivilDate) -> Int64 {
        Int64(day.daysSince1970) * dayMicros - 8 * 3_600_000_000
    }

    static func day(_ text: String, name: String) throws -> CivilDate {
        guard let day = CivilDate(iso: text) else { throw SupervisionError(.badQuery, "\(name) is a day, YYYY-MM-DD / 日期格式为 YYYY-MM-DD") }
        return day
    }

    static func minor(_ text: String, name: String) throws -> Int64 {
        guard text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text) else {
            throw SupervisionError(.badQuery, "\(name) is an amount in minor units (fen), a whole number / 金额以分为单位的整数")
        }
        return value
    }

    static func checkCode(_ text: String, name: String) throws {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || "_.-".utf8.contains($0) }
            )
        else { throw SupervisionError(.badQuery, "\(name) is a user id or branch code / \(name) 格式不正确") }
    }

    static func isTransactionID(_ id: String) -> Bool {
        id.utf8.count == 17 && id.first == "T" && id.utf8.dropFirst().allSatisfy { (0x30...0x39).contains($0) }
    }
}
