public import Kernel
import NIOCore
import PostgresNIO

/// A proposed change of the directory (migration 0035), as the administrators' list shows it.
public struct AdminChange: Sendable, Equatable {
    public enum Kind: String, StoredWord, CaseIterable, Codable {
        case createUser = "user.create"
        case deactivateUser = "user.deactivate"
        case reactivateUser = "user.reactivate"
        case resetPassword = "user.reset_password"
        case changeRole = "user.change_role"
        /// Clears a sign-in lockout on every instance.
        case unlockUser = "user.unlock"
        case createBranch = "branch.create"
        /// Target `BRANCH/TERMINAL`.
        case registerTerminal = "terminal.register"
        case setAuthority = "authority.set"
        case revokeAuthority = "authority.revoke"
        /// Target the rule set's version; details its source and SHA-256.
        case activateRules = "rules.activate"
        /// Target the seal id; details the forms it stamps.
        case mapSeal = "seal.map"
    }

    public enum State: String, StoredWord, Codable {
        case proposed, approved, rejected
    }

    public let id: Int64
    public let kind: Kind
    public let target: String
    /// What the change sets (a new user's name, branch and role), as canonical JSON text.
    public let details: String
    public let proposedBy: String
    public let proposedAt: Timestamp
    public let state: State
    public let decidedBy: String?
    public let decidedAt: Timestamp?
    public let reason: String?
}

/// Administrative changes under dual control: proposed by one security administrator, applied when a second approves
/// (migration 0035). Both functions identify the administrator by their session token; the four-eyes rule, the checks
/// and the change itself happen in the database.
public enum AdminChanges {
    /// Proposes a change as the administrator signed in with `token`, confirmed by their `password` (migration 0037);
    /// returns its id.
    public static func propose(
        token: String, password: String, kind: AdminChange.Kind, target: String, details: String, in tx: Transaction
    ) async throws -> Int64 {
        let rows = try await tx.query(
            "SELECT admin_propose(\(token), \(password), \(kind.rawValue), \(target), \(details)::jsonb)", context: "administrative change")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the proposal was not stored")
    }

    /// Approves (and applies) or rejects change `id` as the administrator signed in with `token`, confirmed by their
    /// `password`. A new user and a reset password take a one-time password and its scrypt hash.
    public static func decide(
        token: String, password: String, id: Int64, approve: Bool, reason: String?, oneTime: (password: String, hash: String)?,
        in tx: Transaction
    ) async throws -> (kind: AdminChange.Kind, target: String, proposedBy: String, decidedBy: String) {
        let rows = try await tx.query(
            """
            SELECT kind, target, proposed_by, decided_by
            FROM admin_decide(\(token), \(password), \(id), \(approve), \(reason), \(oneTime?.password), \(oneTime?.hash))
            """, context: "administrative change")
        for try await (kind, target, proposedBy, decidedBy) in rows.decode((String, String, String, String).self) {
            return (try .stored(kind, column: "admin_changes.kind"), target, proposedBy, decidedBy)
        }
        throw StorageError(.queryFailed, "the decision was not stored")
    }

    public static func change(_ id: Int64, in tx: Transaction) async throws -> AdminChange? {
        let rows = try await tx.query("SELECT \(unescaped: columns) FROM admin_changes WHERE id = \(id)", context: "administrative changes")
        return try await decode(rows).first
    }

    /// The changes in `state`, newest first, at most `limit`, before id `before` (keyset pagination).
    public static func list(state: AdminChange.State?, before: Int64?, limit: Int, in tx: Transaction) async throws -> [AdminChange] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM admin_changes
            WHERE (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) AND (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """, context: "administrative changes")
        return try await decode(rows)
    }

    static let columns = """
        id, kind, target, details::text, proposed_by, ts_to_us(proposed_at), state, decided_by, ts_to_us(decided_at), reason
        """

    private static func decode(_ rows: PostgresRowSequence) async throws -> [AdminChange] {
        var changes: [AdminChange] = []
        for try await c in rows.decode((Int64, String, String, String, String, Int64, String, String?, Int64?, String?).self) {
            changes.append(
                AdminChange(
                    id: c.0, kind: try .stored(c.1, column: "admin_changes.kind"), target: c.2, details: c.3, proposedBy: c.4,
                    proposedAt: Timestamp(microsecondsSinceEpoch: c.5), state: try .stored(c.6, column: "admin_changes.state"),
                    decidedBy: c.7, decidedAt: c.8.map(Timestamp.init(microsecondsSinceEpoch:)), reason: c.9))
        }
        return changes
    }
}
