public import Kernel
import PostgresNIO

/// The authorization centre's picture of now (issue #18, part 3): the queue by level, mode and state, the oldest
/// request waiting, requests past their timeouts, the officers and what they hold, and today's throughput and
/// latencies. "Today" is the bank's day (China Standard Time) of `at`; ages and timeouts are judged at `at`.
public struct AuthorizationDashboard: Sendable, Codable {
    public struct Queue: Sendable, Codable, Equatable {
        public let level: Int
        public let mode: String
        public let state: String
        public let count: Int
    }

    public struct Officer: Sendable, Codable, Equatable {
        public let officer: String
        public let branch: String
        public let status: String
        /// Requests this officer holds (claimed, not decided).
        public let holding: Int
        public let decidedToday: Int

        enum CodingKeys: String, CodingKey {
            case officer, branch, status, holding
            case decidedToday = "decided_today"
        }
    }

    public struct Latency: Sendable, Codable, Equatable {
        public let p50Ms: Double?
        public let p95Ms: Double?

        enum CodingKeys: String, CodingKey {
            case p50Ms = "p50_ms"
            case p95Ms = "p95_ms"
        }
    }

    /// One hour of the bank's day: requests made, decisions taken, transactions committed in it.
    public struct Hour: Sendable, Codable, Equatable {
        /// 0–23, China Standard Time.
        public let hour: Int
        public let requests: Int
        public let decisions: Int
        public let committed: Int

        public init(hour: Int, requests: Int, decisions: Int, committed: Int) {
            self.hour = hour
            self.requests = requests
            self.decisions = decisions
            self.committed = committed
        }
    }

    public let at: String
    public let queue: [Queue]
    /// How long the oldest pending request has waited since it was offered.
    public let oldestWaitingMs: Int64?
    /// Pending past their unclaimed timeout, held past their lease, open past the teller's deadline.
    public let pastUnclaimedTimeout: Int
    public let pastLease: Int
    public let pastTellerDeadline: Int
    public let officers: [Officer]
    public let requestsToday: Int
    public let decisionsToday: Int
    public let committedToday: Int
    /// From a request's creation to its claim, and from the claim to the decision, over today's decisions.
    public let claimLatency: Latency
    public let decisionLatency: Latency
    /// Today's throughput by the hour, from midnight to the current hour (hours without any are there, as zeros).
    public let byHour: [Hour]

    enum CodingKeys: String, CodingKey {
        case at, queue, officers
        case oldestWaitingMs = "oldest_waiting_ms"
        case pastUnclaimedTimeout = "past_unclaimed_timeout"
        case pastLease = "past_lease"
        case pastTellerDeadline = "past_teller_deadline"
        case requestsToday = "requests_today"
        case decisionsToday = "decisions_today"
        case committedToday = "committed_today"
        case claimLatency = "claim_latency"
        case decisionLatency = "decision_latency"
        case byHour = "by_hour"
    }

    public static func read(at: Timestamp, in tx: Transaction) async throws -> AuthorizationDashboard {
        let now = at.microsecondsSinceEpoch
        var queue: [Queue] = []
        for try await (level, mode, state, count) in try await tx.query(
            """
            SELECT level::int8, mode, state, count(*)::int8 FROM authz_requests WHERE state IN ('pending', 'claimed')
            GROUP BY level, mode, state ORDER BY level, mode, state
            """, context: "dashboard"
        ).decode((Int64, String, String, Int64).self) {
            queue.append(Queue(level: Int(level), mode: mode, state: state, count: Int(count)))
        }
        let figures = try await Self.openFigures(now: now, in: tx)
        var officers: [Officer] = []
        for try await (officer, branch, status, holding, decided) in try await tx.query(
            """
            SELECT p.user_id, u.branch_code, p.status,
                   (SELECT count(*) FROM authz_requests r WHERE r.claimed_by = p.user_id AND r.state = 'claimed')::int8,
                   (SELECT count(*) FROM authz_decisions d WHERE d.officer_id = p.user_id AND d.decided_at >= \(unescaped: dayStart(now)))::int8
            FROM officer_presence p JOIN users u ON u.id = p.user_id
            ORDER BY CASE p.status WHEN 'online' THEN 0 WHEN 'paused' THEN 1 ELSE 2 END, p.user_id
            """, context: "dashboard"
        ).decode((String, String, String, Int64, Int64).self) {
            officers.append(Officer(officer: officer, branch: branch, status: status, holding: Int(holding), decidedToday: Int(decided)))
        }
        let today = try await tx.query(
            """
            SELECT (SELECT count(*) FROM authz_requests WHERE created_at >= \(unescaped: dayStart(now)))::int8,
                   (SELECT count(*) FROM authz_decisions WHERE decided_at >= \(unescaped: dayStart(now)))::int8,
                   (SELECT count(*) FROM teller_transactions WHERE committed_at >= \(unescaped: dayStart(now)))::int8,
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.claimed_at - r.created_at) * 1000)
                      FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id WHERE d.decided_at >= \(unescaped: dayStart(now))),
                   (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM d.claimed_at - r.created_at) * 1000)
                      FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id WHERE d.decided_at >= \(unescaped: dayStart(now))),
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided_at - d.claimed_at) * 1000)
                      FROM authz_decisions d WHERE d.decided_at >= \(unescaped: dayStart(now))),
                   (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided_at - d.claimed_at) * 1000)
                      FROM authz_decisions d WHERE d.decided_at >= \(unescaped: dayStart(now)))
            """, context: "dashboard"
        ).collect().first
        let t = try today?.decode((Int64, Int64, Int64, Double?, Double?, Double?, Double?).self)
        let byHour = try await Self.hours(now: now, in: tx)
        return AuthorizationDashboard(
            at: at.description, queue: queue, oldestWaitingMs: figures.oldestMs, pastUnclaimedTimeout: figures.unclaimed, pastLease: figures.lease,
            pastTellerDeadline: figures.deadline, officers: officers, requestsToday: Int(t?.0 ?? 0), decisionsToday: Int(t?.1 ?? 0),
            committedToday: Int(t?.2 ?? 0), claimLatency: Latency(p50Ms: t?.3, p95Ms: t?.4), decisionLatency: Latency(p50Ms: t?.5, p95Ms: t?.6),
            byHour: byHour)
    }

    /// Today's requests, decisions and commits counted by the hour they happened in, in one pass over each table's
    /// rows of today (the same rows as the day's totals).
    static func hours(now: Int64, in tx: Transaction) async throws -> [Hour] {
        let start = dayStart(now)
        let currentHour = Int((now - dayStartMicroseconds(now)) / 3_600_000_000)
        var counts = [[Int]](repeating: [0, 0, 0], count: currentHour + 1)
        for try await (kind, hour, count) in try await tx.query(
            """
            SELECT kind, floor(extract(epoch FROM at - \(unescaped: start)) / 3600)::int8 AS hour, count(*)::int8 FROM (
                SELECT 0 AS kind, created_at AS at FROM authz_requests WHERE created_at >= \(unescaped: start)
                UNION ALL SELECT 1, decided_at FROM authz_decisions WHERE decided_at >= \(unescaped: start)
                UNION ALL SELECT 2, committed_at FROM teller_transactions WHERE committed_at >= \(unescaped: start)
            ) today GROUP BY 1, 2
            """, context: "dashboard"
        ).decode((Int32, Int64, Int64).self) {
            // A record stamped after `now` (another instance's clock a little ahead) counts in the current hour.
            let index = min(max(0, Int(hour)), currentHour)
            counts[index][Int(kind)] += Int(count)
        }
        return counts.enumerated().map { Hour(hour: $0.offset, requests: $0.element[0], decisions: $0.element[1], committed: $0.element[2]) }
    }

    /// The start of the bank's day (China Standard Time, UTC+8) that contains `now`, as SQL.
    static func dayStart(_ now: Int64) -> String { "us_to_ts(\(dayStartMicroseconds(now)))" }

    static func dayStartMicroseconds(_ now: Int64) -> Int64 {
        let day: Int64 = 86_400_000_000
        let offset: Int64 = 8 * 3_600_000_000
        return ((now + offset) / day) * day - offset
    }

    static func openFigures(now: Int64, in tx: Transaction) async throws -> (oldestMs: Int64?, unclaimed: Int, lease: Int, deadline: Int) {
        let rows = try await tx.query(
            """
            SELECT (extract(epoch FROM us_to_ts(\(now)) - min(offered_at) FILTER (WHERE state = 'pending')) * 1000)::int8,
                   count(*) FILTER (WHERE state = 'pending' AND offered_at + make_interval(secs => unclaimed_seconds) < us_to_ts(\(now)))::int8,
                   count(*) FILTER (WHERE state = 'claimed' AND lease_until < us_to_ts(\(now)))::int8,
                   count(*) FILTER (WHERE teller_deadline < us_to_ts(\(now)))::int8
            FROM authz_requests WHERE state IN ('pending', 'claimed')
            """, context: "dashboard")
        for try await (oldest, unclaimed, lease, deadline) in rows.decode((Int64?, Int64, Int64, Int64).self) {
            return (oldest, Int(unclaimed), Int(lease), Int(deadline))
        }
        return (nil, 0, 0, 0)
    }
}
