import Audit
public import Counter
public import Kernel
import NIOCore
import PostgresNIO

/// How a counter session ended, as its screen is told (`counter_screens.ended_how`, migrations 0028 and 0030).
public enum SessionEnding: String, StoredWord {
    /// Booked and sealed: the customer takes a receipt away.
    case receipt
    /// The teller cancelled it.
    case cancelled
    /// The customer refused the transaction on the screen.
    case rejected
}

/// What an enrolled screen shows (migration 0028): its pairing code while it waits, or the session it is in, and how
/// its last session ended.
public struct ScreenState: Sendable, Equatable {
    public let device: Int64
    public let code: String
    public let codeExpires: Timestamp
    /// Some instance holds a WebSocket of this screen.
    public let connected: Bool
    public let session: Int64?
    public let ended: Ended?

    public struct Ended: Sendable, Equatable {
        public let session: Int64
        public let how: SessionEnding
        public let keyID: String?
        /// The receipt's link and voucher, sealed with the data key.
        public let ciphertext: [UInt8]?
    }
}

/// A counter session's draft as the database holds it (migration 0028), with the session it belongs to.
public struct DraftRecord: Sendable {
    public let session: Int64
    public let teller: String
    public let tellerName: String
    public let branch: String
    public let terminal: String
    public let device: Int64?
    public let closed: Bool
    public let version: Int
    public let state: DraftState
    public let complete: Bool
    public let formID: String?
    public let keyID: String?
    /// The values and the view, sealed with the data key for this session and version.
    public let ciphertext: [UInt8]?
    public let digest: [UInt8]?
    /// The teller transaction the signed version was booked as.
    public let transaction: String?
    /// The session's screen is paired into it and connected to some instance.
    public let screenConnected: Bool
}

/// The counter's working state: screens, drafts and wrong pairing codes (migration 0028). Every change here is
/// announced on ``CounterFeed/channel`` by the database.
public enum CounterStateStore {
    /// How long a screen counts as connected after its instance last said so (the heartbeat renews it every few
    /// seconds; a crashed instance's screens stop counting after this).
    public static let connectionLeaseSeconds = 15

    // MARK: Screens

    /// A screen's WebSocket came up on this instance: its row is made (with `freshCode`) or marked connected, and a
    /// waiting screen whose code expired gets `freshCode`.
    public static func screenConnected(device: Int64, freshCode: String, expires: Timestamp, at: Timestamp, in tx: Transaction)
        async throws -> ScreenState
    {
        let rows = try await tx.query(
            """
            INSERT INTO counter_screens AS s (device_id, code, code_expires_at, connected_until)
            VALUES (\(device), \(freshCode), us_to_ts(\(expires.microsecondsSinceEpoch)), now() + make_interval(secs => \(connectionLeaseSeconds)))
            ON CONFLICT (device_id) DO UPDATE SET
                connected_until = EXCLUDED.connected_until,
                code = CASE WHEN s.session_id IS NULL AND s.code_expires_at <= us_to_ts(\(at.microsecondsSinceEpoch)) THEN EXCLUDED.code ELSE s.code END,
                code_expires_at = CASE WHEN s.session_id IS NULL AND s.code_expires_at <= us_to_ts(\(at.microsecondsSinceEpoch))
                                       THEN EXCLUDED.code_expires_at ELSE s.code_expires_at END
            RETURNING \(unescaped: screenColumns)
            """, context: "counter screens")
        for try await row in rows { return try decodeScreen(row) }
        throw StorageError(.queryFailed, "the screen was not stored")
    }

    /// The screens this instance holds are still connected.
    public static func renewConnections(_ devices: [Int64], in tx: Transaction) async throws {
        try await tx.query(
            """
            UPDATE counter_screens SET connected_until = now() + make_interval(secs => \(connectionLeaseSeconds))
            WHERE device_id = ANY(\(devices)) AND connected_until IS NOT NULL
            """, context: "counter screens")
    }

    /// The last connection of this screen on this instance closed.
    public static func screenDisconnected(_ device: Int64, in tx: Transaction) async throws {
        try await tx.query("UPDATE counter_screens SET connected_until = NULL WHERE device_id = \(device)", context: "counter screens")
    }

    static let screenColumns = """
        s.device_id, s.code, ts_to_us(s.code_expires_at), coalesce(s.connected_until > now(), false), s.session_id,
        s.ended_session, s.ended_how, s.ended_key_id, s.ended_ciphertext
        """

    static func decodeScreen(_ row: PostgresRow) throws -> ScreenState {
        let c = try row.decode((Int64, String, Int64, Bool, Int64?, Int64?, String?, String?, ByteBuffer?).self)
        var ended: ScreenState.Ended?
        if let session = c.5, let how = c.6 {
            ended = ScreenState.Ended(
                session: session, how: try .stored(how, column: "counter_screens.ended_how"), keyID: c.7, ciphertext: c.8?.byteArray)
        }
        return ScreenState(
            device: c.0, code: c.1, codeExpires: Timestamp(microsecondsSinceEpoch: c.2), connected: c.3, session: c.4, ended: ended)
    }

    /// The screen's row; `lock` holds it for the rest of the transaction (a pairing attempt).
    public static func screen(_ device: Int64, lock: Bool = false, in tx: Transaction) async throws -> ScreenState? {
        let rows = try await tx.query(
            "SELECT \(unescaped: screenColumns) FROM counter_screens s WHERE s.device_id = \(device) \(unescaped: lock ? "FOR UPDATE" : "")",
            context: "counter screens")
        for try await row in rows { return try decodeScreen(row) }
        return nil
    }

    /// A waiting screen shows a new code (guessing at its terminal was cut off; or, with `expiredBy`, only if its
    /// code has expired by then — so two instances renewing at once renew it once).
    public static func renewCode(_ device: Int64, code: String, expires: Timestamp, expiredBy: Timestamp? = nil, in tx: Transaction)
        async throws
    {
        try await tx.query(
            """
            UPDATE counter_screens SET code = \(code), code_expires_at = us_to_ts(\(expires.microsecondsSinceEpoch))
            WHERE device_id = \(device) AND session_id IS NULL
              AND (\(expiredBy?.microsecondsSinceEpoch)::bigint IS NULL OR code_expires_at <= us_to_ts(\(expiredBy?.microsecondsSinceEpoch)))
            """, context: "counter screens")
    }

    /// Of `devices`, those waiting with a code that has expired by `at`.
    public static func expiredCodes(_ devices: [Int64], at: Timestamp, in tx: Transaction) async throws -> [Int64] {
        let rows = try await tx.query(
            """
            SELECT device_id FROM counter_screens
            WHERE device_id = ANY(\(devices)) AND session_id IS NULL AND code_expires_at <= us_to_ts(\(at.microsecondsSinceEpoch))
            """, context: "counter screens")
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// The screen is paired into `session` (the database holds it to a session of its own); what ended before is
    /// forgotten.
    public static func pair(_ device: Int64, session: Int64, in tx: Transaction) async throws {
        try await tx.query(
            """
            UPDATE counter_screens SET session_id = \(session), ended_session = NULL, ended_how = NULL, ended_key_id = NULL, ended_ciphertext = NULL
            WHERE device_id = \(device) AND session_id IS NULL
            """, context: "counter screens")
    }

    /// The screen's session is over: it shows `code` next, and how the session ended. Nothing happens if the screen
    /// has moved on.
    public static func release(
        _ device: Int64, from session: Int64, how: SessionEnding, keyID: String?, ciphertext: [UInt8]?, code: String, expires: Timestamp,
        in tx: Transaction
    ) async throws {
        try await tx.query(
            """
            UPDATE counter_screens SET session_id = NULL, code = \(code), code_expires_at = us_to_ts(\(expires.microsecondsSinceEpoch)),
                ended_session = \(session), ended_how = \(how.rawValue), ended_key_id = \(keyID), ended_ciphertext = \(ciphertext?.bytea)
            WHERE device_id = \(device) AND session_id = \(session)
            """, context: "counter screens")
    }

    // MARK: Wrong codes

    /// The wrong codes typed at a terminal, locked for this pairing attempt; a window older than `windowSeconds`
    /// starts over.
    public static func guesses(branch: String, terminal: String, at: Timestamp, windowSeconds: Int, in tx: Transaction) async throws
        -> (failures: Int, since: Timestamp, locked: Bool)
    {
        try await tx.query(
            """
            INSERT INTO pairing_guesses (branch_code, terminal, failures, since, locked)
            VALUES (\(branch), \(terminal), 0, us_to_ts(\(at.microsecondsSinceEpoch)), false)
            ON CONFLICT (branch_code, terminal) DO NOTHING
            """, context: "pairing guesses")
        let rows = try await tx.query(
            """
            SELECT failures, ts_to_us(since), locked FROM pairing_guesses WHERE branch_code = \(branch) AND terminal = \(terminal) FOR UPDATE
            """, context: "pairing guesses")
        for try await (failures, since, locked) in rows.decode((Int, Int64, Bool).self) {
            if at.microsecondsSinceEpoch - since >= Int64(windowSeconds) * 1_000_000 { return (0, at, false) }
            return (failures, Timestamp(microsecondsSinceEpoch: since), locked)
        }
        throw StorageError(.queryFailed, "the pairing guesses were not found")
    }

    public static func saveGuesses(branch: String, terminal: String, failures: Int, since: Timestamp, locked: Bool, in tx: Transaction)
        async throws
    {
        try await tx.query(
            """
            UPDATE pairing_guesses SET failures = \(failures), since = us_to_ts(\(since.microsecondsSinceEpoch)), locked = \(locked)
            WHERE branch_code = \(branch) AND terminal = \(terminal)
            """, context: "pairing guesses")
    }

    // MARK: Drafts

    public static func openDraft(_ session: Int64, in tx: Transaction) async throws {
        try await tx.query(
            "INSERT INTO counter_drafts (session_id, version, state, complete) VALUES (\(session), 0, 'editing', false)", context: "counter drafts")
    }

    /// The draft of `session` with its session; `lock` holds the draft row for the rest of the transaction.
    public static func draft(_ session: Int64, lock: Bool = false, in tx: Transaction) async throws -> DraftRecord? {
        let rows = try await tx.query(
            """
            SELECT s.id, s.teller_id, u.display_name, s.branch_code, s.terminal, s.device_id, s.closed_at IS NOT NULL,
                   d.version, d.state, d.complete, d.form_id, d.key_id, d.draft_ciphertext, d.view_digest,
                   (SELECT c.transaction_id FROM counter_transactions c WHERE c.session_id = s.id ORDER BY c.draft_version DESC LIMIT 1),
                   EXISTS (SELECT 1 FROM counter_screens cs WHERE cs.session_id = s.id AND cs.connected_until > now())
            FROM counter_drafts d JOIN counter_sessions s ON s.id = d.session_id JOIN users u ON u.id = s.teller_id
            WHERE d.session_id = \(session)
            \(unescaped: lock ? "FOR UPDATE OF d" : "")
            """, context: "counter drafts")
        for try await row in rows {
            let c = try row.decode(
                (Int64, String, String, String, String, Int64?, Bool, Int, String, Bool, String?, String?, ByteBuffer?, ByteBuffer?, String?, Bool)
                    .self)
            return DraftRecord(
                session: c.0, teller: c.1, tellerName: c.2, branch: c.3, terminal: c.4, device: c.5, closed: c.6, version: c.7,
                state: try .stored(c.8, column: "counter_drafts.state"),
                complete: c.9, formID: c.10, keyID: c.11, ciphertext: c.12?.byteArray, digest: c.13?.byteArray, transaction: c.14,
                screenConnected: c.15)
        }
        return nil
    }

    /// Stores the next version of the draft; false if someone else stored a version since `version - 1` was read.
    public static func saveDraft(
        _ session: Int64, version: Int, complete: Bool, formID: String, keyID: String, ciphertext: [UInt8], digest: [UInt8], in tx: Transaction
    ) async throws -> Bool {
        let rows = try await tx.query(
            """
            UPDATE counter_drafts SET version = \(version), state = 'editing', complete = \(complete), form_id = \(formID), key_id = \(keyID),
                draft_ciphertext = \(ciphertext.bytea), view_digest = \(digest.bytea)
            WHERE session_id = \(session) AND version = \(version - 1)
            RETURNING 1
            """, context: "counter drafts")
        return try await rows.collect().count == 1
    }

    /// The customer's answer or signature moves the draft on (the database checks it against what was recorded).
    public static func moveDraft(_ session: Int64, version: Int, to state: DraftState, in tx: Transaction) async throws {
        try await tx.query(
            "UPDATE counter_drafts SET state = \(state.rawValue) WHERE session_id = \(session) AND version = \(version)", context: "counter drafts")
    }

    /// `teller`'s open sessions at `terminal`, oldest first.
    public static func openSessions(teller: String, terminal: String, in tx: Transaction) async throws -> [Int64] {
        let rows = try await tx.query(
            """
            SELECT s.id FROM counter_sessions s JOIN counter_drafts d ON d.session_id = s.id
            WHERE s.teller_id = \(teller) AND s.terminal = \(terminal) AND s.closed_at IS NULL ORDER BY s.id
            """, context: "counter drafts")
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }
}
