public import Accounts
public import Audit
import Foundation
import PostgresNIO

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
        for user: UserIdentity, token: SessionToken, terminal: String?, at time: AuditTimestamp, lifetimeSeconds: Int64,
        in tx: Transaction
    ) async throws {
        let created = time.microsecondsSinceEpoch
        let expires = created + lifetimeSeconds * 1_000_000
        try await tx.query(
            """
            INSERT INTO sessions (token_hash, user_id, terminal, created_at, expires_at)
            VALUES (\(token.digest.bytea), \(user.id), \(terminal),
                    timestamptz 'epoch' + \(created) * interval '1 microsecond',
                    timestamptz 'epoch' + \(expires) * interval '1 microsecond')
            """)
    }

    /// The user behind a bearer token, if the session is live.
    public static func user(forToken token: SessionToken, in tx: Transaction) async throws -> (UserIdentity, String?)? {
        let rows = try await tx.query(
            """
            SELECT u.id, u.display_name, u.branch_code, u.role, s.terminal
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(token.digest.bytea) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
            """)
        for try await (id, name, branch, role, terminal) in rows.decode((String, String, String, String, String?).self) {
            guard let role = Role(rawValue: role) else { continue }
            return (UserIdentity(id: id, displayName: name, branch: branch, role: role), terminal)
        }
        return nil
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
