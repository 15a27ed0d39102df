public import Audit
public import Kernel
import Metrics
import PostgresNIO

/// The audit trail in PostgreSQL. Every feature calls ``append(_:in:)`` inside the transaction that makes its
/// state change, so the change and its event commit together or not at all.
public enum AuditLog {
    /// Made at each use, not once: a counter made before the process bootstraps its metrics backend would count
    /// into nothing for the rest of the process (the backend keeps one counter per name, so this is a lookup).
    static var appends: Counter { Counter(label: "countersign_audit_appends_total") }

    /// Appends `event` to its chain and returns the stored record.
    ///
    /// One statement: `audit_append` locks the chain head, stamps the time, hashes and inserts. The head stays
    /// locked until the transaction ends, so other appends to the same chain wait: call this as the last write
    /// before commit to keep that window short. The hash the database computed is recomputed here from the
    /// returned fields; a difference throws, and the transaction rolls back.
    @discardableResult
    public static func append(_ event: AuditEvent, in tx: Transaction) async throws -> AuditRecord {
        let append = try Append(event)
        let rows = try await tx.query(
            """
            SELECT seq, at_us, prev_hash, hash FROM audit_append(\(auditArguments: append))
            """, context: "audit append")
        return try await append.stored(rows)
    }

    /// Appends many events in one statement, in chain order (the order every batch takes chain heads in, so two
    /// batches cannot deadlock), each checked like a single append. Returns the records in the order given.
    @discardableResult
    public static func append(all events: [AuditEvent], in tx: Transaction) async throws -> [AuditRecord] {
        guard !events.isEmpty else { return [] }
        let appends = try events.map(Append.init)
        let rows = try await tx.query(
            """
            SELECT e.n, a.seq, a.at_us, a.prev_hash, a.hash
            FROM (SELECT * FROM unnest(\(events.map(\.chain)), \(events.map(\.actor)), \(events.map { $0.branch ?? "" }),
                                       \(events.map { $0.terminal ?? "" }), \(events.map(\.action)), \(events.map(\.subject)),
                                       \(appends.map(\.payload)), \(appends.map { ByteBuffer(bytes: $0.bodyDigest.bytes) }))
                      WITH ORDINALITY AS t(chain, actor, branch, terminal, action, subject, payload, body_digest, n)
                  ORDER BY chain, n) e,
                 LATERAL audit_append(e.chain, e.actor, nullif(e.branch, ''), nullif(e.terminal, ''), e.action, e.subject, e.payload,
                                      e.body_digest) a
            """, context: "audit append")
        var records = [AuditRecord?](repeating: nil, count: events.count)
        for try await (n, seq, at, prev, hash) in rows.decode((Int64, Int64, Int64, ByteBuffer, ByteBuffer).self) {
            records[Int(n) - 1] = try appends[Int(n) - 1].stored((seq, at, prev, hash))
        }
        guard records.allSatisfy({ $0 != nil }) else { throw StorageError(.queryFailed, "audit append: an event got no position") }
        return records.compactMap { $0 }
    }

    /// An event ready to append: checked, its payload in canonical text and its body digest computed — before the
    /// chain is locked. A statement that writes a change and its event at once (a data-modifying `WITH` before
    /// `SELECT seq, at_us, prev_hash, hash FROM audit_append(…, payload, body_digest)`, one round trip, one
    /// implicit transaction) uses it directly, then hands the rows to ``stored(_:)``.
    public struct Append: Sendable {
        public let event: AuditEvent
        public let payload: String
        public let bodyDigest: SHA256Hash

        public init(_ event: AuditEvent) throws {
            let payload = event.payload.canonicalText
            try AuditLimits.validate(event, canonicalPayload: payload)
            self.event = event
            self.payload = payload
            // Hashed here, before the chain is locked; under the lock the database only links fixed-size fields.
            self.bodyDigest = SHA256Hash.sha256(
                of: try AuditEncoding.body(
                    chain: event.chain, actor: event.actor, branch: event.branch, terminal: event.terminal, action: event.action,
                    subject: event.subject, payload: payload))
        }

        /// The record from `audit_append`'s row (seq, at_us, prev_hash, hash), after the self-check: the hash the
        /// database computed must be the one the Swift encoding gives.
        func stored(_ rows: PostgresRowSequence) async throws -> AuditRecord {
            var stored: (Int64, Int64, ByteBuffer, ByteBuffer)?
            for try await row in rows.decode((Int64, Int64, ByteBuffer, ByteBuffer).self) { stored = row }
            return try self.stored(stored)
        }

        /// The same from `audit_append`'s columns already read (seq, at_us, prev_hash, hash).
        func stored(_ position: (Int64, Int64, ByteBuffer, ByteBuffer)?) throws -> AuditRecord {
            guard let (seq, micros, prev, hash) = position, let prevHash = SHA256Hash(bytes: prev.byteArray),
                let databaseHash = SHA256Hash(bytes: hash.byteArray)
            else { throw StorageError(.queryFailed, "audit append: the database returned no position") }
            let time = Timestamp(microsecondsSinceEpoch: micros)
            let link = try AuditEncoding.link(seq: seq, time: time, prevHash: prevHash, bodyDigest: bodyDigest)
            guard SHA256Hash.sha256(of: link) == databaseHash else {
                throw StorageError(
                    .queryFailed, "audit append: the database's hash differs from the Swift encoding (version \(AuditEncoding.currentVersion))")
            }
            let record = try AuditRecord(
                chain: event.chain, seq: seq, time: time, actor: event.actor, branch: event.branch, terminal: event.terminal,
                action: event.action, subject: event.subject, payload: payload, prevHash: prevHash, hash: databaseHash)
            AuditLog.appends.increment()
            return record
        }
    }

    /// Every chain's recorded head.
    public static func heads(in tx: Transaction) async throws -> [ChainHead] {
        let rows = try await tx.query("SELECT chain_id, last_seq, last_hash FROM audit_chain_heads ORDER BY chain_id")
        var heads: [ChainHead] = []
        for try await (chain, seq, hash) in rows.decode((String, Int64, ByteBuffer).self) {
            heads.append(ChainHead(chain: chain, seq: seq, hash: SHA256Hash(bytes: hash.byteArray) ?? .zero))
        }
        return heads
    }

    /// The columns of a stored record, with the time read back as exact microseconds.
    static let recordColumns = """
        chain_id, seq, (extract(epoch FROM at) * 1000000)::int8, actor, branch, terminal, action, subject, payload,
        encoding_version, prev_hash, hash
        """

    /// Events of one chain in order, from `afterSeq` (exclusive), at most `limit`.
    public static func events(chain: String, afterSeq: Int64, limit: Int, in tx: Transaction) async throws -> [AuditRecord] {
        let rows = try await tx.query(
            PostgresQuery(
                unsafeSQL: "SELECT \(recordColumns) FROM audit_events WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                binds: try bindings(chain, afterSeq, Int64(limit))))
        var records: [AuditRecord] = []
        for try await row in rows { records.append(try decodeRecord(row)) }
        return records
    }

    static func decodeRecord(_ row: PostgresRow) throws -> AuditRecord {
        let (chain, seq, micros, actor, branch, terminal, action, subject, payload, version, prev, hash) = try row.decode(
            (String, Int64, Int64, String, String?, String?, String, String, String, Int16, ByteBuffer, ByteBuffer).self)
        return try AuditRecord(
            chain: chain, seq: seq, time: Timestamp(microsecondsSinceEpoch: micros), actor: actor, branch: branch,
            terminal: terminal, action: action, subject: subject, payload: payload, prevHash: SHA256Hash(bytes: prev.byteArray) ?? .zero,
            encodingVersion: version, hash: SHA256Hash(bytes: hash.byteArray) ?? .zero)
    }

    /// The same row into `table` without the chain (no head lock, no link check): what `bench audit` compares with.
    public static func insertUnchained(_ record: AuditRecord, table: String, in tx: Transaction) async throws {
        try await tx.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(table) (chain_id, seq, at, actor, branch, terminal, action, subject, payload,
                                          encoding_version, prev_hash, hash)
                    VALUES ($1, $2, timestamptz 'epoch' + $3 * interval '1 microsecond', $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    """,
                binds: try unchainedBindings(record)))
    }

    private static func unchainedBindings(_ record: AuditRecord) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(record.chain)
        binds.append(record.seq)
        binds.append(record.time.microsecondsSinceEpoch)
        binds.append(record.actor)
        binds.append(record.branch)
        binds.append(record.terminal)
        binds.append(record.action)
        binds.append(record.subject)
        binds.append(record.payload)
        binds.append(record.encodingVersion)
        binds.append(record.prevHash.bytes.bytea)
        binds.append(record.hash.bytes.bytea)
        return binds
    }

    private static func bindings(_ chain: String, _ after: Int64, _ limit: Int64) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(chain)
        binds.append(after)
        binds.append(limit)
        return binds
    }
}

extension PostgresQuery.StringInterpolation {
    /// `audit_append`'s eight arguments for `append`, comma-separated, in the order the function takes them (chain,
    /// actor, branch, terminal, action, subject, payload, body digest). Every statement that appends one event —
    /// alone, after a change in a data-modifying `WITH`, or through a function that ends with the append — names
    /// them through here.
    mutating func appendInterpolation(auditArguments append: AuditLog.Append) {
        let event = append.event
        appendInterpolation(event.chain)
        appendLiteral(", ")
        appendInterpolation(event.actor)
        appendLiteral(", ")
        appendInterpolation(event.branch)
        appendLiteral(", ")
        appendInterpolation(event.terminal)
        appendLiteral(", ")
        appendInterpolation(event.action)
        appendLiteral(", ")
        appendInterpolation(event.subject)
        appendLiteral(", ")
        appendInterpolation(append.payload)
        appendLiteral(", ")
        appendInterpolation(append.bodyDigest.bytes.bytea)
    }
}
