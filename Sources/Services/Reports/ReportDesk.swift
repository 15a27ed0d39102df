public import Accounts
public import Forms
public import Kernel
public import Storage

/// Reports (issue #18, part 5): a day, month, quarter or year of figures per branch, teller or officer, from the
/// rolled-up rows of migration 0042. Auditors read every branch's; a branch's supervisor reads their own. The figures
/// go through the last day rolled (the service rolls today every few minutes; `countersign report roll` backfills).
public struct ReportDesk: Sendable {
    let database: Database
    let time: any TimeSource

    public init(database: Database, time: any TimeSource) {
        (self.database, self.time) = (database, time)
    }

    public func report(_ query: ReportQuery, user: UserIdentity) async throws -> Report {
        let branch: String?
        switch user.role {
        case .auditor:
            branch = query.branch
        case .supervisor:
            guard query.branch == nil || query.branch == user.branch else {
                throw SupervisionError(.forbidden, "a supervisor reads their own branch's reports / 主管只能查看本网点报表")
            }
            branch = user.branch
        default: throw SupervisionError(.forbidden, "reports are the auditors' and the branches' supervisors' / 报表仅限稽核人员和网点主管")
        }
        let (period, first, last, dimension) = try query.checked(today: VoucherDesk.chinaToday(time.now()))
        if let branch { try SearchQuery.checkCode(branch, name: "branch") }
        // One snapshot: a roll committing meanwhile changes all three or none.
        let (figures, latency, through) = try await database.snapshot { tx in
            (
                try await ReportStore.figures(period: period, start: first.description, dimension: dimension, branch: branch, in: tx),
                try await ReportStore.latency(period: period, start: first.description, dimension: dimension, branch: branch, in: tx),
                try await ReportStore.rolledThrough(first: first.description, last: last.description, in: tx)
            )
        }
        return Report(
            period: period, start: first.description, last: last.description, by: dimension, branch: branch, through: through?.day,
            rolledAt: through.map { Timestamp(microsecondsSinceEpoch: $0.atMicros).description }, rows: figures.map(Report.Row.init),
            latency: latency.map(Report.Latency.init))
    }

    /// Rolls `day` and the month, quarter and year containing it.
    public func roll(day: CivilDate) async throws {
        try await database.transaction { try await ReportStore.roll(day: day.description, in: $0) }
    }

    /// The days since the last one rolled (at most a month back: older gaps are `countersign report roll`'s), the
    /// last one again (its last minutes came after its roll), and today so far; each on its own, so one failing day
    /// does not keep the others from being rolled. Returns the days that failed, with why.
    public func rollRecent() async -> [(day: CivilDate, error: any Error)] {
        let today = VoucherDesk.chinaToday(time.now())
        let lastRolled = (try? await database.read { try await ReportStore.lastRolled(in: $0) }).flatMap { $0 }.flatMap(CivilDate.init(iso:))
        var day = min(max(lastRolled ?? today, today.adding(days: -31)), today)
        var failed: [(day: CivilDate, error: any Error)] = []
        while day <= today {
            do { try await roll(day: day) } catch { failed.append((day, error)) }
            day = day.adding(days: 1)
        }
        return failed
    }
}

/// A report as asked for (query parameters, all optional): the period containing `date` (today by default), by
/// branch (the default), teller or officer, of one branch or all.
public struct ReportQuery: Sendable {
    public var period: String?
    public var date: String?
    public var by: String?
    public var branch: String?

    public init() {}

    func checked(today: CivilDate) throws -> (ReportPeriod, CivilDate, CivilDate, ReportDimension) {
        guard let period = ReportPeriod(rawValue: period ?? "day") else {
            throw SupervisionError(.badQuery, "period is day, month, quarter or year / 期间为日、月、季或年")
        }
        guard let dimension = ReportDimension(rawValue: by ?? "branch") else {
            throw SupervisionError(.badQuery, "by is branch, teller or officer / 维度为网点、柜员或授权人")
        }
        let day = try date.map { try SearchQuery.day($0, name: "date") } ?? today
        let (first, last) = Self.bounds(of: period, containing: day)
        return (period, first, last, dimension)
    }

    /// The first and last day of the period containing `day`.
    static func bounds(of period: ReportPeriod, containing day: CivilDate) -> (CivilDate, CivilDate) {
        let (year, month) = (day.year, day.month)
        func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
        switch period {
        case .day: return (day, day)
        case .month: return (date(year, month, 1), date(year, month, CivilDate.days(inMonth: month, of: year)))
        case .quarter:
            let first = (month - 1) / 3 * 3 + 1
            return (date(year, first, 1), date(year, first + 2, CivilDate.days(inMonth: first + 2, of: year)))
        case .year: return (date(year, 1, 1), date(year, 12, 31))
        }
    }
}

public struct Report: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        let key, branch, code, currency: String
        let transactions, committed, authorized, decisions, approvals, returns, rejects, timeouts: Int
        let amountMinor: Int64

        init(_ f: ReportFigures) {
            (key, branch, code, currency, amountMinor) = (f.key, f.branch, f.code, f.currency, f.amountMinor)
            (transactions, committed, authorized, decisions) = (f.transactions, f.committed, f.authorized, f.decisions)
            (approvals, returns, rejects, timeouts) = (f.approvals, f.returns, f.rejects, f.timeouts)
        }

        enum CodingKeys: String, CodingKey {
            case key, branch, code, currency, transactions, committed, authorized, decisions, approvals, returns, rejects, timeouts
            case amountMinor = "amount_minor"
        }
    }

    /// A key's authorization latency: how many were decided, and the bounds under which half and 95 % of them were
    /// (the upper bound of the bucket the percentile falls in; absent past an hour).
    public struct Latency: Sendable, Encodable {
        let key, branch: String
        let decided: Int
        let p50Ms, p95Ms: Int64?

        init(_ l: ReportLatency) {
            (key, branch, decided) = (l.key, l.branch, l.buckets.reduce(0, +))
            p50Ms = Self.percentile(0.50, l.buckets)
            p95Ms = Self.percentile(0.95, l.buckets)
        }

        static func percentile(_ q: Double, _ buckets: [Int]) -> Int64? {
            let total = buckets.reduce(0, +)
            guard total > 0 else { return nil }
            let rank = Int((q * Double(total)).rounded(.up))
            var seen = 0
            for (index, count) in buckets.enumerated() {
                seen += count
                if seen >= rank { return index < ReportStore.latencyBounds.count ? ReportStore.latencyBounds[index] : nil }
            }
            return nil
        }

        enum CodingKeys: String, CodingKey {
            case key, branch, decided
            case p50Ms = "p50_ms"
            case p95Ms = "p95_ms"
        }
    }

    let period: ReportPeriod
    let start, last: String
    public let by: ReportDimension
    let branch: String?
    /// The last day of the period rolled so far, and when: the figures go through it.
    let through: String?
    let rolledAt: String?
    let rows: [Row]
    let latency: [Latency]

    enum CodingKeys: String, CodingKey {
        case period, start, last, by, branch, through, rows, latency
        case rolledAt = "rolled_at"
    }

    /// The period as people name it: 2026-12-05, 2026-12, 2026-Q4, 2026 (a file's name, a sheet's title).
    public var periodName: String {
        switch period {
        case .day: start
        case .month: String(start.prefix(7))
        case .quarter: "\(start.prefix(4))-Q\(((Int(start.dropFirst(5).prefix(2)) ?? 1) - 1) / 3 + 1)"
        case .year: String(start.prefix(4))
        }
    }
}
