public import Audit
public import Kernel
import NIOCore
import PostgresNIO

/// What an auditor searches the audit trail by, across its chains (issue #18, part 4): a time range (`at`, from
/// inclusive, until exclusive, in microseconds) and any of actor, action, branch and subject, newest first.
public struct AuditEventFilter: Sendable, Equatable {
    public var fromMicros: Int64
    public var untilMicros: Int64
    public var actor: String?
    public var action: String?
    public var branch: String?
    public var subject: String?
    /// Keyset pagination: only events older than this one (its time and id).
    public var before: AuditEventCursor?
    public var limit: Int

    public init(fromMicros: Int64, untilMicros: Int64, limit: Int) {
        (self.fromMicros, self.untilMicros, self.limit) = (fromMicros, untilMicros, limit)
    }
}

/// Where a page of events ended: the last event's time and id. As text, "<micros>-<id>".
public struct AuditEventCursor: Sendable, Equatable, CustomStringConvertible {
    public let atMicros: Int64
    public let id: Int64

    public init(atMicros: Int64, id: Int64) {
        (self.atMicros, self.id) = (atMicros, id)
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = Int64(parts[1]), id > 0 else { return nil }
        self.init(atMicros: micros, id: id)
    }

    public var description: String { "\(atMicros)-\(id)" }
}

/// A page of events with what checking each where it stands takes: the rows just before and after it in its chain,
/// and the heads of its chains (``LinkCheck``).
public struct FoundAuditEvents: Sendable {
    /// Newest first, each with its row id (the page's cursor).
    public let events: [(id: Int64, record: AuditRecord)]
    public let neighbours: [AuditRecord]
    public let heads: [ChainHead]
}

public enum AuditEventSearch {
    /// One page. Each filter but the branch has an index with the time (migration 0048; the subject's, 0001), so the
    /// page is read from one index range; the branch is read off the time index (fine for days, slower for a year).
    public static func find(_ filter: AuditEventFilter, in tx: Transaction) async throws -> FoundAuditEvents {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresEncodable & Sendable) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
        var clauses = ["e.at >= us_to_ts(\(try bind(filter.fromMicros)))", "e.at < us_to_ts(\(try bind(filter.untilMicros)))"]
        if let actor = filter.actor { clauses.append("e.actor = \(try bind(actor))") }
        if let action = filter.action { clauses.append("e.action = \(try bind(action))") }
        if let branch = filter.branch { clauses.append("e.branch = \(try bind(branch))") }
        if let subject = filter.subject { clauses.append("e.subject = \(try bind(subject))") }
        if let before = filter.before {
            clauses.append("(e.at, e.id) < (us_to_ts(\(try bind(before.atMicros))), \(try bind(before.id)))")
        }
        let sql = """
            WITH page AS (
                SELECT e.id, e.chain_id, e.seq FROM audit_events e
                WHERE \(clauses.joined(separator: " AND "))
                ORDER BY e.at DESC, e.id DESC
                LIMIT \(try bind(Int64(filter.limit)))
            ), wanted AS (
                SELECT p.chain_id, p.seq + d.k AS seq, d.k FROM page p, (VALUES (-1), (0), (1)) AS d(k)
            )
            SELECT DISTINCT ON (e.chain_id, e.seq) e.id, w.k = 0 AS own,
                   e.chain_id, e.seq, (extract(epoch FROM e.at) * 1000000)::int8, e.actor, e.branch, e.terminal, e.action, e.subject,
                   e.payload, e.encoding_version, e.prev_hash, e.hash
            FROM wanted w JOIN audit_events e ON e.chain_id = w.chain_id AND e.seq = w.seq
            ORDER BY e.chain_id, e.seq, w.k = 0 DESC
            """
        var events: [(id: Int64, record: AuditRecord)] = []
        var neighbours: [AuditRecord] = []
        for try await row in try await tx.query(PostgresQuery(unsafeSQL: sql, binds: binds), context: "audit event search") {
            let c = row.makeRandomAccess()
            let record = try AuditRecord(
                chain: c[2].decode(String.self), seq: c[3].decode(Int64.self), time: Timestamp(microsecondsSinceEpoch: c[4].decode(Int64.self)),
                actor: c[5].decode(String.self), branch: c[6].decode(String?.self), terminal: c[7].decode(String?.self),
                action: c[8].decode(String.self), subject: c[9].decode(String.self), payload: c[10].decode(String.self),
                prevHash: SHA256Hash(bytes: c[12].decode(ByteBuffer.self).byteArray) ?? .zero, encodingVersion: c[11].decode(Int16.self),
                hash: SHA256Hash(bytes: c[13].decode(ByteBuffer.self).byteArray) ?? .zero)
            if try c[1].decode(Bool.self) { events.append((try c[0].decode(Int64.self), record)) } else { neighbours.append(record) }
        }
        events.sort { ($0.record.time.microsecondsSinceEpoch, $0.id) > ($1.record.time.microsecondsSinceEpoch, $1.id) }
        let chains = Array(Set(events.map(\.record.chain))).sorted()
        var heads: [ChainHead] = []
        for try await (chain, seq, hash) in try await tx.query(
            "SELECT chain_id, last_seq, last_hash FROM audit_chain_heads WHERE chain_id = ANY(\(chains))", context: "audit event heads"
        ).decode((String, Int64, ByteBuffer).self) {
            heads.append(ChainHead(chain: chain, seq: seq, hash: SHA256Hash(bytes: hash.byteArray) ?? .zero))
        }
        return FoundAuditEvents(events: events, neighbours: neighbours, heads: heads)
    }
}
