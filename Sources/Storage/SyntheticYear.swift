public import Audit
import Kernel
import NIOCore
import PostgresNIO

/// A year of a big bank, made up (issue #18, part 6): branches, tellers and centre officers, transactions spread over
/// the year's business hours — a tenth needing authorization, decided by the centre (one in ten of those rejected) —
/// and their audit events in each branch's hash chain, so that searches, evidence pages, reports and `audit verify`
/// are measured on the volume they will face. Development databases only (the command refuses production); written as
/// the owner with the guard triggers off for the seeding transaction — these rows are volume, not evidence — and ids
/// far above any the service issues (T8…, R8…), so the service's own work goes on beside them.
public enum SyntheticYear {
    public struct Plan: Sendable {
        public var branches: Int
        public var tellers: Int
        public var officers: Int
        public var transactions: Int
        public var days: Int
        /// The last day ("YYYY-MM-DD", the bank's day) of the year generated.
        public var lastDay: String

        public init(branches: Int, tellers: Int, officers: Int, transactions: Int, days: Int, lastDay: String) {
            (self.branches, self.tellers, self.officers, self.transactions, self.days, self.lastDay) =
                (branches, tellers, officers, transactions, days, lastDay)
        }

        public func branch(_ index: Int) -> String { "SB" + String(format: "%03d", index + 1) }
    }

    static let guarded = ["teller_transactions", "authz_requests", "authz_decisions", "audit_events", "audit_chain_heads"]

    static func withoutGuards(_ tx: Transaction, _ body: () async throws -> Void) async throws {
        for table in guarded { try await tx.execute(sql: "ALTER TABLE \(table) DISABLE TRIGGER USER") }
        try await body()
        for table in guarded { try await tx.execute(sql: "ALTER TABLE \(table) ENABLE TRIGGER USER") }
    }

    /// The synthetic branches (SB001…), the centre SAC with its officers (so001…), the tellers (st00001…, spread over
    /// the branches); all with `passwordHash` (nobody signs in as them).
    public static func directory(_ plan: Plan, passwordHash: String, in tx: Transaction) async throws {
        try await tx.query(
            """
            INSERT INTO branches (code, name_zh, name_en, kind)
            SELECT 'SB' || lpad(g::text, 3, '0'), '模拟网点 ' || g, 'Synthetic branch ' || g, 'branch' FROM generate_series(1, \(plan.branches)) g
            UNION ALL SELECT 'SAC', '模拟授权中心', 'Synthetic centre', 'centre'
            ON CONFLICT DO NOTHING
            """, context: "synthetic branches")
        try await tx.query(
            """
            INSERT INTO users (id, display_name, branch_code, role, password_hash)
            SELECT 'st' || lpad(g::text, 5, '0'), '模拟柜员 ' || g, 'SB' || lpad((((g - 1) % \(plan.branches)) + 1)::text, 3, '0'), 'teller',
                   \(passwordHash)
            FROM generate_series(1, \(plan.tellers)) g
            UNION ALL
            SELECT 'so' || lpad(g::text, 3, '0'), '模拟授权员 ' || g, 'SAC', 'officer', \(passwordHash) FROM generate_series(1, \(plan.officers)) g
            ON CONFLICT DO NOTHING
            """, context: "synthetic users")
    }

    /// Transactions `first` ..< `first + count` of the plan, with their requests and decisions, in one statement each.
    public static func transactions(_ plan: Plan, first: Int, count: Int, in tx: Transaction) async throws {
        // The only text put into these statements: checked to be a date, digits and dashes.
        guard plan.lastDay.utf8.count == 10, plan.lastDay.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw StorageError(.badConfiguration, "the last day is YYYY-MM-DD")
        }
        let perBranch = max(1, plan.tellers / plan.branches)
        try await withoutGuards(tx) {
            // n: the transaction's number; its branch, teller, day and time follow from it (deterministic, spread).
            try await tx.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH n AS (
                            SELECT g AS n, g % \(plan.branches) AS b,
                                   (('\(plan.lastDay)'::date - (\(plan.days) - 1 - (g * 7919) % \(plan.days))::int)::timestamp - interval '8 hours'
                                     + interval '9 hours' + ((g * 2654435761) % 28800) * interval '1 second') AT TIME ZONE 'UTC' AS at
                            FROM generate_series(\(first)::int8, \(first + count - 1)::int8) g
                        )
                        INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                            payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at,
                            committed_at, committed_digest)
                        SELECT 'T8' || lpad(n::text, 15, '0'), 'SB' || lpad((b + 1)::text, 3, '0'),
                               'st' || lpad((b + \(plan.branches) * ((n / \(plan.branches)) % \(perBranch)) + 1)::text, 5, '0'), 'T01',
                               (ARRAY['cash-withdrawal', 'cash-withdrawal', 'cash-deposit', 'transfer', 'transfer', 'account-opening',
                                      'card-loss', 'cash-deposit'])[(n * 31) % 8 + 1],
                               CASE WHEN n % 10 = 0 THEN (50000 + (n * 48271) % 950000) * 100 ELSE (100 + (n * 48271) % 49900) * 100 END,
                               CASE WHEN n % 20 = 7 THEN 'USD' ELSE 'CNY' END, 'synthetic', '\\x00'::bytea,
                               sha256(convert_to('T8' || n, 'UTF8')), 'synthetic', '{}'::jsonb,
                               CASE WHEN n % 10 = 0 THEN ARRAY['synthetic-band'] ELSE '{}'::text[] END,
                               CASE WHEN n % 10 = 0 THEN '{"level": 1, "officers": 1}'::jsonb END,
                               CASE WHEN n % 100 = 30 OR n % 50 = 1 THEN 'abandoned' ELSE 'committed' END, at,
                               CASE WHEN n % 100 = 30 OR n % 50 = 1 THEN NULL
                                    WHEN n % 10 = 0 THEN at + interval '6 minutes' ELSE at + interval '40 seconds' END,
                               CASE WHEN n % 100 = 30 OR n % 50 = 1 THEN NULL ELSE sha256(convert_to('T8' || n, 'UTF8')) END
                        FROM n
                        """, binds: PostgresBindings()), context: "synthetic transactions")
            try await tx.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO authz_requests (id, transaction_id, version, branch_code, teller_id, terminal, code, amount_minor, currency,
                            level, officers_required, modes, mode, scope, payload_digest, material_digest, material, state, approvals,
                            unclaimed_seconds, lease_seconds, created_at, offered_at, teller_deadline, decided_at, committed_at)
                        SELECT 'R8' || substr(t.id, 3), t.id, 1, t.branch_code, t.teller_id, t.terminal, t.code, t.amount_minor, t.currency,
                               1, 1, ARRAY['central'], 'central', 'central', t.payload_digest, sha256(convert_to('M' || t.id, 'UTF8')), '[]'::jsonb,
                               CASE WHEN t.state = 'committed' THEN 'committed' ELSE 'rejected' END,
                               CASE WHEN t.state = 'committed' THEN 1 ELSE 0 END, 300, 600,
                               t.submitted_at + interval '10 seconds', t.submitted_at + interval '10 seconds', t.submitted_at + interval '30 minutes',
                               t.submitted_at + interval '10 seconds' + ((substr(t.id, 3)::bigint * 7) % 290 + 30) * interval '1 second',
                               CASE WHEN t.state = 'committed' THEN t.committed_at END
                        FROM teller_transactions t
                        WHERE t.id BETWEEN 'T8' || lpad(\(first)::text, 15, '0') AND 'T8' || lpad(\(first + count - 1)::text, 15, '0')
                          AND t.requirement IS NOT NULL
                        """, binds: PostgresBindings()), context: "synthetic requests")
            try await tx.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, reason, payload_digest, material_digest,
                            claimed_at, decided_at)
                        SELECT r.id, 'so' || lpad(((substr(r.id, 3)::bigint / 10) % \(plan.officers) + 1)::text, 3, '0'), r.teller_id,
                               CASE WHEN r.state = 'committed' THEN 'approve' ELSE 'reject' END,
                               CASE WHEN r.state = 'committed' THEN NULL ELSE '资料不全 / incomplete (synthetic)' END,
                               r.payload_digest, r.material_digest, r.created_at + interval '20 seconds', r.decided_at
                        FROM authz_requests r
                        WHERE r.id BETWEEN 'R8' || lpad(\(first)::text, 15, '0') AND 'R8' || lpad(\(first + count - 1)::text, 15, '0')
                        """, binds: PostgresBindings()), context: "synthetic decisions")
        }
    }

    /// How many synthetic transactions are there already: a seeding stopped halfway goes on from the next one.
    public static func seeded(in tx: Transaction) async throws -> Int {
        let rows = try await tx.query(
            "SELECT coalesce(max(substr(id, 3)::bigint), 0) FROM teller_transactions WHERE id LIKE 'T8%'", context: "synthetic seeded")
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// The audit events of `branch`'s synthetic transactions — each decision and each commit — hashed into the
    /// branch's chain in time order, after what the chain holds; returns how many (none when the chain has them already:
    /// each branch's chain is written in one transaction).
    public static func auditChain(branch: String, batch: Int = 20_000, in tx: Transaction) async throws -> Int {
        let done = try await tx.query(
            "SELECT count(*) FROM audit_events WHERE chain_id = \(branch) AND (subject LIKE 'txn:T8%' OR subject LIKE 'authz:R8%')",
            context: "synthetic chain done")
        for try await count in done.decode(Int64.self) where count > 0 { return 0 }
        var head: ChainHead?
        for try await (seq, hash) in try await tx.query(
            "SELECT last_seq, last_hash FROM audit_chain_heads WHERE chain_id = \(branch)", context: "synthetic head"
        ).decode((Int64, ByteBuffer).self) {
            head = ChainHead(chain: branch, seq: seq, hash: SHA256Hash(bytes: hash.byteArray) ?? .zero)
        }
        let rows = try await tx.query(
            """
            SELECT ts_to_us(d.decided_at), d.officer_id, CASE d.decision WHEN 'approve' THEN 'authz.approved' ELSE 'authz.rejected' END,
                   'authz:' || d.request_id, r.amount_minor, r.currency
            FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
            WHERE r.branch_code = \(branch) AND r.id LIKE 'R8%'
            UNION ALL
            SELECT ts_to_us(t.committed_at), t.teller_id, 'txn.committed', 'txn:' || t.id, t.amount_minor, t.currency
            FROM teller_transactions t
            WHERE t.branch_code = \(branch) AND t.id LIKE 'T8%' AND t.state = 'committed'
            ORDER BY 1, 4
            """, context: "synthetic events")
        // Read whole before writing: the connection carries one statement at a time.
        var events: [(Int64, String, String, String, Int64, String)] = []
        for try await row in rows.decode((Int64, String, String, String, Int64, String).self) { events.append(row) }
        var records: [AuditRecord] = []
        var written = 0
        var last = head
        func flush() async throws {
            guard !records.isEmpty else { return }
            try await insert(records, in: tx)
            written += records.count
            records.removeAll(keepingCapacity: true)
        }
        for (micros, actor, action, subject, amount, currency) in events {
            let event = AuditEvent(
                actor: actor, branch: branch, action: action, subject: subject,
                payload: ["amount_minor": .integer(amount), "currency": .string(currency), "synthetic": .bool(true)])
            let record = try AuditRecord(event: event, at: Timestamp(microsecondsSinceEpoch: micros), after: last)
            records.append(record)
            last = record.head
            if records.count == batch { try await flush() }
        }
        try await flush()
        if let last, last != head {
            try await tx.query(
                """
                INSERT INTO audit_chain_heads (chain_id, last_seq, last_at_us, prev_hash, last_hash)
                SELECT chain_id, seq, ts_to_us(at), prev_hash, hash FROM audit_events WHERE chain_id = \(branch) AND seq = \(last.seq)
                ON CONFLICT (chain_id) DO UPDATE SET last_seq = excluded.last_seq, last_at_us = excluded.last_at_us,
                    prev_hash = excluded.prev_hash, last_hash = excluded.last_hash
                """, context: "synthetic head")
        }
        return written
    }

    static func insert(_ records: [AuditRecord], in tx: Transaction) async throws {
        try await withoutGuards(tx) {
            try await tx.query(
                """
                INSERT INTO audit_events (chain_id, seq, at, actor, branch, terminal, action, subject, payload, encoding_version, prev_hash, hash)
                SELECT c, s, us_to_ts(a), ac, b, NULL, act, sub, p, v, ph, h
                FROM unnest(\(records.map(\.chain)), \(records.map(\.seq)), \(records.map(\.time.microsecondsSinceEpoch)),
                            \(records.map(\.actor)), \(records.map { $0.branch ?? "" }), \(records.map(\.action)), \(records.map(\.subject)),
                            \(records.map(\.payload)), \(records.map(\.encodingVersion)), \(records.map { $0.prevHash.bytes.bytea }),
                            \(records.map { $0.hash.bytes.bytea }))
                     AS t(c, s, a, ac, b, act, sub, p, v, ph, h)
                """, context: "synthetic audit events")
        }
    }
}
