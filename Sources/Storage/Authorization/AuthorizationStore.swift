public import Audit
import Foundation
import PostgresNIO

/// Transactions and authorization requests in PostgreSQL. Every write here runs inside the caller's transaction,
/// next to its audit event; the guard triggers of migration 0005 refuse what breaks an invariant.
public enum AuthorizationStore {
    public struct NewTransaction: Sendable {
        public var branch: String
        public var teller: String
        public var terminal: String?
        public var code: String
        public var amountMinor: Int64
        public var currency: String
        public var keyID: String
        public var payloadCiphertext: [UInt8]
        public var payloadDigest: ChainHash
        public var ruleSetVersion: String
        public var factsJSON: String
        public var matchedRules: [String]
        /// The strictest requirement of the matched rules as JSON; nil when no authorization is needed.
        public var requirementJSON: String?
        public var at: AuditTimestamp

        public init(
            branch: String, teller: String, terminal: String?, code: String, amountMinor: Int64, currency: String, keyID: String,
            payloadCiphertext: [UInt8], payloadDigest: ChainHash, ruleSetVersion: String, factsJSON: String, matchedRules: [String],
            requirementJSON: String?, at: AuditTimestamp
        ) {
            self.branch = branch
            self.teller = teller
            self.terminal = terminal
            self.code = code
            self.amountMinor = amountMinor
            self.currency = currency
            self.keyID = keyID
            self.payloadCiphertext = payloadCiphertext
            self.payloadDigest = payloadDigest
            self.ruleSetVersion = ruleSetVersion
            self.factsJSON = factsJSON
            self.matchedRules = matchedRules
            self.requirementJSON = requirementJSON
            self.at = at
        }
    }

    public struct TransactionRecord: Sendable {
        public let id: String
        public let branch: String
        public let teller: String
        public let terminal: String?
        public let code: String
        public let amountMinor: Int64
        public let currency: String
        public let keyID: String
        public let payloadCiphertext: [UInt8]
        public let payloadDigest: ChainHash
        public let requirementJSON: String?
        public let state: String
    }

    public static func insertTransaction(_ t: NewTransaction, in tx: Transaction) async throws -> String {
        let at = t.at.microsecondsSinceEpoch
        let state = t.requirementJSON == nil ? "ready" : "needs_authorization"
        let rows = try await tx.query(
            """
            INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
            VALUES ('T' || lpad(nextval('txn_serial')::text, 16, '0'), \(t.branch), \(t.teller), \(t.terminal), \(t.code), \(t.amountMinor),
                \(t.currency), \(t.keyID), \(t.payloadCiphertext.bytea), \(t.payloadDigest.bytes.bytea), \(t.ruleSetVersion),
                \(t.factsJSON)::jsonb, \(t.matchedRules), \(t.requirementJSON)::jsonb, \(state), us_to_ts(\(at)))
            RETURNING id
            """, context: "insert transaction")
        for try await id in rows.decode(String.self) { return id }
        throw StorageError(.queryFailed, "insert transaction: no id returned")
    }

    public static func transaction(_ id: String, in tx: Transaction) async throws -> TransactionRecord? {
        let rows = try await tx.query(
            """
            SELECT id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext, payload_digest,
                   requirement::text, state
            FROM teller_transactions WHERE id = \(id)
            """, context: "read transaction")
        for try await row in rows.decode(
            (String, String, String, String?, String, Int64, String, String, ByteBuffer, ByteBuffer, String?, String).self)
        {
            return TransactionRecord(
                id: row.0, branch: row.1, teller: row.2, terminal: row.3, code: row.4, amountMinor: row.5, currency: row.6, keyID: row.7,
                payloadCiphertext: row.8.byteArray, payloadDigest: ChainHash(bytes: row.9.byteArray) ?? .zero, requirementJSON: row.10,
                state: row.11)
        }
        return nil
    }

    public struct NewRequest: Sendable {
        public var transaction: TransactionRecord
        public var previousID: String?
        public var version: Int
        public var level: Int
        public var officers: Int
        public var modes: [String]
        public var mode: String
        public var materialDigest: ChainHash
        public var materialJSON: String
        public var unclaimedSeconds: Int
        public var leaseSeconds: Int
        public var tellerWaitSeconds: Int
        public var at: AuditTimestamp

        public init(
            transaction: TransactionRecord, previousID: String?, version: Int, level: Int, officers: Int, modes: [String], mode: String,
            materialDigest: ChainHash, materialJSON: String, unclaimedSeconds: Int, leaseSeconds: Int, tellerWaitSeconds: Int,
            at: AuditTimestamp
        ) {
            self.transaction = transaction
            self.previousID = previousID
            self.version = version
            self.level = level
            self.officers = officers
            self.modes = modes
            self.mode = mode
            self.materialDigest = materialDigest
            self.materialJSON = materialJSON
            self.unclaimedSeconds = unclaimedSeconds
            self.leaseSeconds = leaseSeconds
            self.tellerWaitSeconds = tellerWaitSeconds
            self.at = at
        }
    }

    public static func insertRequest(_ r: NewRequest, in tx: Transaction) async throws -> RequestSnapshot {
        let t = r.transaction
        let at = r.at.microsecondsSinceEpoch
        let deadline = at + Int64(r.tellerWaitSeconds) * 1_000_000
        return try await snapshot(
            tx.query(
                """
                INSERT INTO authz_requests AS r (id, transaction_id, version, previous_id, branch_code, teller_id, terminal, code,
                    amount_minor, currency, level, officers_required, modes, mode, scope, payload_digest, material_digest, material, state,
                    unclaimed_seconds, lease_seconds, created_at, offered_at, teller_deadline)
                VALUES ('R' || lpad(nextval('authz_request_serial')::text, 16, '0'), \(t.id), \(r.version), \(r.previousID), \(t.branch),
                    \(t.teller), \(t.terminal), \(t.code), \(t.amountMinor), \(t.currency), \(r.level), \(r.officers), \(r.modes), \(r.mode),
                    \(r.mode), \(t.payloadDigest.bytes.bytea), \(r.materialDigest.bytes.bytea), \(r.materialJSON)::jsonb, 'pending',
                    \(r.unclaimedSeconds), \(r.leaseSeconds), us_to_ts(\(at)), us_to_ts(\(at)), us_to_ts(\(deadline)))
                RETURNING authz_request_view(r)::text
                """, context: "insert request"))
    }

    public static func insertMaterial(
        requestID: String, kind: String, mediaType: String, keyID: String, ciphertext: [UInt8], sha256: ChainHash, in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO authz_material (request_id, kind, media_type, key_id, ciphertext, sha256)
            VALUES (\(requestID), \(kind), \(mediaType), \(keyID), \(ciphertext.bytea), \(sha256.bytes.bytea))
            """, context: "insert material")
    }

    public static func material(requestID: String, kind: String, in tx: Transaction) async throws -> (String, String, [UInt8])? {
        let rows = try await tx.query(
            "SELECT media_type, key_id, ciphertext FROM authz_material WHERE request_id = \(requestID) AND kind = \(kind)",
            context: "read material")
        for try await (type, key, box) in rows.decode((String, String, ByteBuffer).self) { return (type, key, box.byteArray) }
        return nil
    }

    public static func request(_ id: String, in tx: Transaction) async throws -> RequestSnapshot? {
        try await optionalSnapshot(
            tx.query("SELECT authz_request_view(r)::text FROM authz_requests r WHERE id = \(id)", context: "read request"))
    }

    /// The atomic claim: one UPDATE on the row, so of any number of concurrent claims exactly one finds it pending.
    /// Nil when it was not pending (taken by someone else, decided, or expired). The guard trigger refuses an
    /// officer who is not eligible or not online.
    public static func claim(_ id: String, officer: String, at: AuditTimestamp, in tx: Transaction) async throws -> RequestSnapshot? {
        let now = at.microsecondsSinceEpoch
        return try await optionalSnapshot(
            tx.query(
                """
                UPDATE authz_requests r SET state = 'claimed', claimed_by = \(officer), claimed_at = us_to_ts(\(now)),
                    lease_until = us_to_ts(\(now)) + r.lease_seconds * interval '1 second'
                WHERE id = \(id) AND state = 'pending'
                RETURNING authz_request_view(r)::text
                """, context: "claim"))
    }

    /// Records the claimant's decision and moves the request on. The decision row names the digests the officer
    /// saw; the foreign key refuses them unless they are the request's own.
    public static func decide(
        _ id: String, officer: String, decision: String, reason: String?, payloadDigest: ChainHash, materialDigest: ChainHash,
        at: AuditTimestamp, in tx: Transaction
    ) async throws -> RequestSnapshot {
        let now = at.microsecondsSinceEpoch
        try await tx.query(
            """
            INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, reason, payload_digest, material_digest, claimed_at,
                                         decided_at)
            SELECT id, \(officer), teller_id, \(decision), \(reason), \(payloadDigest.bytes.bytea), \(materialDigest.bytes.bytea),
                   coalesce(claimed_at, us_to_ts(\(now))), us_to_ts(\(now))
            FROM authz_requests WHERE id = \(id)
            """, context: "decide")
        // A first approval of two puts the request back in the pool for a second, different officer.
        return try await snapshot(
            tx.query(
                """
                UPDATE authz_requests r SET
                    approvals = r.approvals + CASE WHEN \(decision) = 'approve' THEN 1 ELSE 0 END,
                    state = CASE \(decision) WHEN 'reject' THEN 'rejected' WHEN 'return' THEN 'returned'
                                 ELSE CASE WHEN r.approvals + 1 >= r.officers_required THEN 'approved' ELSE 'pending' END END,
                    claimed_by = NULL, claimed_at = NULL, lease_until = NULL,
                    offered_at = us_to_ts(\(now)),
                    assigned_to = CASE WHEN \(decision) = 'approve' AND r.approvals + 1 < r.officers_required AND r.scope = 'central'
                                       THEN authz_pick_officer(r, \(officer)) ELSE r.assigned_to END,
                    decided_at = CASE WHEN \(decision) = 'approve' AND r.approvals + 1 < r.officers_required THEN NULL
                                      ELSE us_to_ts(\(now)) END
                WHERE id = \(id)
                RETURNING authz_request_view(r)::text
                """, context: "decide"))
    }

    /// Marks the approved request of a transaction committed, then the transaction; both only for `digest`.
    /// Returns nil when there is no approved request for exactly this payload.
    public static func commit(transaction id: String, digest: ChainHash, requiresApproval: Bool, at: AuditTimestamp, in tx: Transaction)
        async throws -> RequestSnapshot?
    {
        let now = at.microsecondsSinceEpoch
        var request: RequestSnapshot?
        if requiresApproval {
            request = try await optionalSnapshot(
                tx.query(
                    """
                    UPDATE authz_requests r SET state = 'committed', committed_at = us_to_ts(\(now))
                    WHERE transaction_id = \(id) AND state = 'approved' AND payload_digest = \(digest.bytes.bytea)
                    RETURNING authz_request_view(r)::text
                    """, context: "commit"))
            guard request != nil else { return nil }
        }
        let rows = try await tx.query(
            """
            UPDATE teller_transactions SET state = 'committed', committed_at = us_to_ts(\(now)), committed_digest = \(digest.bytes.bytea)
            WHERE id = \(id) AND state IN ('ready', 'needs_authorization') RETURNING id
            """, context: "commit")
        guard try await rows.collect().count == 1 else { throw StorageError(.constraintViolation, "commit: transaction \(id) is not open") }
        return request
    }

    // MARK: Presence and queues

    /// Sets presence; a central officer who leaves gives back the requests assigned to them (reassigned at random).
    public static func setPresence(officer: String, status: String, terminal: String?, at: AuditTimestamp, in tx: Transaction)
        async throws -> [RequestSnapshot]
    {
        let now = at.microsecondsSinceEpoch
        try await tx.query(
            """
            INSERT INTO officer_presence (user_id, status, terminal, updated_at, seen_at)
            VALUES (\(officer), \(status), \(terminal), us_to_ts(\(now)), us_to_ts(\(now)))
            ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, terminal = excluded.terminal, updated_at = excluded.updated_at,
                seen_at = excluded.seen_at
            """, context: "presence")
        guard status != "online" else { return [] }
        return try await snapshots(
            tx.query(
                """
                UPDATE authz_requests r SET assigned_to = authz_pick_officer(r, \(officer)), offered_at = us_to_ts(\(now))
                WHERE r.assigned_to = \(officer) AND r.state = 'pending'
                RETURNING authz_request_view(r)::text
                """, context: "presence"))
    }

    /// Records that these officers' consoles are connected (a heartbeat; not audited, it changes no state).
    public static func seen(officers: [String], at: AuditTimestamp, in tx: Transaction) async throws {
        guard !officers.isEmpty else { return }
        try await tx.query(
            """
            UPDATE officer_presence SET seen_at = greatest(seen_at, us_to_ts(\(at.microsecondsSinceEpoch)))
            WHERE user_id = ANY (\(officers)) AND status <> 'offline'
            """, context: "presence")
    }

    /// Officers marked online or paused but not seen since `cutoff`, locked for this transaction (other sweepers
    /// skip them), with their branch and when they were last seen.
    public static func silentOfficers(seenBefore cutoff: AuditTimestamp, limit: Int, in tx: Transaction) async throws
        -> [(officer: String, branch: String, seenAtUs: Int64)]
    {
        let rows = try await tx.query(
            """
            SELECT p.user_id, u.branch_code, ts_to_us(p.seen_at) FROM officer_presence p JOIN users u ON u.id = p.user_id
            WHERE p.status <> 'offline' AND p.seen_at < us_to_ts(\(cutoff.microsecondsSinceEpoch))
            ORDER BY p.seen_at LIMIT \(limit) FOR UPDATE OF p SKIP LOCKED
            """, context: "presence")
        var silent: [(officer: String, branch: String, seenAtUs: Int64)] = []
        for try await (officer, branch, seen) in rows.decode((String, String, Int64).self) { silent.append((officer, branch, seen)) }
        return silent
    }

    public static func presence(officer: String, in tx: Transaction) async throws -> String {
        let rows = try await tx.query("SELECT status FROM officer_presence WHERE user_id = \(officer)", context: "presence")
        for try await status in rows.decode(String.self) { return status }
        return "offline"
    }

    /// What an officer sees: open requests offered to them (eligible, and they are online) and the ones they hold.
    public static func queue(officer: String, limit: Int, in tx: Transaction) async throws -> [RequestSnapshot] {
        try await snapshots(
            tx.query(
                """
                SELECT authz_request_view(r)::text FROM authz_requests r
                WHERE (r.state = 'pending' AND authz_eligible(\(officer), r)
                       AND EXISTS (SELECT 1 FROM officer_presence p WHERE p.user_id = \(officer) AND p.status = 'online'))
                   OR (r.state = 'claimed' AND r.claimed_by = \(officer))
                ORDER BY r.created_at LIMIT \(limit)
                """, context: "queue"))
    }

    /// Feed rows after `afterID`; with `user`, only those that concern them (their own requests as teller, offers
    /// to them, their claims).
    public static func feed(after afterID: Int64, user: String? = nil, limit: Int, in tx: Transaction) async throws -> [RequestSnapshot] {
        try await snapshots(
            tx.query(
                """
                SELECT (snapshot || jsonb_build_object('feed_id', id))::text FROM authz_feed
                WHERE id > \(afterID) AND (\(user)::text IS NULL OR snapshot ->> 'teller' = \(user) OR snapshot ->> 'claimed_by' = \(user)
                                           OR snapshot -> 'offered_to' ? \(user))
                ORDER BY id LIMIT \(limit)
                """, context: "feed"))
    }

    /// Officers and supervisors whose presence is online right now.
    public static func onlineOfficers(in tx: Transaction) async throws -> [String] {
        var ids: [String] = []
        let rows = try await tx.query("SELECT user_id FROM officer_presence WHERE status = 'online' ORDER BY user_id", context: "presence")
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// Deletes announced feed rows older than `retentionSeconds` by the database's clock, the oldest first, at most
    /// `limit` (see migration 0013).
    public static func pruneFeed(retentionSeconds: Int, limit: Int, in tx: Transaction) async throws -> Int {
        let rows = try await tx.query("SELECT authz_feed_prune(\(retentionSeconds), \(limit))", context: "prune feed")
        for try await count in rows.decode(Int32.self) { return Int(count) }
        return 0
    }

    public static func latestFeedID(in tx: Transaction) async throws -> Int64 {
        let rows = try await tx.query("SELECT coalesce(max(id), 0) FROM authz_feed", context: "feed")
        for try await id in rows.decode(Int64.self) { return id }
        return 0
    }

    // MARK: Timeouts

    /// Claims held past their lease go back to the pool (in central, to another officer at random), each lapse
    /// recorded for the statistics. Returns the requests with the officer who lost each.
    public static func expireLeases(at: AuditTimestamp, limit: Int, in tx: Transaction) async throws -> [(RequestSnapshot, String)] {
        let now = at.microsecondsSinceEpoch
        let rows = try await tx.query(
            """
            WITH due AS (
                SELECT id, claimed_by, claimed_at FROM authz_requests
                WHERE state = 'claimed' AND lease_until <= us_to_ts(\(now)) ORDER BY lease_until LIMIT \(limit) FOR UPDATE SKIP LOCKED),
            lapsed AS (
                INSERT INTO authz_lease_expiries (request_id, officer_id, claimed_at, expired_at)
                SELECT id, claimed_by, claimed_at, us_to_ts(\(now)) FROM due)
            UPDATE authz_requests r SET state = 'pending', claimed_by = NULL, claimed_at = NULL, lease_until = NULL,
                offered_at = us_to_ts(\(now)),
                assigned_to = CASE WHEN r.scope = 'central' THEN authz_pick_officer(r, due.claimed_by) ELSE r.assigned_to END
            FROM due WHERE r.id = due.id
            RETURNING authz_request_view(r)::text, due.claimed_by
            """, context: "expire leases")
        var result: [(RequestSnapshot, String)] = []
        for try await (json, officer) in rows.decode((String, String).self) { result.append((try RequestSnapshot.decode(json: json), officer)) }
        return result
    }

    /// Requests unclaimed past their rule's limit are offered one step wider; in central, to another officer.
    public static func escalate(at: AuditTimestamp, limit: Int, in tx: Transaction) async throws -> [(RequestSnapshot, String)] {
        let now = at.microsecondsSinceEpoch
        let rows = try await tx.query(
            """
            WITH due AS (
                SELECT id, scope FROM authz_requests
                WHERE state = 'pending' AND offered_at + unclaimed_seconds * interval '1 second' <= us_to_ts(\(now))
                  AND (authz_wider_scope(scope, modes) IS NOT NULL OR (scope = 'central' AND assigned_to IS NOT NULL))
                ORDER BY offered_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            UPDATE authz_requests r SET
                scope = coalesce(authz_wider_scope(r.scope, r.modes), r.scope),
                assigned_to = CASE WHEN coalesce(authz_wider_scope(r.scope, r.modes), r.scope) = 'central'
                                   THEN authz_pick_officer(r, r.assigned_to) END,
                offered_at = us_to_ts(\(now))
            FROM due WHERE r.id = due.id
            RETURNING authz_request_view(r)::text, due.scope
            """, context: "escalate")
        var result: [(RequestSnapshot, String)] = []
        for try await (json, from) in rows.decode((String, String).self) { result.append((try RequestSnapshot.decode(json: json), from)) }
        return result
    }

    /// Requests the teller has waited for past the limit are withdrawn; the teller is told through the feed.
    public static func expireTellerWaits(at: AuditTimestamp, limit: Int, in tx: Transaction) async throws -> [RequestSnapshot] {
        let now = at.microsecondsSinceEpoch
        return try await snapshots(
            tx.query(
                """
                WITH due AS (
                    SELECT id FROM authz_requests WHERE state IN ('pending', 'claimed') AND teller_deadline <= us_to_ts(\(now))
                    ORDER BY teller_deadline LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                UPDATE authz_requests r SET state = 'expired', claimed_by = NULL, claimed_at = NULL, lease_until = NULL,
                    decided_at = us_to_ts(\(now))
                FROM due WHERE r.id = due.id
                RETURNING authz_request_view(r)::text
                """, context: "expire waits"))
    }

    // MARK: Decoding

    static func snapshot(_ rows: PostgresRowSequence) async throws -> RequestSnapshot {
        guard let first = try await optionalSnapshot(rows) else { throw StorageError(.notFound, "no such authorization request") }
        return first
    }

    static func optionalSnapshot(_ rows: PostgresRowSequence) async throws -> RequestSnapshot? {
        var result: RequestSnapshot?
        for try await json in rows.decode(String.self) where result == nil { result = try RequestSnapshot.decode(json: json) }
        return result
    }

    static func snapshots(_ rows: PostgresRowSequence) async throws -> [RequestSnapshot] {
        var result: [RequestSnapshot] = []
        for try await json in rows.decode(String.self) { result.append(try RequestSnapshot.decode(json: json)) }
        return result
    }
}

extension AuthorizationStore {
    /// Does the request concern this officer: offered to them now, held by them, or decided by them?
    public static func concerns(officer: String, request id: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            SELECT (r.state = 'pending' AND authz_eligible(\(officer), r)) OR coalesce(r.claimed_by = \(officer), false)
                   OR EXISTS (SELECT 1 FROM authz_decisions d WHERE d.request_id = r.id AND d.officer_id = \(officer))
            FROM authz_requests r WHERE r.id = \(id)
            """, context: "request access")
        for try await yes in rows.decode(Bool.self) { return yes }
        return false
    }
}

extension AuthorizationStore {
    /// Runs `body` in one database transaction and, once it has committed, announces the feed rows it wrote (without
    /// making the caller wait for that). Every change of an authorization request goes through here.
    public static func transaction<Result: Sendable>(on database: Database, _ body: (Transaction) async throws -> Result) async throws -> Result {
        let result = try await database.transaction(body)
        database.feedAnnouncer.announceSoon(database)
        return result
    }

    /// Sends the feed rows not yet announced (see `authz_announce` in migration 0005). Call after a transaction
    /// that changed requests has committed; a failure here loses nothing, as every instance announces once a second.
    @discardableResult
    public static func announce(_ database: Database) async -> Int {
        do {
            return try await database.read { tx in
                var count = 0
                for try await n in try await tx.query("SELECT authz_announce()", context: "announce").decode(Int32.self) { count = Int(n) }
                return count
            }
        } catch is CancellationError {
            return 0  // shutting down: the other instances' periodic pass announces what is left
        } catch {
            database.logger.warning("announcing authorization changes failed; the next periodic pass retries", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
