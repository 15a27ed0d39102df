public import Audit
public import Authorization
import Foundation
public import Kernel
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
        public var payloadDigest: SHA256Hash
        public var ruleSetVersion: String
        public var factsJSON: String
        public var matchedRules: [String]
        /// The strictest requirement of the matched rules as JSON; nil when no authorization is needed.
        public var requirementJSON: String?
        public var at: Timestamp
        /// The rejected transaction this one starts again.
        public var replaces: String?
        /// A keyed digest of the account (or customer) it is about, so the officer can be shown the subject's
        /// recent transactions without the number being stored in clear (migration 0032).
        public var subjectTag: [UInt8]?

        public init(
            branch: String, teller: String, terminal: String?, code: String, amountMinor: Int64, currency: String, keyID: String,
            payloadCiphertext: [UInt8], payloadDigest: SHA256Hash, ruleSetVersion: String, factsJSON: String, matchedRules: [String],
            requirementJSON: String?, at: Timestamp, replaces: String? = nil, subjectTag: [UInt8]? = nil
        ) {
            self.replaces = replaces
            self.subjectTag = subjectTag
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
        public let payloadDigest: SHA256Hash
        public let requirementJSON: String?
        public let state: TransactionState

        public init(
            id: String, branch: String, teller: String, terminal: String?, code: String, amountMinor: Int64, currency: String, keyID: String,
            payloadCiphertext: [UInt8], payloadDigest: SHA256Hash, requirementJSON: String?, state: TransactionState
        ) {
            self.id = id
            self.branch = branch
            self.teller = teller
            self.terminal = terminal
            self.code = code
            self.amountMinor = amountMinor
            self.currency = currency
            self.keyID = keyID
            self.payloadCiphertext = payloadCiphertext
            self.payloadDigest = payloadDigest
            self.requirementJSON = requirementJSON
            self.state = state
        }
    }

    /// The id of transaction number `serial` (from `txn_serial`, reserved beforehand: its audit event names it).
    public static func transactionID(_ serial: Int64) -> String { "T" + zeroPadded(serial) }

    /// The id of request number `serial` (from `authz_request_serial`).
    public static func requestID(_ serial: Int64) -> String { "R" + zeroPadded(serial) }

    static func zeroPadded(_ serial: Int64) -> String {
        let digits = String(serial)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// Stores the transaction as `id` and appends `event` in the same statement (one round trip; the implicit
    /// transaction of a single statement, or the caller's).
    @discardableResult
    public static func insertTransaction(_ t: NewTransaction, id: String, event: AuditLog.Append, in tx: Transaction) async throws -> AuditRecord {
        let at = t.at.microsecondsSinceEpoch
        let state: TransactionState = t.requirementJSON == nil ? .ready : .needsAuthorization
        let rows = try await tx.query(
            """
            WITH t AS (
                INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                    payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at, replaces, subject_tag)
                VALUES (\(id), \(t.branch), \(t.teller), \(t.terminal), \(t.code), \(t.amountMinor), \(t.currency), \(t.keyID),
                    \(t.payloadCiphertext.bytea), \(t.payloadDigest.bytes.bytea), \(t.ruleSetVersion), \(t.factsJSON)::jsonb, \(t.matchedRules),
                    \(t.requirementJSON)::jsonb, \(state.rawValue), us_to_ts(\(at)), \(t.replaces), \(t.subjectTag?.bytea))
                RETURNING id)
            SELECT a.seq, a.at_us, a.prev_hash, a.hash
            FROM t, LATERAL audit_append(\(auditArguments: event)) a
            """, context: "insert transaction")
        return try await event.stored(rows)
    }

    public static func transaction(_ id: String, in tx: Transaction) async throws -> TransactionRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: transactionColumns) FROM teller_transactions t WHERE id = \(id)", context: "read transaction")
        for try await row in rows { return try decodeTransaction(row) }
        return nil
    }

    /// The transaction, and the officer a new request for it in `mode` would be assigned to now (a random pick
    /// among the eligible officers online, in central mode; see `authz_pick_candidate`).
    public static func transactionToRequest(_ id: String, mode: String, in tx: Transaction) async throws -> (TransactionRecord, String?)? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: transactionColumns), authz_pick_candidate(t, \(mode)) AS candidate
            FROM teller_transactions t WHERE id = \(id)
            """, context: "read transaction")
        for try await row in rows { return (try decodeTransaction(row), try PostgresRandomAccessRow(row)["candidate"].decode(String?.self)) }
        return nil
    }

    /// The transaction, and its request approved for exactly `digest` (id and version) if there is one.
    public static func transactionToCommit(_ id: String, digest: SHA256Hash, in tx: Transaction) async throws
        -> (TransactionRecord, (id: String, version: Int)?)?
    {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: transactionColumns), r.id AS request_id, r.version AS request_version
            FROM teller_transactions t
            LEFT JOIN authz_requests r ON r.transaction_id = t.id AND r.state = 'approved' AND r.payload_digest = \(digest.bytes.bytea)
            WHERE t.id = \(id)
            """, context: "read transaction")
        for try await row in rows {
            let columns = PostgresRandomAccessRow(row)
            let request = try columns["request_id"].decode(String?.self)
            let version = try columns["request_version"].decode(Int32?.self)
            return (try decodeTransaction(row), request.flatMap { id in version.map { (id, Int($0)) } })
        }
        return nil
    }

    static let transactionColumns = """
        t.id, t.branch_code, t.teller_id, t.terminal, t.code, t.amount_minor, t.currency, t.key_id, t.payload_ciphertext, t.payload_digest,
        t.requirement::text, t.state
        """

    /// The record from the first columns of a row that starts with ``transactionColumns``.
    private static func decodeTransaction(_ row: PostgresRow) throws -> TransactionRecord {
        let c = try row.decode((String, String, String, String?, String, Int64, String, String, ByteBuffer, ByteBuffer, String?, String).self)
        return TransactionRecord(
            id: c.0, branch: c.1, teller: c.2, terminal: c.3, code: c.4, amountMinor: c.5, currency: c.6, keyID: c.7,
            payloadCiphertext: c.8.byteArray, payloadDigest: SHA256Hash(bytes: c.9.byteArray) ?? .zero, requirementJSON: c.10,
            state: try .stored(c.11, column: "teller_transactions.state"))
    }

    public struct NewRequest: Sendable {
        public var transaction: TransactionRecord
        public var previousID: String?
        public var version: Int
        public var level: Int
        public var officers: Int
        public var modes: [String]
        public var mode: String
        public var materialDigest: SHA256Hash
        public var materialJSON: String
        public var unclaimedSeconds: Int
        public var leaseSeconds: Int
        public var tellerWaitSeconds: Int
        public var at: Timestamp

        public init(
            transaction: TransactionRecord, previousID: String?, version: Int, level: Int, officers: Int, modes: [String], mode: String,
            materialDigest: SHA256Hash, materialJSON: String, unclaimedSeconds: Int, leaseSeconds: Int, tellerWaitSeconds: Int,
            at: Timestamp
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

    /// One piece of material, encrypted, for ``insertRequest(_:id:assignedTo:material:event:in:)``.
    public struct NewMaterial: Sendable {
        public let kind: String
        public let mediaType: String
        public let keyID: String
        public let ciphertext: [UInt8]
        public let sha256: SHA256Hash

        public init(kind: String, mediaType: String, keyID: String, ciphertext: [UInt8], sha256: SHA256Hash) {
            self.kind = kind
            self.mediaType = mediaType
            self.keyID = keyID
            self.ciphertext = ciphertext
            self.sha256 = sha256
        }
    }

    /// Stores the request as `id` (assigned to `assignedTo`, as picked by ``transactionToRequest(_:mode:in:)``), its
    /// material and `event`, in one statement. A named officer who is no longer online and eligible is refused with
    /// the constraint `authz_assigned_available`: pick again.
    public static func insertRequest(
        _ r: NewRequest, id: String, assignedTo: String?, material: [NewMaterial], event: AuditLog.Append, in tx: Transaction
    ) async throws -> RequestSnapshot {
        let t = r.transaction
        let at = r.at.microsecondsSinceEpoch
        let deadline = at + Int64(r.tellerWaitSeconds) * 1_000_000
        let rows = try await tx.query(
            """
            WITH r AS (
                INSERT INTO authz_requests AS x (id, transaction_id, version, previous_id, branch_code, teller_id, terminal, code, amount_minor,
                    currency, level, officers_required, modes, mode, scope, assigned_to, payload_digest, material_digest, material, state,
                    unclaimed_seconds, lease_seconds, created_at, offered_at, teller_deadline)
                VALUES (\(id), \(t.id), \(r.version), \(r.previousID), \(t.branch), \(t.teller), \(t.terminal), \(t.code), \(t.amountMinor),
                    \(t.currency), \(r.level), \(r.officers), \(r.modes), \(r.mode), \(r.mode), \(assignedTo), \(t.payloadDigest.bytes.bytea),
                    \(r.materialDigest.bytes.bytea), \(r.materialJSON)::jsonb, 'pending', \(r.unclaimedSeconds), \(r.leaseSeconds), us_to_ts(\(at)),
                    us_to_ts(\(at)), us_to_ts(\(deadline)))
                RETURNING x.id, authz_request_view(x)::text AS request_view),
            m AS (
                INSERT INTO authz_material (request_id, kind, media_type, key_id, ciphertext, sha256)
                SELECT r.id, u.kind, u.media_type, u.key_id, u.ciphertext, u.sha256
                FROM r, unnest(\(material.map(\.kind)), \(material.map(\.mediaType)), \(material.map(\.keyID)),
                               \(material.map { ByteBuffer(bytes: $0.ciphertext) }), \(material.map { ByteBuffer(bytes: $0.sha256.bytes) }))
                     AS u(kind, media_type, key_id, ciphertext, sha256))
            SELECT r.request_view, a.seq, a.at_us, a.prev_hash, a.hash
            FROM r, LATERAL audit_append(\(auditArguments: event)) a
            """, context: "insert request")
        guard let snapshot = try await snapshotWithEvent(rows, event) else { throw StorageError(.queryFailed, "insert request: no row") }
        return snapshot
    }

    /// Records that `officer`'s own credentials were checked at `terminal` for local request `requestID`: the
    /// presence the claim guard requires of local mode (every other mode requires the officer online).
    public static func recordLocalCredentials(
        requestID: String, officer: String, terminal: String, at: Timestamp, in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO authz_local_credentials (request_id, officer_id, terminal, verified_at)
            VALUES (\(requestID), \(officer), \(terminal), us_to_ts(\(at.microsecondsSinceEpoch)))
            """, context: "record local credentials")
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

    /// The atomic claim, with its audit event, in one statement: one UPDATE on the row, so of any number of
    /// concurrent claims exactly one finds it pending. `event` was computed from the request as read, in scope
    /// `scope`; the claim holds only while the request is still pending in that scope. Nil when it is not (taken by
    /// someone else, decided, expired or widened). The guard trigger refuses an officer who is not eligible or not
    /// online.
    public static func claim(
        _ id: String, officer: String, at: Timestamp, scope: String, event: AuditLog.Append, in tx: Transaction
    ) async throws -> RequestSnapshot? {
        let now = at.microsecondsSinceEpoch
        return try await snapshotWithEvent(
            tx.query(
                """
                WITH c AS (
                    UPDATE authz_requests r SET state = 'claimed', claimed_by = \(officer), claimed_at = us_to_ts(\(now)),
                        lease_until = us_to_ts(\(now)) + r.lease_seconds * interval '1 second'
                    WHERE id = \(id) AND state = 'pending' AND scope = \(scope)
                    RETURNING authz_request_view(r)::text AS request_view)
                SELECT c.request_view, a.seq, a.at_us, a.prev_hash, a.hash
                FROM c, LATERAL audit_append(\(auditArguments: event)) a
                """, context: "claim"), event)
    }

    /// Records the claimant's decision, moves the request on and appends `event`, in one statement
    /// (`authz_decide`). The decision row names the digests the officer saw; the foreign key refuses them unless
    /// they are the request's own. `approvals` is the count the event was computed from; if the request no longer
    /// has it, nothing is written.
    public static func decide(
        _ id: String, officer: String, decision: AuthorizationDecision, reason: String?, payloadDigest: SHA256Hash, materialDigest: SHA256Hash,
        approvals: Int, at: Timestamp, event: AuditLog.Append, in tx: Transaction
    ) async throws -> RequestSnapshot {
        let rows = try await tx.query(
            """
            SELECT request_view, seq, at_us, prev_hash, hash FROM authz_decide(
                \(id), \(officer), \(decision.rawValue), \(reason), \(payloadDigest.bytes.bytea), \(materialDigest.bytes.bytea), \(at.microsecondsSinceEpoch),
                \(Int32(approvals)), \(auditArguments: event))
            """, context: "decide")
        guard let snapshot = try await snapshotWithEvent(rows, event) else { throw StorageError(.queryFailed, "decide: no row") }
        return snapshot
    }

    /// Commits the transaction with `digest` and appends `event`, in one statement (`authz_commit`): first its
    /// approved request `request` (nil when it needed no authorization), then the transaction. `committed` is false,
    /// and nothing is written, when `request` is not approved for exactly this payload.
    public static func commit(
        transaction id: String, digest: SHA256Hash, request: String?, at: Timestamp, event: AuditLog.Append, in tx: Transaction
    ) async throws -> (committed: Bool, request: RequestSnapshot?) {
        let rows = try await tx.query(
            """
            SELECT request_view, seq, at_us, prev_hash, hash FROM authz_commit(
                \(id), \(digest.bytes.bytea), \(request), \(at.microsecondsSinceEpoch), \(auditArguments: event))
            """, context: "commit")
        let views = try await viewsWithEvent(rows, event)
        return (!views.isEmpty, views.first ?? nil)
    }

    // MARK: Presence and queues

    /// Sets presence; a central officer who leaves gives back the requests assigned to them (reassigned at random).
    public static func setPresence(officer: String, status: OfficerPresence, terminal: String?, at: Timestamp, in tx: Transaction)
        async throws -> [RequestSnapshot]
    {
        let now = at.microsecondsSinceEpoch
        try await tx.query(
            """
            INSERT INTO officer_presence (user_id, status, terminal, updated_at, seen_at)
            VALUES (\(officer), \(status.rawValue), \(terminal), us_to_ts(\(now)), us_to_ts(\(now)))
            ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, terminal = excluded.terminal, updated_at = excluded.updated_at,
                seen_at = excluded.seen_at
            """, context: "presence")
        guard status != .online else { return [] }
        return try await snapshots(
            tx.query(
                """
                UPDATE authz_requests r SET assigned_to = authz_pick_officer(r, \(officer)), offered_at = us_to_ts(\(now))
                WHERE r.assigned_to = \(officer) AND r.state = 'pending'
                RETURNING authz_request_view(r)::text
                """, context: "presence"))
    }

    /// Records that these officers' consoles are connected (a heartbeat; not audited, it changes no state).
    public static func seen(officers: [String], at: Timestamp, in tx: Transaction) async throws {
        guard !officers.isEmpty else { return }
        try await tx.query(
            """
            UPDATE officer_presence SET seen_at = greatest(seen_at, us_to_ts(\(at.microsecondsSinceEpoch)))
            WHERE user_id = ANY (\(officers)) AND status <> 'offline'
            """, context: "presence")
    }

    /// Officers marked online or paused but not seen since `cutoff`, locked for this transaction (other sweepers
    /// skip them), with their branch and when they were last seen.
    public static func silentOfficers(seenBefore cutoff: Timestamp, limit: Int, in tx: Transaction) async throws
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

    public static func presence(officer: String, in tx: Transaction) async throws -> OfficerPresence {
        let rows = try await tx.query("SELECT status FROM officer_presence WHERE user_id = \(officer)", context: "presence")
        for try await status in rows.decode(String.self) { return try .stored(status, column: "officer_presence.status") }
        return .offline
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
        let rows = try await tx.query(
            "SELECT authz_feed_prune(\(Int32(clamping: retentionSeconds)), \(Int32(clamping: limit)))", context: "prune feed")
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
    public static func expireLeases(at: Timestamp, limit: Int, in tx: Transaction) async throws -> [(RequestSnapshot, String)] {
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
    public static func escalate(at: Timestamp, limit: Int, in tx: Transaction) async throws -> [(RequestSnapshot, String)] {
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
    public static func expireTellerWaits(at: Timestamp, limit: Int, in tx: Transaction) async throws -> [RequestSnapshot] {
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

    static func optionalSnapshot(_ rows: PostgresRowSequence) async throws -> RequestSnapshot? {
        var result: RequestSnapshot?
        for try await json in rows.decode(String.self) where result == nil { result = try RequestSnapshot.decode(json: json) }
        return result
    }

    /// The request views of a statement that also appended `event` (rows of request view, seq, at_us, prev_hash,
    /// hash), each after the event's self-check: empty when the statement changed nothing; a nil view where the
    /// statement changed no request (a commit without authorization).
    static func viewsWithEvent(_ rows: PostgresRowSequence, _ event: AuditLog.Append) async throws -> [RequestSnapshot?] {
        var views: [RequestSnapshot?] = []
        for try await (json, seq, at, prev, hash) in rows.decode((String?, Int64, Int64, ByteBuffer, ByteBuffer).self) {
            _ = try event.stored((seq, at, prev, hash))
            views.append(try json.map { try RequestSnapshot.decode(json: $0) })
        }
        return views
    }

    /// The one request such a statement changed, nil when it changed nothing.
    static func snapshotWithEvent(_ rows: PostgresRowSequence, _ event: AuditLog.Append) async throws -> RequestSnapshot? {
        try await viewsWithEvent(rows, event).first ?? nil
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

    /// Runs `body`, one statement that changes requests and appends its event (PostgreSQL's implicit transaction),
    /// and announces the feed rows it wrote once it has committed, like ``transaction(on:_:)``.
    public static func statement<Result: Sendable>(on database: Database, _ body: (Transaction) async throws -> Result) async throws -> Result {
        let result = try await database.statement(body)
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
