import NIOCore
import PostgresNIO

/// What an auditor searches transactions by (issue #18, part 4). Every filter but the time range is optional; the
/// range is the submission time, `from` inclusive and `until` exclusive, in microseconds.
public struct TransactionFilter: Sendable, Equatable {
    public var fromMicros: Int64
    public var untilMicros: Int64
    public var branch: String?
    public var teller: String?
    /// Transactions one of whose requests this officer decided (approved, returned or rejected).
    public var officer: String?
    public var code: String?
    public var minimumMinor: Int64?
    public var maximumMinor: Int64?
    public var currency: String?
    public var state: String?
    /// A transaction, voucher or authorization request id: the transaction it is or belongs to, whatever its date.
    public var lookup: String?
    /// Keyset pagination: only transactions older than this one (its submission time and id), newest first.
    public var before: TransactionCursor?
    public var limit: Int

    public init(fromMicros: Int64, untilMicros: Int64, limit: Int) {
        (self.fromMicros, self.untilMicros, self.limit) = (fromMicros, untilMicros, limit)
    }
}

/// Where a page of results ended: the last row's submission time and id. As text, "<micros>-<id>".
public struct TransactionCursor: Sendable, Equatable, CustomStringConvertible {
    public let submittedMicros: Int64
    public let id: String

    public init(submittedMicros: Int64, id: String) {
        (self.submittedMicros, self.id) = (submittedMicros, id)
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), parts[1].utf8.count <= 20 else { return nil }
        self.init(submittedMicros: micros, id: String(parts[1]))
    }

    public var description: String { "\(submittedMicros)-\(id)" }
}

/// One transaction in the auditor's result list.
public struct FoundTransaction: Sendable, Equatable {
    public let id: String
    public let submittedMicros: Int64
    public let committedMicros: Int64?
    public let branch: String
    public let teller: String
    public let code: String
    public let amountMinor: Int64
    public let currency: String
    public let state: String
    /// The state of its latest authorization request, if it needed one.
    public let authorization: String?
    /// The officers who decided its requests, in the order they decided.
    public let officers: [String]
    public let voucher: String?
}

public enum TransactionSearch {
    /// One page, newest first. Each filter is an equality on an indexed column with the submission time (migration
    /// 0041), so the page is read from one index range, however many transactions the range holds.
    public static func find(_ filter: TransactionFilter, in tx: Transaction) async throws -> [FoundTransaction] {
        var binds = PostgresBindings()
        var clauses: [String] = []
        func bind(_ value: some PostgresEncodable & Sendable) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
        let (from, until) = (try bind(filter.fromMicros), try bind(filter.untilMicros))
        if let lookup = filter.lookup {
            let id = try bind(lookup)
            clauses.append(
                """
                t.id = coalesce((SELECT v.transaction_id FROM vouchers v WHERE v.id = \(id)),
                                (SELECT r.transaction_id FROM authz_requests r WHERE r.id = \(id)), \(id))
                """)
        } else {
            clauses.append("t.submitted_at >= us_to_ts(\(from)) AND t.submitted_at < us_to_ts(\(until))")
        }
        if let branch = filter.branch { clauses.append("t.branch_code = \(try bind(branch))") }
        if let teller = filter.teller { clauses.append("t.teller_id = \(try bind(teller))") }
        if let code = filter.code { clauses.append("t.code = \(try bind(code))") }
        if let currency = filter.currency { clauses.append("t.currency = \(try bind(currency))") }
        if let state = filter.state { clauses.append("t.state = \(try bind(state))") }
        if let minimum = filter.minimumMinor { clauses.append("t.amount_minor >= \(try bind(minimum))") }
        if let maximum = filter.maximumMinor { clauses.append("t.amount_minor <= \(try bind(maximum))") }
        if let officer = filter.officer {
            // Decisions come after the submission, within the teller's wait: a day past the range is ample.
            clauses.append(
                """
                t.id IN (SELECT r.transaction_id FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
                         WHERE d.officer_id = \(try bind(officer)) AND d.decided_at >= us_to_ts($1)
                           AND d.decided_at < us_to_ts($2) + interval '1 day')
                """)
        }
        if let before = filter.before {
            clauses.append("(t.submitted_at, t.id) < (us_to_ts(\(try bind(before.submittedMicros))), \(try bind(before.id)))")
        }
        // The page's ids first, from the index alone (every column filtered by is in it, migration 0044); then
        // only those rows are read, with what the list shows of their requests and voucher.
        let sql = """
            WITH page AS (
                SELECT t.id, t.submitted_at FROM teller_transactions t
                WHERE \(clauses.joined(separator: "\n  AND "))
                ORDER BY t.submitted_at DESC, t.id DESC
                LIMIT \(try bind(Int64(filter.limit)))
            )
            SELECT t.id, ts_to_us(t.submitted_at), ts_to_us(t.committed_at), t.branch_code, t.teller_id, t.code, t.amount_minor,
                   t.currency, t.state,
                   (SELECT r.state FROM authz_requests r WHERE r.transaction_id = t.id ORDER BY r.version DESC LIMIT 1),
                   coalesce(ARRAY(SELECT d.officer_id FROM authz_requests r JOIN authz_decisions d ON d.request_id = r.id
                                  WHERE r.transaction_id = t.id ORDER BY d.decided_at), '{}'),
                   (SELECT v.id FROM vouchers v WHERE v.transaction_id = t.id)
            FROM page JOIN teller_transactions t ON t.id = page.id
            ORDER BY page.submitted_at DESC, page.id DESC
            """
        let rows = try await tx.query(PostgresQuery(unsafeSQL: sql, binds: binds), context: "transaction search")
        var found: [FoundTransaction] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            found.append(
                FoundTransaction(
                    id: try c[0].decode(String.self), submittedMicros: try c[1].decode(Int64.self), committedMicros: try c[2].decode(Int64?.self),
                    branch: try c[3].decode(String.self), teller: try c[4].decode(String.self), code: try c[5].decode(String.self),
                    amountMinor: try c[6].decode(Int64.self), currency: try c[7].decode(String.self), state: try c[8].decode(String.self),
                    authorization: try c[9].decode(String?.self), officers: try c[10].decode([String].self), voucher: try c[11].decode(String?.self)))
        }
        return found
    }
}
