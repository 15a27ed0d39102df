public import Audit
public import Kernel
import NIOCore
import PostgresNIO

/// Pre-filled forms in the database (migration 0007): inserted encrypted, taken once by a teller, closed on expiry.
/// Looked up by the HMAC of their code, never by the code.
public enum PrefillStore {
    public struct Waiting: Sendable {
        public let id: Int64
        public let formID: String
        public let formVersion: Int
        public let keyID: String
        public let ciphertext: [UInt8]
        public let createdAtUs: Int64
    }

    /// What a teller's pick-up found.
    public enum Taken: Sendable {
        case waiting(Waiting)
        case used(id: Int64, atUs: Int64)
        case expired(id: Int64, atUs: Int64)
        case unknown
    }

    /// A pre-fill to store: the row, and its audit event ready to append (the event names the row, so the id is
    /// reserved beforehand from `prefills_id_seq` through an ``IDReservoir``).
    public struct NewRow: Sendable {
        public let id: Int64
        public let codeTag: [UInt8]
        public let formID: String
        public let formVersion: Int
        public let keyID: String
        public let ciphertext: [UInt8]
        public let at: Timestamp
        public let lifetimeSeconds: Int
        public let append: AuditLog.Append

        public init(
            id: Int64, codeTag: [UInt8], formID: String, formVersion: Int, keyID: String, ciphertext: [UInt8], at: Timestamp,
            lifetimeSeconds: Int, append: AuditLog.Append
        ) {
            self.id = id
            self.codeTag = codeTag
            self.formID = formID
            self.formVersion = formVersion
            self.keyID = keyID
            self.ciphertext = ciphertext
            self.at = at
            self.lifetimeSeconds = lifetimeSeconds
            self.append = append
        }
    }

    /// Stores pre-fills and their audit events in one statement: one round trip, and PostgreSQL's implicit
    /// transaction around a single statement instead of BEGIN, statements and COMMIT — every row and every event
    /// commits, or none. Customer events carry no branch or terminal. The events are appended in chain order, so two
    /// such statements (from two instances) take the chain heads in the same order and cannot deadlock.
    public static func insert(_ rows: [NewRow], on database: Database) async throws -> [AuditRecord] {
        precondition(rows.allSatisfy { $0.append.event.branch == nil && $0.append.event.terminal == nil }, "customer events only")
        let events = rows.map(\.append.event)
        let positions = try await database.statement { tx in
            try await tx.query(
                """
                WITH input AS (
                    SELECT * FROM unnest(\(rows.map(\.id)), \(rows.map { ByteBuffer(bytes: $0.codeTag) }), \(rows.map(\.formID)),
                                         \(rows.map { Int64($0.formVersion) }), \(rows.map(\.keyID)), \(rows.map { ByteBuffer(bytes: $0.ciphertext) }),
                                         \(rows.map(\.at.microsecondsSinceEpoch)), \(rows.map { Int64($0.lifetimeSeconds) }), \(events.map(\.chain)),
                                         \(events.map(\.actor)), \(events.map(\.action)), \(events.map(\.subject)), \(rows.map(\.append.payload)),
                                         \(rows.map { ByteBuffer(bytes: $0.append.bodyDigest.bytes) }))
                        WITH ORDINALITY AS t(id, code_tag, form_id, form_version, key_id, ciphertext, at_us, lifetime, chain, actor, action,
                                             subject, payload, body_digest, n)
                ), stored AS (
                    INSERT INTO prefills (id, code_tag, form_id, form_version, key_id, ciphertext, created_at, expires_at)
                    SELECT id, code_tag, form_id, form_version, key_id, ciphertext, us_to_ts(at_us), us_to_ts(at_us) + lifetime * interval '1 second'
                    FROM input
                )
                SELECT e.n, a.seq, a.at_us, a.prev_hash, a.hash
                FROM (SELECT * FROM input ORDER BY chain, n) e,
                     LATERAL audit_append(e.chain, e.actor, NULL, NULL, e.action, e.subject, e.payload, e.body_digest) a
                """, context: "prefill"
            ).collect().map { try $0.decode((Int64, Int64, Int64, ByteBuffer, ByteBuffer).self) }
        }
        guard positions.count == rows.count else { throw StorageError(.queryFailed, "prefill: \(positions.count) events for \(rows.count) rows") }
        var records = [AuditRecord?](repeating: nil, count: rows.count)
        for (n, seq, at, prev, hash) in positions { records[Int(n) - 1] = try rows[Int(n) - 1].append.stored((seq, at, prev, hash)) }
        return records.compactMap { $0 }
    }

    /// Takes a waiting pre-fill for `teller`: its data is returned and erased from the row in the same statement,
    /// so two tellers typing the same code at once get it once. An expired one is closed on the spot.
    public static func take(codeTag: [UInt8], teller: String, at: Timestamp, in tx: Transaction) async throws -> Taken {
        let now = at.microsecondsSinceEpoch
        let rows = try await tx.query(
            """
            WITH found AS (SELECT * FROM prefills WHERE code_tag = \(codeTag.bytea) FOR UPDATE),
            closed AS (
                UPDATE prefills p SET state = CASE WHEN f.expires_at <= us_to_ts(\(now)) THEN 'expired' ELSE 'used' END,
                       used_by = CASE WHEN f.expires_at <= us_to_ts(\(now)) THEN NULL ELSE \(teller) END,
                       ciphertext = NULL, key_id = NULL, closed_at = us_to_ts(\(now))
                FROM found f WHERE p.id = f.id AND f.state = 'waiting'
                RETURNING p.id, p.state
            )
            SELECT f.id, coalesce(c.state, 'was_' || f.state), f.form_id, f.form_version, f.key_id, f.ciphertext, ts_to_us(f.created_at),
                   coalesce(ts_to_us(f.closed_at), \(now))
            FROM found f LEFT JOIN closed c ON c.id = f.id
            """, context: "prefill")
        for try await (id, state, form, version, key, box, created, closed) in rows.decode(
            (Int64, String, String, Int, String?, ByteBuffer?, Int64, Int64).self)
        {
            switch state {
            case "used":
                guard let key, let box else { throw StorageError(.queryFailed, "a waiting pre-fill without data") }
                return .waiting(Waiting(id: id, formID: form, formVersion: version, keyID: key, ciphertext: box.byteArray, createdAtUs: created))
            case "expired", "was_expired": return .expired(id: id, atUs: closed)
            default: return .used(id: id, atUs: closed)
            }
        }
        return .unknown
    }

    /// Closes waiting pre-fills past their expiry (erasing their data); returns their ids and forms.
    public static func expire(at: Timestamp, limit: Int, in tx: Transaction) async throws -> [(id: Int64, formID: String)] {
        let rows = try await tx.query(
            """
            UPDATE prefills SET state = 'expired', ciphertext = NULL, key_id = NULL, closed_at = us_to_ts(\(at.microsecondsSinceEpoch))
            WHERE id IN (SELECT id FROM prefills WHERE state = 'waiting' AND expires_at <= us_to_ts(\(at.microsecondsSinceEpoch))
                         ORDER BY expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING id, form_id
            """, context: "prefill")
        var expired: [(id: Int64, formID: String)] = []
        for try await (id, form) in rows.decode((Int64, String).self) { expired.append((id, form)) }
        return expired
    }

    /// Deletes tombstones closed before `cutoff`: after that, a code is simply unknown.
    public static func purge(closedBefore cutoff: Timestamp, in tx: Transaction) async throws {
        try await tx.query(
            "DELETE FROM prefills WHERE state <> 'waiting' AND closed_at < us_to_ts(\(cutoff.microsecondsSinceEpoch))", context: "prefill")
    }
}
