import PostgresNIO

/// The wrong-password counts every instance shares (migration 0046), one row per key — `user:<id>` or
/// `address:<client address>`. What a count means (delays, lockouts) is the service's policy (``SignInThrottle`` in
/// Services); this is where the counts are kept. Times are the service's clock, in microseconds since 1970.
public enum SignInFailures {
    public struct Record: Sendable, Equatable {
        public var failures: Int
        public var lastFailure: Int64
        /// No attempt before this (0: none is held back).
        public var nextAttempt: Int64

        public init(failures: Int = 0, lastFailure: Int64 = 0, nextAttempt: Int64 = 0) {
            self.failures = failures
            self.lastFailure = lastFailure
            self.nextAttempt = nextAttempt
        }
    }

    /// The records of these keys; a key without one has had no failure since it was last forgotten.
    public static func records(keys: [String], in tx: Transaction) async throws -> [String: Record] {
        try await decode(
            tx.query(
                """
                SELECT key, failures, \(unescaped: microseconds("last_failure")), \(unescaped: microseconds("next_attempt"))
                FROM sign_in_failures WHERE key = ANY(\(keys))
                """))
    }

    /// The records of these keys, each locked until the transaction ends (created empty where missing), so that
    /// instances counting the same key at once take turns: one of them, not both, sees the failure that starts a
    /// lockout. Locked in one order (sorted) so two transactions never wait on each other.
    public static func lock(keys: [String], in tx: Transaction) async throws -> [String: Record] {
        try await decode(
            tx.query(
                """
                INSERT INTO sign_in_failures (key, failures, last_failure, next_attempt)
                SELECT k, 0, timestamptz 'epoch', timestamptz 'epoch' FROM unnest(\(keys.sorted())::text[]) AS k
                ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
                RETURNING key, failures, \(unescaped: microseconds("last_failure")), \(unescaped: microseconds("next_attempt"))
                """))
    }

    public static func store(_ record: Record, key: String, in tx: Transaction) async throws {
        try await tx.query(
            """
            UPDATE sign_in_failures SET failures = \(record.failures),
                last_failure = timestamptz 'epoch' + \(record.lastFailure) * interval '1 microsecond',
                next_attempt = timestamptz 'epoch' + \(record.nextAttempt) * interval '1 microsecond'
            WHERE key = \(key)
            """)
    }

    /// The key's count starts again (a right password).
    public static func forget(key: String, in tx: Transaction) async throws {
        try await tx.query("DELETE FROM sign_in_failures WHERE key = \(key)")
    }

    /// One failure fewer: an attempt counted before its password was hashed turned out right. Its times go back to
    /// `before` if they are still the ones it set (`after`); another attempt's since stay.
    public static func giveBack(key: String, before: Record, after: Record, in tx: Transaction) async throws {
        try await tx.query(
            """
            UPDATE sign_in_failures SET failures = greatest(failures - 1, 0),
                last_failure = CASE WHEN last_failure = us_to_ts(\(after.lastFailure)) THEN us_to_ts(\(before.lastFailure)) ELSE last_failure END,
                next_attempt = CASE WHEN next_attempt = us_to_ts(\(after.nextAttempt)) THEN us_to_ts(\(before.nextAttempt)) ELSE next_attempt END
            WHERE key = \(key)
            """)
    }

    /// Forgets up to `limit` keys whose last failure is before `quietSince` and that hold nothing back: a spray of
    /// unknown user names leaves rows that are taken away a few at a time by later failures.
    public static func forgetQuiet(before quietSince: Int64, limit: Int, in tx: Transaction) async throws {
        try await tx.query(
            """
            DELETE FROM sign_in_failures WHERE key IN (
                SELECT key FROM sign_in_failures
                WHERE last_failure < timestamptz 'epoch' + \(quietSince) * interval '1 microsecond'
                  AND next_attempt < timestamptz 'epoch' + \(quietSince) * interval '1 microsecond'
                ORDER BY last_failure LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            """)
    }

    private static func microseconds(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000000)::int8" }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [String: Record] {
        var found: [String: Record] = [:]
        for try await (key, failures, last, next) in rows.decode((String, Int32, Int64, Int64).self) {
            found[key] = Record(failures: Int(failures), lastFailure: last, nextAttempt: next)
        }
        return found
    }
}
