public import Accounts
import Audit
import Foundation
public import Kernel
import PostgresNIO

/// A live session: who, at which terminal, and whether they must first replace a password an administrator gave them.
public struct SignedIn: Sendable {
    public let user: UserIdentity
    public let terminal: String?
    public let mustChangePassword: Bool
}

/// What a bearer token stands for now.
public enum SessionStatus: Sendable {
    case live(SignedIn)
    /// Left unused longer than its role's idle limit: ended (the user signs in again).
    case idle
    /// Unknown, past its absolute end, signed out, or its user deactivated.
    case ended

    public var signedIn: SignedIn? {
        if case .live(let signedIn) = self { signedIn } else { nil }
    }
}

/// Branches, users and login sessions.
public enum Directory {
    /// The user and their stored password hash, for checking a login.
    public static func loginCandidate(userID: String, in tx: Transaction) async throws -> (UserIdentity, PasswordHash)? {
        let rows = try await tx.query(
            "SELECT id, display_name, branch_code, role, password_hash FROM users WHERE id = \(userID) AND active")
        for try await (id, name, branch, role, hash) in rows.decode((String, String, String, String, String).self) {
            guard let role = Role(rawValue: role) else { continue }
            return (UserIdentity(id: id, displayName: name, branch: branch, role: role), PasswordHash(encoded: hash))
        }
        return nil
    }

    public static func createSession(
        for user: UserIdentity, token: SessionToken, terminal: String?, at time: Timestamp, lifetimeSeconds: Int64,
        idleSeconds: Int64?, in tx: Transaction
    ) async throws {
        let created = time.microsecondsSinceEpoch
        let expires = created + lifetimeSeconds * 1_000_000
        try await tx.query(
            """
            INSERT INTO sessions (token_hash, user_id, terminal, created_at, expires_at, idle_seconds)
            VALUES (\(token.digest.bytea), \(user.id), \(terminal),
                    timestamptz 'epoch' + \(created) * interval '1 microsecond',
                    timestamptz 'epoch' + \(expires) * interval '1 microsecond', \(idleSeconds))
            """)
    }

    /// The sessions behind bearer tokens, in the order given: nil where the session is unknown, expired, revoked or
    /// idle past its limit, or the user inactive. Looks only: no session counts as used (see ``sessions(_:in:)``).
    public static func users(forTokens tokens: [SessionToken], in tx: Transaction) async throws -> [SignedIn?] {
        try await sessions(tokens.map { ($0, false) }, in: tx).map(\.signedIn)
    }

    /// The sessions behind bearer tokens, in the order given. A token marked `used` is the user at work: its session's
    /// idle time starts again (written at most once a minute per session, in this same statement).
    public static func sessions(_ tokens: [(token: SessionToken, used: Bool)], in tx: Transaction) async throws -> [SessionStatus] {
        var found = [SessionStatus](repeating: .ended, count: tokens.count)
        do {
            for try await (n, id, name, branch, role, terminal, mustChange, idle) in try await tx.connection.execute(
                SessionLookup(tokenHashes: tokens.map(\.token.digest.bytea), used: tokens.map(\.used)), logger: tx.logger)
            {
                guard let role = Role(rawValue: role), n >= 1, n <= tokens.count else { continue }
                found[Int(n) - 1] =
                    idle
                    ? .idle
                    : .live(
                        SignedIn(
                            user: UserIdentity(id: id, displayName: name, branch: branch, role: role), terminal: terminal,
                            mustChangePassword: mustChange))
            }
            return found
        } catch {
            throw StorageError.wrap(error, context: "session lookup")
        }
    }

    /// Every authenticated HTTP request looks its session up, so this one statement is prepared once per connection:
    /// PostgreSQL then plans it once instead of on every request (under `bench authz` its planning cost more than
    /// its execution). It takes many tokens, because the lookups of requests that arrive together go in one
    /// statement (``SessionLookups``). The data-modifying part moves `last_seen_at` of the live sessions used by their
    /// user, when it is a minute old or more: a busy session writes once a minute, not once a request. It locks in one
    /// order and skips a row another statement holds (that session's next request moves it), so two lookups never
    /// wait on each other. It writes: never run it in a read-only transaction (``Database/snapshot(_:)``).
    struct SessionLookup: PostgresPreparedStatement {
        static let sql = """
            WITH found AS (
                SELECT t.n, t.used, s.token_hash, s.last_seen_at, u.id, u.display_name, u.branch_code, u.role, s.terminal,
                       u.must_change_password,
                       s.idle_seconds IS NOT NULL AND s.last_seen_at + s.idle_seconds * interval '1 second' <= now() AS idle
                FROM unnest($1::bytea[], $2::bool[]) WITH ORDINALITY AS t(token_hash, used, n)
                JOIN sessions s ON s.token_hash = t.token_hash
                JOIN users u ON u.id = s.user_id
                WHERE s.revoked_at IS NULL AND s.expires_at > now() AND u.active
            ), seen AS (
                UPDATE sessions s SET last_seen_at = now()
                WHERE s.token_hash IN (
                    SELECT l.token_hash FROM sessions l JOIN found f ON f.token_hash = l.token_hash
                    WHERE f.used AND NOT f.idle AND f.last_seen_at <= now() - interval '1 minute'
                    ORDER BY l.token_hash FOR UPDATE OF l SKIP LOCKED)
            )
            SELECT n, id, display_name, branch_code, role, terminal, must_change_password, idle FROM found
            """
        typealias Row = (Int64, String, String, String, String, String?, Bool, Bool)
        let tokenHashes: [ByteBuffer]
        let used: [Bool]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(tokenHashes)
            bindings.append(used)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// A branch's Chinese and English names.
    public static func branchNames(_ code: String, in tx: Transaction) async throws -> (String, String)? {
        let rows = try await tx.query("SELECT name_zh, name_en FROM branches WHERE code = \(code)")
        for try await names in rows.decode((String, String).self) { return names }
        return nil
    }

    /// Returns false if the session was already gone.
    public static func revokeSession(token: SessionToken, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE token_hash = \(token.digest.bytea) AND revoked_at IS NULL RETURNING user_id")
        for try await _ in rows { return true }
        return false
    }
}

/// One row of the authority matrix: what a supervisor or centre officer may authorize.
public struct Authority: Sendable, Equatable {
    public let user: String
    public let level: Int
    /// Transaction codes, or ["*"] for any.
    public let codes: [String]
    /// Other branches served in cross-branch mode.
    public let branchesServed: [String]
    /// Largest amount per currency, in minor units.
    public let limits: [String: Int64]

    public init(user: String, level: Int, codes: [String], branchesServed: [String], limits: [String: Int64]) {
        self.user = user
        self.level = level
        self.codes = codes
        self.branchesServed = branchesServed
        self.limits = limits
    }
}

extension Directory {
    /// Writes an officer's authority (as the owner role: the service cannot grant authority) with its audit event.
    /// Returns false when `onlyIfMissing` and the officer already has a row.
    @discardableResult
    public static func setAuthority(_ a: Authority, actor: String, onlyIfMissing: Bool = false, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO officer_authority (user_id, level, codes, branches_served) VALUES (\(a.user), \(a.level), \(a.codes), \(a.branchesServed))
            ON CONFLICT (user_id) DO UPDATE SET level = excluded.level, codes = excluded.codes, branches_served = excluded.branches_served
            WHERE NOT \(onlyIfMissing)
            RETURNING (SELECT branch_code FROM users u WHERE u.id = user_id)
            """, context: "authority")
        var userBranch: String??
        for try await code in rows.decode(String?.self) { userBranch = code }
        guard let userBranch else { return false }
        try await tx.query("DELETE FROM officer_limits WHERE user_id = \(a.user)", context: "authority")
        for (currency, limit) in a.limits.sorted(by: { $0.key < $1.key }) {
            try await tx.query(
                "INSERT INTO officer_limits (user_id, currency, limit_minor) VALUES (\(a.user), \(currency), \(limit))", context: "authority")
        }
        try await AuditLog.append(
            AuditEvent(
                actor: actor, branch: userBranch, action: "directory.authority_set", subject: "user:\(a.user)",
                payload: [
                    "level": .integer(Int64(a.level)), "codes": .array(a.codes.map { .string($0) }),
                    "branches_served": .array(a.branchesServed.map { .string($0) }),
                    "limits": .object(a.limits.mapValues { .integer($0) }),
                ]),
            in: tx)
        return true
    }
}

extension Directory {
    /// Adds a branch unless it exists, with its audit event. Returns whether it was added.
    @discardableResult
    public static func addBranch(code: String, zh: String, en: String, kind: String, actor: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO branches (code, name_zh, name_en, kind) VALUES (\(code), \(zh), \(en), \(kind))
            ON CONFLICT (code) DO NOTHING RETURNING code
            """, context: "add branch")
        guard try await rows.collect().count == 1 else { return false }
        try await AuditLog.append(
            AuditEvent(
                actor: actor, branch: code, action: "directory.branch_created", subject: "branch:\(code)",
                payload: ["name_zh": .string(zh), "name_en": .string(en), "kind": .string(kind)]),
            in: tx)
        return true
    }

    /// Registers a counter terminal of a branch unless it is registered, with its audit event. Returns whether it
    /// was added.
    @discardableResult
    public static func addTerminal(_ terminal: String, branch: String, actor: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO terminals (branch_code, id) VALUES (\(branch), \(terminal))
            ON CONFLICT (branch_code, id) DO NOTHING RETURNING id
            """, context: "add terminal")
        guard try await rows.collect().count == 1 else { return false }
        try await AuditLog.append(
            AuditEvent(
                actor: actor, branch: branch, terminal: terminal, action: "directory.terminal_registered", subject: "terminal:\(branch)/\(terminal)"),
            in: tx)
        return true
    }

    /// Adds a user unless the id exists, with its audit event. Returns whether it was added.
    @discardableResult
    public static func addUser(id: String, name: String, branch: String, role: Role, hash: PasswordHash, actor: String, in tx: Transaction)
        async throws -> Bool
    {
        let rows = try await tx.query(
            """
            INSERT INTO users (id, display_name, branch_code, role, password_hash)
            VALUES (\(id), \(name), \(branch), \(role.rawValue), \(hash.encoded))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, context: "add user")
        guard try await rows.collect().count == 1 else { return false }
        try await AuditLog.append(
            AuditEvent(
                actor: actor, branch: branch, action: "directory.user_created", subject: "user:\(id)",
                payload: ["role": .string(role.rawValue), "display_name": .string(name)]),
            in: tx)
        return true
    }

    /// The user's current password hash and the ones it replaced, newest first, at most `limit` in all.
    public static func recentPasswordHashes(userID: String, limit: Int, in tx: Transaction) async throws -> [PasswordHash] {
        let rows = try await tx.query(
            """
            SELECT password_hash FROM (
                SELECT password_hash, 'infinity'::timestamptz AS at FROM users WHERE id = \(userID)
                UNION ALL
                SELECT password_hash, replaced_at FROM password_history WHERE user_id = \(userID)) p
            ORDER BY at DESC LIMIT \(limit)
            """, context: "password history")
        var hashes: [PasswordHash] = []
        for try await hash in rows.decode(String.self) { hashes.append(PasswordHash(encoded: hash)) }
        return hashes
    }

    /// Keeps a bcrypt verifier of the user's password for the database's own checks (migration 0037). Owner role only.
    public static func setVerifier(userID: String, password: String, in tx: Transaction) async throws {
        try await tx.query(
            """
            INSERT INTO password_verifiers (user_id, verifier) VALUES (\(userID), crypt(\(password), gen_salt('bf', 10)))
            ON CONFLICT (user_id) DO UPDATE SET verifier = EXCLUDED.verifier, set_at = clock_timestamp()
            """, context: "password verifier")
    }

    /// A branch's kind (`branch`, `centre`, `head_office`), nil for no such branch.
    public static func branchKind(_ code: String, in tx: Transaction) async throws -> String? {
        try await tx.query("SELECT kind FROM branches WHERE code = \(code)", context: "branches").collect().first.map { try $0.decode(String.self) }
    }

    /// Whether the user must replace a password an administrator gave them.
    public static func mustChangePassword(_ userID: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query("SELECT must_change_password FROM users WHERE id = \(userID)", context: "users")
        return try await rows.collect().first.map { try $0.decode(Bool.self) } ?? false
    }

    /// The session's user's current password hash and the ones it replaced, newest first (migration 0035: the
    /// service's role reads no one else's).
    public static func ownRecentPasswordHashes(token: SessionToken, current: String, limit: Int, in tx: Transaction) async throws
        -> [PasswordHash]
    {
        let rows = try await tx.query(
            "SELECT user_recent_password_hashes(\(token.value), \(current), \(limit)::integer)", context: "password history")
        return try await rows.collect().map { PasswordHash(encoded: try $0.decode(String.self)) }
    }

    /// Replaces the session's user's own password (confirmed by the current one, migration 0037) and ends their other
    /// sessions; nil when the session is not live.
    public static func changeOwnPassword(token: SessionToken, current: String, new: String, hash: PasswordHash, in tx: Transaction)
        async throws -> String?
    {
        let rows = try await tx.query(
            "SELECT user_change_own_password(\(token.value), \(current), \(new), \(hash.encoded))", context: "password change")
        do {
            return try await rows.collect().first.map { try $0.decode(String.self) }
        } catch let error as StorageError where error.constraint == "user_signed_in" {
            return nil
        }
    }

    /// Replaces the user's password, keeps the old hash in the history, ends the user's open sessions (whoever
    /// held them must sign in with the new password), with one audit event.
    public static func setPassword(userID: String, hash: PasswordHash, actor: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            WITH old AS (SELECT id, branch_code, password_hash FROM users WHERE id = \(userID) FOR UPDATE),
            kept AS (INSERT INTO password_history (user_id, password_hash) SELECT id, password_hash FROM old),
            ended AS (UPDATE sessions SET revoked_at = now() WHERE user_id = \(userID) AND revoked_at IS NULL)
            UPDATE users u SET password_hash = \(hash.encoded) FROM old WHERE u.id = old.id RETURNING old.branch_code
            """, context: "set password")
        var branch: String?
        for try await code in rows.decode(String.self) { branch = code }
        guard let branch else { return false }
        try await AuditLog.append(
            AuditEvent(actor: actor, branch: branch, action: "directory.password_changed", subject: "user:\(userID)"), in: tx)
        return true
    }
}
