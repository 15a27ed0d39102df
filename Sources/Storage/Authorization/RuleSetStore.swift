import Audit
public import Kernel
import PostgresNIO

/// The authorization rule set in force, kept in the database (migration 0020): the owner role activates a file,
/// every instance of the service reads it, and the transaction guard judges each new transaction by it.
public enum RuleSetStore {
    public struct Stored: Sendable, Equatable {
        public let version: String
        /// The file exactly as activated.
        public let source: String
        public let sha256: SHA256Hash
    }

    public static func active(in tx: Transaction) async throws -> Stored? {
        let rows = try await tx.query("SELECT version, source, sha256 FROM authz_rule_sets WHERE active", context: "active rule set")
        for try await (version, source, digest) in rows.decode((String, String, ByteBuffer).self) {
            guard let sha256 = SHA256Hash(bytes: digest.byteArray) else { throw StorageError(.queryFailed, "rule set \(version): bad digest") }
            return Stored(version: version, source: source, sha256: sha256)
        }
        return nil
    }

    /// The text of rule set `version` as it was activated, whether or not it is in force now.
    public static func source(version: String, in tx: Transaction) async throws -> String? {
        let rows = try await tx.query("SELECT source FROM authz_rule_sets WHERE version = \(version)", context: "rule set version")
        for try await source in rows.decode(String.self) { return source }
        return nil
    }

    public enum Activation: Sendable, Equatable {
        case activated
        case alreadyActive
    }

    /// Puts `source` (already checked by the rule loader) in force, with its audit event. A version is activated
    /// once with one content: changing the rules means a new version, so every transaction's recorded version
    /// names exactly one rule text.
    public static func activate(
        version: String, source: String, actor: String, at time: Timestamp, in tx: Transaction
    ) async throws -> Activation {
        let digest = SHA256Hash.sha256(of: Array(source.utf8))
        let existing = try await tx.query(
            "SELECT sha256, active FROM authz_rule_sets WHERE version = \(version) FOR UPDATE", context: "rule set version")
        for try await (stored, active) in existing.decode((ByteBuffer, Bool).self) {
            guard stored.byteArray == digest.bytes else {
                throw StorageError(
                    .constraintViolation, "rule set \(version) was activated before with other content: give the changed rules a new version")
            }
            if active { return .alreadyActive }
        }
        let previous = try await active(in: tx)
        try await tx.query("UPDATE authz_rule_sets SET active = false WHERE active", context: "retire rule set")
        try await tx.query(
            """
            INSERT INTO authz_rule_sets (version, source, sha256, activated_at, active)
            VALUES (\(version), \(source), \(digest.bytes.bytea), us_to_ts(\(time.microsecondsSinceEpoch)), true)
            ON CONFLICT (version) DO UPDATE SET active = true, activated_at = EXCLUDED.activated_at
            """, context: "activate rule set")
        try await AuditLog.append(
            AuditEvent(
                actor: actor, action: "rules.activated", subject: "rules:\(version)",
                payload: ["sha256": .string(digest.hex), "previous": previous.map { .string($0.version) } ?? .null]),
            in: tx)
        return .activated
    }
}
