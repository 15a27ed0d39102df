import Crypto
import Foundation
import PostgresNIO
import Storage
import Testing

/// Issue #13: connected as the application role, with plain SQL, none of the bank's rules can be stepped around —
/// and the service refuses to start when the database would let it.
@Suite struct ApplicationRoleBypassTests {
    /// A committed CNY 5,000,000 withdrawal with no request and no approval; the same row inserted open is accepted,
    /// so the refusal is about the state and nothing else.
    @Test func aTransactionCannotBeInsertedAlreadyCommitted() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let model = try await h.submit(teller, AuthzHarness.submission(amount: "5000000.00"))
            @Sendable func copy(_ id: String, state: String, committed: Bool) -> PostgresQuery {
                """
                INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                    payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at, committed_at, committed_digest)
                SELECT \(id), branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext, payload_digest,
                    rule_set_version, facts, matched_rules, requirement, \(state), submitted_at,
                    CASE WHEN \(committed) THEN submitted_at END, CASE WHEN \(committed) THEN payload_digest END
                FROM teller_transactions WHERE id = \(model)
                """
            }
            try await h.db.with(h.db.app) { db in
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query(copy("T9000000000000001", state: "committed", committed: true)) }
                }
                try await db.read { try await $0.query(copy("T9000000000000002", state: "needs_authorization", committed: false)) }
            }
            let committed = try await WebHarness.count("SELECT count(*)::int FROM teller_transactions WHERE state = 'committed'", in: h.db)
            #expect(committed == 0)
        }
    }

    /// CNY 300,000 needs level 2 in cross-terminal, cross-branch or central mode: never local.
    @Test func aRequestCannotBeInsertedInAModeTheRulesForbid() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "300000.00"))
            @Sendable func request(_ id: String, mode: String, modes: [String]) -> PostgresQuery {
                """
                INSERT INTO authz_requests (id, transaction_id, version, branch_code, teller_id, terminal, code, amount_minor, currency, level,
                    officers_required, modes, mode, scope, payload_digest, material_digest, material, state, unclaimed_seconds, lease_seconds,
                    created_at, offered_at, teller_deadline)
                SELECT \(id), id, 1, branch_code, teller_id, terminal, code, amount_minor, currency, (requirement ->> 'level')::smallint,
                    (requirement ->> 'officers')::smallint, \(modes), \(mode), \(mode), payload_digest, sha256(''::bytea), '[]'::jsonb, 'pending',
                    60, 120, submitted_at, submitted_at, submitted_at + interval '5 minutes'
                FROM teller_transactions WHERE id = \(transaction)
                """
            }
            let everyMode = ["local", "cross-terminal", "cross-branch", "central"]
            try await h.db.with(h.db.app) { db in
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query(request("R9000000000000001", mode: "local", modes: everyMode)) }
                }
                // Offering more modes than the rules allow is refused too, even when the mode itself is allowed.
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query(request("R9000000000000002", mode: "cross-terminal", modes: everyMode)) }
                }
                try await db.read {
                    try await $0.query(request("R9000000000000003", mode: "cross-terminal", modes: ["central", "cross-branch", "cross-terminal"]))
                }
            }
        }
    }

    /// Local mode's presence is the supervisor's credential check at the request's terminal, recorded with the
    /// claim. Without it (or with one from another terminal) the application role cannot claim in their name.
    @Test func aLocalRequestCannotBeClaimedWithoutTheSupervisorsCredentialCheck() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(code: "customer-info-change", amount: "0"))
            try await h.db.with(h.db.app) { db in
                try await db.read {
                    try await $0.query(
                        """
                        INSERT INTO authz_requests (id, transaction_id, version, branch_code, teller_id, terminal, code, amount_minor, currency,
                            level, officers_required, modes, mode, scope, payload_digest, material_digest, material, state, unclaimed_seconds,
                            lease_seconds, created_at, offered_at, teller_deadline)
                        SELECT 'R9000000000000001', id, 1, branch_code, teller_id, terminal, code, amount_minor, currency,
                            (requirement ->> 'level')::smallint, (requirement ->> 'officers')::smallint,
                            ARRAY(SELECT jsonb_array_elements_text(requirement -> 'modes')), 'local', 'local', payload_digest,
                            sha256(''::bytea), '[]'::jsonb, 'pending', 60, 120, submitted_at, submitted_at, submitted_at + interval '5 minutes'
                        FROM teller_transactions WHERE id = \(transaction)
                        """)
                }
                let claim: PostgresQuery = """
                    UPDATE authz_requests SET state = 'claimed', claimed_by = 'super1', claimed_at = created_at,
                        lease_until = created_at + interval '2 minutes'
                    WHERE id = 'R9000000000000001'
                    """
                await #expect(throws: (any Error).self, "no credential check") { try await db.read { try await $0.query(claim) } }
                await #expect(throws: (any Error).self, "a check at another terminal") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO authz_local_credentials (request_id, officer_id, terminal, verified_at)
                            SELECT id, 'super1', 'T99', created_at FROM authz_requests WHERE id = 'R9000000000000001'
                            """)
                    }
                }
                await #expect(throws: (any Error).self, "a check by the teller") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO authz_local_credentials (request_id, officer_id, terminal, verified_at)
                            SELECT id, teller_id, terminal, created_at FROM authz_requests WHERE id = 'R9000000000000001'
                            """)
                    }
                }
                // With the supervisor's check at the request's own terminal, the same claim goes through.
                try await db.read {
                    try await $0.query(
                        """
                        INSERT INTO authz_local_credentials (request_id, officer_id, terminal, verified_at)
                        SELECT id, 'super1', terminal, created_at FROM authz_requests WHERE id = 'R9000000000000001'
                        """)
                    try await $0.query(claim)
                }
            }
        }
    }

    /// An officer's reject decision finishes the transaction by itself: moving the request to `returned` instead of
    /// `rejected` afterwards (as the application role could) does not reopen it.
    @Test func aRejectionCannotBeTurnedIntoAReturn() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "T02")
            try await h.presence(supervisor, "online")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            #expect(try await h.claim(supervisor, request.id).status == .ok)
            try await h.db.with(h.db.app) { db in
                try await db.read { tx in
                    try await tx.query(
                        """
                        INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, reason, payload_digest, material_digest, claimed_at,
                            decided_at)
                        SELECT id, claimed_by, teller_id, 'reject', 'forged', payload_digest, material_digest, claimed_at, claimed_at
                        FROM authz_requests WHERE id = \(request.id)
                        """)
                    try await tx.query(
                        "UPDATE authz_requests SET state = 'returned', claimed_by = NULL, lease_until = NULL WHERE id = \(request.id)")
                }
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM teller_transactions WHERE state = 'abandoned'", in: h.db) == 1)
            let again = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body: #"{"mode":"cross-terminal","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)]}"#)
            #expect(again.status == .conflict && again.code == "txn.finished", "\(again.code)")
        }
    }

    /// A committed transaction cannot be linked to a made-up counter session to become a voucher.
    @Test func aCommittedTransactionCannotBeLinkedToACounterSession() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "100.00"), required: false)
            let submission = AuthzHarness.submission(amount: "100.00")
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .ok)
            try await h.db.with(h.db.app) { db in
                // A screen, a session, a confirmation and a signature, all made up (the application role may write
                // them; the database cannot check an ECDSA signature, the service does)…
                let session = try await db.transaction { tx -> Int64 in
                    let (device, id) = try await Self.madeUpSession(tx)
                    try await tx.query(
                        """
                        INSERT INTO counter_confirmations (session_id, draft_version, decision, view_digest, key_id, view_ciphertext, at,
                                                           statement, statement_signature)
                        VALUES (\(id), 1, 'confirm', sha256('v'::bytea), 'k', '\\x00', now(),
                                \(Self.statement(device: device, session: id, decision: "confirm")), \(Self.noSignature))
                        """)
                    try await tx.query(
                        """
                        INSERT INTO counter_signatures (session_id, draft_version, view_digest, strokes_sha256, points, key_id, strokes_ciphertext, at,
                                                        statement, statement_signature)
                        VALUES (\(id), 1, sha256('v'::bytea), sha256('x'::bytea), 40, 'k', '\\x00', now(),
                                \(Self.statement(device: device, session: id, decision: "sign", strokes: true)), \(Self.noSignature))
                        """)
                    return id
                }
                // … but the committed transaction is not theirs to book.
                let refused = await #expect(throws: StorageError.self) {
                    try await db.read { tx in
                        try await tx.query(
                            "INSERT INTO counter_transactions (session_id, draft_version, transaction_id) VALUES (\(session), 1, \(transaction))")
                    }
                }
                #expect(refused?.constraint == "counter_books_its_own_transaction")
            }
        }
    }

    /// An enrolled screen (as a supervisor) and a counter session with it, made up by the application role.
    static func madeUpSession(_ tx: Transaction) async throws -> (device: Int64, session: Int64) {
        let device = try await tx.query(
            """
            INSERT INTO screen_devices (branch_code, terminal, public_key, enrolled_by, enrolled_at)
            VALUES ('BR001', 'T01', \(ByteBuffer(repeating: 1, count: 91)), 'super1', now()) RETURNING id
            """
        ).collect().first!.decode(Int64.self)
        let session = try await tx.query(
            """
            INSERT INTO counter_sessions (teller_id, branch_code, terminal, device_id, created_at)
            VALUES ('teller1', 'BR001', 'T01', \(device), now()) RETURNING id
            """
        ).collect().first!.decode(Int64.self)
        return (device, session)
    }

    static let noSignature = ByteBuffer(repeating: 0, count: 64)

    /// The statement text the database holds an answer or a signature to (for sha256('v') and sha256('x')).
    static func statement(device: Int64, session: Int64, decision: String, strokes: Bool = false) -> String {
        let v = SHA256.hash(data: Data("v".utf8)).map { String(format: "%02x", $0) }.joined()
        let x = SHA256.hash(data: Data("x".utf8)).map { String(format: "%02x", $0) }.joined()
        return #"{"at":"2026-01-01T00:00:00.000Z","decision":"\#(decision)","device":\#(device),"session":\#(session),"#
            + (strokes ? #""strokes_sha256":"\#(x)","# : "") + #""type":"countersign.screen.v1","version":1,"view_sha256":"\#(v)"}"#
    }

    /// Issue #14: what the customer screen answers is held by the database to the screen enrolled for the
    /// session's terminal — a teller at an unregistered terminal, a screen enrolled by a teller, a session without
    /// the enrolled screen, an answer without the screen's statement or with one for something else are refused.
    @Test func theApplicationRoleCannotAnswerForAScreen() async throws {
        try await AuthzHarness.run { h in
            try await h.db.with(h.db.app) { db in
                func refusal(_ sql: String) async -> String? {
                    let error = await #expect(throws: StorageError.self) { try await db.read { try await $0.execute(sql: sql) } }
                    return error?.constraint
                }
                let token = "sha256('t'::bytea)"
                #expect(
                    await refusal(
                        "INSERT INTO sessions (token_hash, user_id, terminal, created_at, expires_at) VALUES (\(token), 'teller1', 'T99', now(), now() + interval '1 hour')"
                    ) == "session_at_registered_terminal")
                #expect(
                    await refusal(
                        "INSERT INTO sessions (token_hash, user_id, terminal, created_at, expires_at) VALUES (\(token), 'teller2', 'T08', now(), now() + interval '1 hour')"
                    ) == "session_at_registered_terminal")
                #expect(
                    await refusal(
                        """
                        INSERT INTO screen_devices (branch_code, terminal, public_key, enrolled_by, enrolled_at)
                        VALUES ('BR001', 'T01', '\\x\(String(repeating: "02", count: 91))', 'teller1', now())
                        """) == "screen_enrolled_by_branch_supervisor")
                #expect(
                    await refusal(
                        """
                        INSERT INTO screen_devices (branch_code, terminal, public_key, enrolled_by, enrolled_at)
                        VALUES ('BR001', 'T01', '\\x\(String(repeating: "02", count: 91))', 'super2', now())
                        """) == "screen_enrolled_by_branch_supervisor")
                #expect(
                    await refusal(
                        "INSERT INTO counter_sessions (teller_id, branch_code, terminal, created_at) VALUES ('teller1', 'BR001', 'T01', now())")
                        == "counter_session_enrolled_screen")
                let (device, session) = try await db.transaction { try await Self.madeUpSession($0) }
                let confirmation = """
                    INSERT INTO counter_confirmations (session_id, draft_version, decision, view_digest, key_id, view_ciphertext, at, statement,
                                                       statement_signature)
                    VALUES (\(session), 1, 'confirm', sha256('v'::bytea), 'k', '\\x00', now(),
                    """
                #expect(await refusal(confirmation + "NULL, NULL)") == "counter_statement_from_enrolled_screen")
                let reject = Self.statement(device: device, session: session, decision: "reject")
                #expect(
                    await refusal(confirmation + "'\(reject)', '\\x\(String(repeating: "00", count: 64))')")
                        == "counter_statement_from_enrolled_screen")
                let elsewhere = Self.statement(device: device, session: session + 1, decision: "confirm")
                #expect(
                    await refusal(confirmation + "'\(elsewhere)', '\\x\(String(repeating: "00", count: 64))')")
                        == "counter_statement_from_enrolled_screen")
                // Removed, the screen answers nothing more.
                try await db.read {
                    try await $0.execute(sql: "UPDATE screen_devices SET removed_by = 'super1', removed_at = now() WHERE id = \(device)")
                }
                let confirm = Self.statement(device: device, session: session, decision: "confirm")
                #expect(
                    await refusal(confirmation + "'\(confirm)', '\\x\(String(repeating: "00", count: 64))')")
                        == "counter_statement_from_enrolled_screen")
            }
        }
    }

    /// The counter's draft moves only as the customer's recorded answers say (migration 0028): the application role
    /// cannot mark a version confirmed or signed that the customer never answered, skip a version, or change a
    /// draft once its session is closed.
    @Test func theApplicationRoleCannotMoveADraftPastTheCustomer() async throws {
        try await AuthzHarness.run { h in
            try await h.db.with(h.db.app) { db in
                func refusal(_ sql: String) async -> String? {
                    let error = await #expect(throws: StorageError.self) { try await db.read { try await $0.execute(sql: sql) } }
                    return error?.constraint
                }
                let (_, session) = try await db.transaction { try await Self.madeUpSession($0) }
                try await db.read { tx in
                    try await tx.execute(
                        sql: "INSERT INTO counter_drafts (session_id, version, state, complete) VALUES (\(session), 0, 'editing', false)")
                    try await tx.execute(
                        sql: """
                            UPDATE counter_drafts SET version = 1, complete = true, form_id = 'cash-withdrawal', key_id = 'k', draft_ciphertext = '\\x00',
                                view_digest = sha256('v'::bytea) WHERE session_id = \(session)
                            """)
                }
                let set = "UPDATE counter_drafts SET "
                let here = " WHERE session_id = \(session)"
                #expect(await refusal(set + "state = 'confirmed'" + here) == "counter_draft_as_recorded")
                #expect(await refusal(set + "state = 'rejected'" + here) == "counter_draft_as_recorded")
                #expect(await refusal(set + "state = 'signed'" + here) == "counter_draft_forward")
                #expect(await refusal(set + "version = 3, view_digest = sha256('w'::bytea)" + here) == "counter_draft_forward")
                #expect(await refusal(set + "view_digest = sha256('w'::bytea)" + here) == "counter_draft_forward")
                try await db.read { try await $0.execute(sql: "UPDATE counter_sessions SET closed_at = now() WHERE id = \(session)") }
                #expect(await refusal(set + "version = 2, view_digest = sha256('w'::bytea)" + here) == "counter_draft_open")
                #expect(await refusal("UPDATE counter_sessions SET closed_at = NULL WHERE id = \(session)") == "counter_session_closed_once")
            }
        }
    }

    /// A temporary table named like one the guards read would be searched first and make a teller "eligible".
    @Test func theApplicationRoleCannotShadowTablesWithTemporaryOnes() async throws {
        try await AuthzHarness.run { h in
            try await h.db.with(h.db.app) { db in
                for table in ["users", "officer_authority", "officer_limits", "officer_presence", "authz_settings"] {
                    await #expect(throws: (any Error).self, "temporary \(table)") {
                        try await db.read { try await $0.execute(sql: "CREATE TEMPORARY TABLE \(table) (id text)") }
                    }
                }
            }
        }
    }

    /// The start-up check refuses a database where the application role may create temporary tables, or where a
    /// function lost its pinned search_path (a migration that redefined it without pinning it again).
    @Test func theServiceRefusesToStartWhenTheGuardsCouldBeBypassed() async throws {
        try await AuthzHarness.run { h in
            try await h.db.with(h.db.app) { try await PrivilegeCheck.requireAppendOnly($0) }
            try await h.db.with(h.db.superuser) { db in
                try await db.read { try await $0.execute(sql: "GRANT TEMPORARY ON DATABASE \(h.db.name) TO countersign_app") }
            }
            await #expect(throws: StorageError.self) { try await h.db.with(h.db.app) { try await PrivilegeCheck.requireAppendOnly($0) } }
            try await h.db.with(h.db.superuser) { db in
                try await db.read {
                    try await $0.execute(sql: "REVOKE TEMPORARY ON DATABASE \(h.db.name) FROM countersign_app")
                    try await $0.execute(sql: "ALTER FUNCTION authz_eligible(text, authz_requests) RESET search_path")
                }
            }
            await #expect(throws: StorageError.self) { try await h.db.with(h.db.app) { try await PrivilegeCheck.requireAppendOnly($0) } }
            try await h.db.with(h.db.superuser) { db in
                try await db.read {
                    try await $0.execute(sql: "ALTER FUNCTION authz_eligible(text, authz_requests) SET search_path = pg_catalog, public, pg_temp")
                    try await $0.execute(sql: "ALTER TABLE teller_transactions DISABLE TRIGGER teller_transactions_guard")
                }
            }
            await #expect(throws: StorageError.self) { try await h.db.with(h.db.app) { try await PrivilegeCheck.requireAppendOnly($0) } }
            // A session's end or idle limit re-dated by the service's role (issue #18, part 2).
            try await h.db.with(h.db.superuser) { db in
                try await db.read {
                    try await $0.execute(sql: "ALTER TABLE teller_transactions ENABLE TRIGGER teller_transactions_guard")
                    try await $0.execute(sql: "GRANT UPDATE (expires_at) ON sessions TO countersign_app")
                }
            }
            let redated = await #expect(throws: StorageError.self) {
                try await h.db.with(h.db.app) { try await PrivilegeCheck.requireAppendOnly($0) }
            }
            #expect(redated.map { "\($0)".contains("sessions.expires_at") } == true, "\(String(describing: redated))")
        }
    }
}
