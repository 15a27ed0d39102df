public import Kernel
import NIOCore
import PostgresNIO

/// A finding (差错登记) an auditor raised on a transaction (migration 0041), with its thread so far.
public struct Finding: Sendable, Equatable {
    public enum State: String, StoredWord, Codable, CaseIterable {
        case raised, answered, closed
    }

    public let id: Int64
    public let transaction: String
    public let branch: String
    public let state: State
    public let description: String
    public let raisedBy: String
    public let raisedMicros: Int64
    /// Every step so far as JSON (`[{"step", "by", "at", "text"}]`), oldest first.
    public let historyJSON: String
}

/// Findings are written only by the database's functions, which take the acting user from the session token and
/// check their role and branch (migration 0041).
public enum Findings {
    public static func raise(token: String, password: String, transaction: String, description: String, in tx: Transaction) async throws
        -> Int64
    {
        let rows = try await tx.query(
            "SELECT audit_finding_raise(\(token), \(password), \(transaction), \(description))", context: "finding")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the finding was not stored")
    }

    public static func answer(token: String, password: String, id: Int64, answer: String, in tx: Transaction) async throws {
        try await tx.query("SELECT audit_finding_answer(\(token), \(password), \(id), \(answer))", context: "finding").collect()
    }

    /// Closes finding `id` (an answered one; an open one is withdrawn), or returns its answer to the branch; the step
    /// taken (closed, withdrawn, returned).
    public static func conclude(token: String, password: String, id: Int64, close: Bool, note: String, in tx: Transaction) async throws
        -> String
    {
        let rows = try await tx.query(
            "SELECT audit_finding_conclude(\(token), \(password), \(id), \(close), \(note))", context: "finding")
        for try await step in rows.decode(String.self) { return step }
        throw StorageError(.queryFailed, "the step was not stored")
    }

    static let columns = "id, transaction_id, branch_code, state, description, raised_by, ts_to_us(raised_at), history::text"

    public static func finding(_ id: Int64, in tx: Transaction) async throws -> Finding? {
        try await decode(try await tx.query("SELECT \(unescaped: columns) FROM audit_findings WHERE id = \(id)", context: "finding")).first
    }

    /// Findings in `state` (any when nil), of `branch` (any when nil), newest first, before id `before`.
    public static func list(state: Finding.State?, branch: String?, transaction: String?, before: Int64?, limit: Int, in tx: Transaction)
        async throws -> [Finding]
    {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM audit_findings
            WHERE (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) AND (\(branch)::text IS NULL OR branch_code = \(branch))
              AND (\(transaction)::text IS NULL OR transaction_id = \(transaction)) AND (\(before)::int8 IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """, context: "findings")
        return try await decode(rows)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Finding] {
        var found: [Finding] = []
        for try await (id, transaction, branch, state, description, raisedBy, raised, history) in rows.decode(
            (Int64, String, String, String, String, String, Int64, String).self)
        {
            found.append(
                Finding(
                    id: id, transaction: transaction, branch: branch, state: try .stored(state, column: "audit_findings.state"),
                    description: description, raisedBy: raisedBy, raisedMicros: raised, historyJSON: history))
        }
        return found
    }
}

/// A random sample of a day's committed transactions, drawn for review (migration 0041).
public struct AuditSample: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let transaction: String
        public let branch: String
        public let code: String
        public let amountMinor: Int64
        public let currency: String
        public let reviewedBy: String?
        public let reviewedMicros: Int64?
    }

    public let id: Int64
    public let day: String
    public let branch: String?
    public let requested: Int
    public let drawnBy: String
    public let drawnMicros: Int64
    public let items: [Item]
}

public enum AuditSamples {
    /// Draws up to `size` of `day`'s ("YYYY-MM-DD", the bank's day) committed transactions of `branch` (all when nil).
    public static func draw(token: String, password: String, day: String, branch: String?, size: Int, in tx: Transaction) async throws
        -> Int64
    {
        let rows = try await tx.query(
            "SELECT audit_sample_draw(\(token), \(password), \(day)::date, \(branch)::text, \(size)::int4)", context: "sample")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the sample was not stored")
    }

    public static func review(token: String, password: String, sample: Int64, transaction: String, in tx: Transaction) async throws {
        try await tx.query("SELECT audit_sample_review(\(token), \(password), \(sample), \(transaction))", context: "sample").collect()
    }

    public static func sample(_ id: Int64, in tx: Transaction) async throws -> AuditSample? {
        try await samples(where: "s.id = $1", bind: id, limit: 1, in: tx).first
    }

    /// The most recent samples, newest first.
    public static func recent(limit: Int, in tx: Transaction) async throws -> [AuditSample] {
        try await samples(where: "true", bind: nil, limit: limit, in: tx)
    }

    static func samples(where condition: String, bind: Int64?, limit: Int, in tx: Transaction) async throws -> [AuditSample] {
        var binds = PostgresBindings()
        if let bind { binds.append(bind) }
        let rows = try await tx.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT s.id, s.day::text, s.branch_code, s.requested, s.drawn_by, ts_to_us(s.drawn_at)
                    FROM audit_samples s WHERE \(condition) ORDER BY s.drawn_at DESC, s.id DESC LIMIT \(limit)
                    """, binds: binds), context: "samples")
        var heads: [(Int64, String, String?, Int, String, Int64)] = []
        for try await head in rows.decode((Int64, String, String?, Int, String, Int64).self) { heads.append(head) }
        guard !heads.isEmpty else { return [] }
        let itemRows = try await tx.query(
            """
            SELECT i.sample_id, t.id, t.branch_code, t.code, t.amount_minor, t.currency, i.reviewed_by, ts_to_us(i.reviewed_at)
            FROM audit_sample_items i JOIN teller_transactions t ON t.id = i.transaction_id
            WHERE i.sample_id = ANY(\(heads.map(\.0))) ORDER BY t.id
            """, context: "sample items")
        var items: [Int64: [AuditSample.Item]] = [:]
        for try await (sample, id, branch, code, amount, currency, by, at) in itemRows.decode(
            (Int64, String, String, String, Int64, String, String?, Int64?).self)
        {
            items[sample, default: []].append(
                .init(transaction: id, branch: branch, code: code, amountMinor: amount, currency: currency, reviewedBy: by, reviewedMicros: at))
        }
        return heads.map {
            AuditSample(id: $0.0, day: $0.1, branch: $0.2, requested: $0.3, drawnBy: $0.4, drawnMicros: $0.5, items: items[$0.0] ?? [])
        }
    }
}
