import NIOCore
import PostgresNIO

/// What a report is cut by (issue #18, part 5).
public enum ReportPeriod: String, Sendable, CaseIterable, Codable {
    case day, month, quarter, year
}

public enum ReportDimension: String, Sendable, CaseIterable, Codable {
    case branch, teller, officer
}

/// One row of a report: a branch, teller or officer's figures for one transaction code and currency.
public struct ReportFigures: Sendable, Equatable {
    public let key: String
    public let branch: String
    public let code: String
    public let currency: String
    public let transactions: Int
    public let committed: Int
    public let amountMinor: Int64
    public let authorized: Int
    public let decisions: Int
    public let approvals: Int
    public let returns: Int
    public let rejects: Int
    public let timeouts: Int
}

/// A key's authorization latencies as counts per bucket (migration 0042's bounds).
public struct ReportLatency: Sendable, Equatable {
    public let key: String
    public let branch: String
    /// Counts of buckets 1…21, in order.
    public let buckets: [Int]
}

/// The rolled-up figures of migration 0042: written only by `report_roll`, read one index range per report.
public enum ReportStore {
    /// The upper bounds (milliseconds) of latency buckets 1…20; bucket 21 is everything from an hour up.
    public static let latencyBounds: [Int64] = [
        1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 45000, 60000, 90000, 120000, 180000, 300000, 450000, 600000, 900000, 1_200_000,
        1_800_000, 3_600_000,
    ]

    /// Computes `day` ("YYYY-MM-DD", the bank's day) from the records, and the month, quarter and year containing it.
    public static func roll(day: String, in tx: Transaction) async throws {
        try await tx.query("SELECT report_roll(\(day)::date)", context: "report roll").collect()
    }

    public static func figures(
        period: ReportPeriod, start: String, dimension: ReportDimension, branch: String?, in tx: Transaction
    ) async throws -> [ReportFigures] {
        let rows = try await tx.query(
            """
            SELECT key, branch_code, code, currency, transactions, committed, amount_minor, authorized, decisions, approvals, returns,
                   rejects, timeouts
            FROM report_figures
            WHERE period = \(period.rawValue) AND period_start = \(start)::date AND dimension = \(dimension.rawValue)
              AND (\(branch)::text IS NULL OR branch_code = \(branch))
            ORDER BY key, code, currency
            """, context: "report figures")
        var figures: [ReportFigures] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            figures.append(
                ReportFigures(
                    key: try c[0].decode(String.self), branch: try c[1].decode(String.self), code: try c[2].decode(String.self),
                    currency: try c[3].decode(String.self), transactions: try c[4].decode(Int.self), committed: try c[5].decode(Int.self),
                    amountMinor: try c[6].decode(Int64.self), authorized: try c[7].decode(Int.self), decisions: try c[8].decode(Int.self),
                    approvals: try c[9].decode(Int.self), returns: try c[10].decode(Int.self), rejects: try c[11].decode(Int.self),
                    timeouts: try c[12].decode(Int.self)))
        }
        return figures
    }

    public static func latency(
        period: ReportPeriod, start: String, dimension: ReportDimension, branch: String?, in tx: Transaction
    ) async throws -> [ReportLatency] {
        let rows = try await tx.query(
            """
            SELECT key, branch_code, bucket, n FROM report_latency
            WHERE period = \(period.rawValue) AND period_start = \(start)::date AND dimension = \(dimension.rawValue)
              AND (\(branch)::text IS NULL OR branch_code = \(branch))
            ORDER BY key, branch_code, bucket
            """, context: "report latency")
        var latencies: [ReportLatency] = []
        var current: (key: String, branch: String, buckets: [Int])?
        for try await (key, branch, bucket, n) in rows.decode((String, String, Int16, Int).self) {
            // A key has a row per branch it was at in the period (a teller who moved).
            if current?.key != key || current?.branch != branch {
                if let done = current { latencies.append(ReportLatency(key: done.key, branch: done.branch, buckets: done.buckets)) }
                current = (key, branch, Array(repeating: 0, count: 21))
            }
            if (1...21).contains(Int(bucket)) { current?.buckets[Int(bucket) - 1] += n }
        }
        if let done = current { latencies.append(ReportLatency(key: done.key, branch: done.branch, buckets: done.buckets)) }
        return latencies
    }

    /// The days from `first` to `last` (inclusive) rolled at least once, as "YYYY-MM-DD".
    public static func rolledDays(first: String, last: String, in tx: Transaction) async throws -> Set<String> {
        let rows = try await tx.query(
            "SELECT day::text FROM report_rolls WHERE day BETWEEN \(first)::date AND \(last)::date", context: "report rolls")
        var days: Set<String> = []
        for try await day in rows.decode(String.self) { days.insert(day) }
        return days
    }

    /// The last day rolled, if any.
    public static func lastRolled(in tx: Transaction) async throws -> String? {
        for try await day in try await tx.query("SELECT max(day)::text FROM report_rolls", context: "report rolls").decode(String?.self) {
            return day
        }
        return nil
    }

    /// The latest day from `first` to `last` (inclusive) that was rolled, and when: the report's figures go through it.
    public static func rolledThrough(first: String, last: String, in tx: Transaction) async throws -> (day: String, atMicros: Int64)? {
        let rows = try await tx.query(
            """
            SELECT day::text, ts_to_us(rolled_at) FROM report_rolls WHERE day BETWEEN \(first)::date AND \(last)::date
            ORDER BY day DESC LIMIT 1
            """, context: "report rolls")
        for try await (day, at) in rows.decode((String, Int64).self) { return (day, at) }
        return nil
    }
}
