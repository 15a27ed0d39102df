import NIOCore
import PostgresNIO

/// The built-in customer and account directory (migration 0023), found by keyed digests of the numbers.
public enum DirectoryEntries {
    public struct Entry: Sendable, Equatable {
        public let kind: String
        public let accountType: String?
        public let customerRisk: String

        public init(kind: String, accountType: String?, customerRisk: String) {
            self.kind = kind
            self.accountType = accountType
            self.customerRisk = customerRisk
        }
    }

    public static func find(lookup: [UInt8], in tx: Transaction) async throws -> Entry? {
        let rows = try await tx.query(
            "SELECT kind, account_type, customer_risk FROM directory_entries WHERE lookup = \(lookup.bytea)", context: "directory entry")
        for try await (kind, type, risk) in rows.decode((String, String?, String).self) {
            return Entry(kind: kind, accountType: type, customerRisk: risk)
        }
        return nil
    }

    /// Adds or replaces entries, as the owner role.
    public static func upsert(_ entries: [(lookup: [UInt8], entry: Entry)], in tx: Transaction) async throws {
        for (lookup, entry) in entries {
            try await tx.query(
                """
                INSERT INTO directory_entries (lookup, kind, account_type, customer_risk) VALUES (\(lookup.bytea), \(entry.kind), \(entry.accountType),
                    \(entry.customerRisk))
                ON CONFLICT (lookup) DO UPDATE SET kind = EXCLUDED.kind, account_type = EXCLUDED.account_type,
                    customer_risk = EXCLUDED.customer_risk, updated_at = clock_timestamp()
                """, context: "directory upsert")
        }
    }
}
