import PostgresNIO

/// Per-officer and per-branch figures for the console and supervisors: how much, how fast, how often returned,
/// rejected or timed out. Latencies are means in milliseconds.
public struct AuthorizationStatistics: Sendable, Codable {
    public struct Officer: Sendable, Codable {
        public let officer: String
        public let decisions: Int
        public let approvals: Int
        public let rejects: Int
        public let returns: Int
        /// From the request's creation to this officer's claim.
        public let meanClaimLatencyMs: Double?
        /// From the claim to the decision.
        public let meanDecisionLatencyMs: Double?
        public let leasesExpired: Int

        enum CodingKeys: String, CodingKey {
            case officer, decisions, approvals, rejects, returns
            case meanClaimLatencyMs = "mean_claim_latency_ms"
            case meanDecisionLatencyMs = "mean_decision_latency_ms"
            case leasesExpired = "leases_expired"
        }
    }

    public struct Branch: Sendable, Codable {
        public let branch: String
        public let requests: Int
        public let approved: Int
        public let rejected: Int
        public let returned: Int
        public let expired: Int
        /// Withdrawn by their teller before a decision or a commit (the customer left).
        public let withdrawn: Int
        public let open: Int
        /// From creation to the final decision.
        public let meanTimeToDecisionMs: Double?

        enum CodingKeys: String, CodingKey {
            case branch, requests, approved, rejected, returned, expired, withdrawn, open
            case meanTimeToDecisionMs = "mean_time_to_decision_ms"
        }
    }

    public let officers: [Officer]
    public let branches: [Branch]

    /// Figures for the given officers and branches (nil: all).
    public static func read(officers: [String]?, branches: [String]?, in tx: Transaction) async throws -> AuthorizationStatistics {
        // Officers who decided or let a claim lapse; an officer whose every claim lapsed is exactly who a manager
        // looks for, so they are listed too.
        let officerRows = try await tx.query(
            """
            WITH decided AS (
                SELECT d.officer_id, count(*)::int8 AS decisions,
                       count(*) FILTER (WHERE d.decision = 'approve')::int8 AS approvals,
                       count(*) FILTER (WHERE d.decision = 'reject')::int8 AS rejects,
                       count(*) FILTER (WHERE d.decision = 'return')::int8 AS returns,
                       avg(extract(epoch FROM d.claimed_at - r.created_at) * 1000)::float8 AS claim_ms,
                       avg(extract(epoch FROM d.decided_at - d.claimed_at) * 1000)::float8 AS decision_ms
                FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
                WHERE \(officers)::text[] IS NULL OR d.officer_id = ANY (\(officers)::text[])
                GROUP BY d.officer_id),
            lapsed AS (
                SELECT officer_id, count(*)::int8 AS leases FROM authz_lease_expiries
                WHERE \(officers)::text[] IS NULL OR officer_id = ANY (\(officers)::text[])
                GROUP BY officer_id)
            SELECT coalesce(d.officer_id, l.officer_id), coalesce(d.decisions, 0), coalesce(d.approvals, 0), coalesce(d.rejects, 0),
                   coalesce(d.returns, 0), d.claim_ms, d.decision_ms, coalesce(l.leases, 0)
            FROM decided d FULL JOIN lapsed l ON l.officer_id = d.officer_id
            ORDER BY 1
            """, context: "statistics")
        var officerStats: [Officer] = []
        for try await row in officerRows.decode((String, Int64, Int64, Int64, Int64, Double?, Double?, Int64).self) {
            officerStats.append(
                Officer(
                    officer: row.0, decisions: Int(row.1), approvals: Int(row.2), rejects: Int(row.3), returns: Int(row.4),
                    meanClaimLatencyMs: row.5, meanDecisionLatencyMs: row.6, leasesExpired: Int(row.7)))
        }
        let branchRows = try await tx.query(
            """
            SELECT branch_code, count(*)::int8,
                   count(*) FILTER (WHERE state IN ('approved', 'committed'))::int8, count(*) FILTER (WHERE state = 'rejected')::int8,
                   count(*) FILTER (WHERE state = 'returned')::int8, count(*) FILTER (WHERE state = 'expired')::int8,
                   count(*) FILTER (WHERE state = 'withdrawn')::int8, count(*) FILTER (WHERE state IN ('pending', 'claimed'))::int8,
                   avg(extract(epoch FROM decided_at - created_at) * 1000) FILTER (WHERE state IN ('approved', 'committed', 'rejected', 'returned'))::float8
            FROM authz_requests
            WHERE \(branches)::text[] IS NULL OR branch_code = ANY (\(branches)::text[])
            GROUP BY branch_code ORDER BY branch_code
            """, context: "statistics")
        var branchStats: [Branch] = []
        for try await row in branchRows.decode((String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Double?).self) {
            branchStats.append(
                Branch(
                    branch: row.0, requests: Int(row.1), approved: Int(row.2), rejected: Int(row.3), returned: Int(row.4), expired: Int(row.5),
                    withdrawn: Int(row.6), open: Int(row.7), meanTimeToDecisionMs: row.8))
        }
        return AuthorizationStatistics(officers: officerStats, branches: branchStats)
    }
}
