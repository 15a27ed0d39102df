public import Authorization
import NIOCore
import PostgresNIO

/// What a voucher is made from (migration 0021): the committed counter transaction — its encrypted payload and
/// the digest it was committed with —, the facts printed on the voucher's face (commit time, rule set, level,
/// mode, approving officers) and the customer's signature as the screen captured it.
public struct VoucherSource: Sendable {
    public let transactionID: String
    public let code: String
    public let branch: String
    public let teller: String
    public let keyID: String
    public let payloadCiphertext: [UInt8]
    public let committedDigest: [UInt8]
    public let committedAtMicros: Int64
    public let ruleSetVersion: String
    /// Nil when the rules required no authorization.
    public let level: Int?
    public let mode: String?
    /// The officers who approved, in the order they decided.
    public let approvers: [String]
    public let session: Int64
    public let draftVersion: Int
    public let viewDigest: [UInt8]
    public let strokesSHA256: [UInt8]
    public let strokesKeyID: String
    public let strokesCiphertext: [UInt8]
    /// The enrolled customer screen's signed statements for the confirmation and the signature (nil for a session
    /// from before screens were enrolled, migration 0027).
    public let screen: ScreenStatements?
}

/// What the enrolled screen signed for one transaction, with the public key that checks it.
public struct ScreenStatements: Sendable {
    public let session: Int64
    public let version: Int
    public let viewDigest: [UInt8]
    public let strokesSHA256: [UInt8]
    public let device: Int64
    public let terminal: String
    public let publicKey: [UInt8]
    public let confirmation: (text: String, signature: [UInt8])
    public let signature: (text: String, signature: [UInt8])
}

extension VoucherStore {
    /// The committed counter transaction `id` as a voucher's source; nil when there is no such transaction or it
    /// is not committed.
    public static func source(transaction id: String, in tx: Transaction) async throws -> VoucherSource? {
        let rows = try await tx.query(
            """
            SELECT t.code, t.branch_code, t.teller_id, t.key_id, t.payload_ciphertext, t.committed_digest, ts_to_us(t.committed_at),
                   t.rule_set_version, (t.requirement ->> 'level')::int, r.mode,
                   coalesce(ARRAY(SELECT d.officer_id FROM authz_decisions d WHERE d.request_id = r.id AND d.decision = 'approve'
                                  ORDER BY d.decided_at), '{}'),
                   c.session_id, c.draft_version, s.view_digest, s.strokes_sha256, s.key_id, s.strokes_ciphertext,
                   c.session_id, c.draft_version, s.view_digest, s.strokes_sha256,
                   d.id, d.terminal, d.public_key, f.statement, f.statement_signature, s.statement, s.statement_signature
            FROM teller_transactions t
            JOIN counter_transactions c ON c.transaction_id = t.id
            JOIN counter_signatures s ON s.session_id = c.session_id AND s.draft_version = c.draft_version
            JOIN counter_confirmations f ON f.session_id = c.session_id AND f.draft_version = c.draft_version AND f.decision = 'confirm'
            JOIN counter_sessions cs ON cs.id = c.session_id
            LEFT JOIN screen_devices d ON d.id = cs.device_id
            LEFT JOIN authz_requests r ON r.transaction_id = t.id AND r.state = 'committed'
            WHERE t.id = \(id) AND t.state = 'committed'
            """, context: "voucher source")
        for try await row in rows {
            let c = row.makeRandomAccess()
            return VoucherSource(
                transactionID: id, code: try c[0].decode(String.self), branch: try c[1].decode(String.self),
                teller: try c[2].decode(String.self), keyID: try c[3].decode(String.self),
                payloadCiphertext: try c[4].decode(ByteBuffer.self).byteArray, committedDigest: try c[5].decode(ByteBuffer.self).byteArray,
                committedAtMicros: try c[6].decode(Int64.self), ruleSetVersion: try c[7].decode(String.self), level: try c[8].decode(Int?.self),
                mode: try c[9].decode(String?.self), approvers: try c[10].decode([String].self), session: try c[11].decode(Int64.self),
                draftVersion: try c[12].decode(Int.self), viewDigest: try c[13].decode(ByteBuffer.self).byteArray,
                strokesSHA256: try c[14].decode(ByteBuffer.self).byteArray, strokesKeyID: try c[15].decode(String.self),
                strokesCiphertext: try c[16].decode(ByteBuffer.self).byteArray, screen: try screenStatements(c, from: 17))
        }
        return nil
    }

    /// The enrolled screen's statements for the committed transaction `id`, if it has them.
    public static func screenStatements(transaction id: String, in tx: Transaction) async throws -> ScreenStatements? {
        let rows = try await tx.query(
            """
            SELECT c.session_id, c.draft_version, s.view_digest, s.strokes_sha256,
                   d.id, d.terminal, d.public_key, f.statement, f.statement_signature, s.statement, s.statement_signature
            FROM counter_transactions c
            JOIN counter_signatures s ON s.session_id = c.session_id AND s.draft_version = c.draft_version
            JOIN counter_confirmations f ON f.session_id = c.session_id AND f.draft_version = c.draft_version AND f.decision = 'confirm'
            JOIN counter_sessions cs ON cs.id = c.session_id
            JOIN screen_devices d ON d.id = cs.device_id
            WHERE c.transaction_id = \(id)
            """, context: "screen statements")
        for try await row in rows { return try screenStatements(row.makeRandomAccess(), from: 0) }
        return nil
    }

    /// Columns from `first`: session, version, view digest, strokes digest, then device id, terminal, public key and
    /// the two statements with their signatures (NULL for a session from before enrolled screens).
    static func screenStatements(_ c: PostgresRandomAccessRow, from first: Int) throws -> ScreenStatements? {
        let d = first + 4
        guard let device = try c[d].decode(Int64?.self), let confirmation = try c[d + 3].decode(String?.self),
            let confirmationSignature = try c[d + 4].decode(ByteBuffer?.self), let signature = try c[d + 5].decode(String?.self),
            let signatureSignature = try c[d + 6].decode(ByteBuffer?.self)
        else { return nil }
        return ScreenStatements(
            session: try c[first].decode(Int64.self), version: try c[first + 1].decode(Int.self),
            viewDigest: try c[first + 2].decode(ByteBuffer.self).byteArray, strokesSHA256: try c[first + 3].decode(ByteBuffer.self).byteArray,
            device: device, terminal: try c[d + 1].decode(String.self), publicKey: try c[d + 2].decode(ByteBuffer.self).byteArray,
            confirmation: (confirmation, confirmationSignature.byteArray), signature: (signature, signatureSignature.byteArray))
    }

    /// The voucher already made for transaction `id`, if any: making one is resumed, never repeated.
    public static func voucher(forTransaction id: String, in tx: Transaction) async throws -> VoucherRecord? {
        let rows = try await tx.query("SELECT id FROM vouchers WHERE transaction_id = \(id)", context: "voucher of transaction")
        for try await voucherID in rows.decode(String.self) { return try await find(voucherID, in: tx) }
        return nil
    }
}

/// Every officer's decision on the requests of a transaction, with the digests it was made on.
public struct EvidenceDecision: Sendable, Equatable {
    public let request: String
    public let officer: String
    public let decision: AuthorizationDecision
    public let decidedAtMicros: Int64
    public let payloadSHA256: String
    public let materialSHA256: String
}

/// An audit event of a transaction's story, by its place in its chain and its hash.
public struct EvidenceEvent: Sendable, Equatable {
    public let chain: String
    public let seq: Int64
    public let action: String
    public let hash: String
}

extension VoucherStore {
    public static func decisions(transaction id: String, in tx: Transaction) async throws -> [EvidenceDecision] {
        let rows = try await tx.query(
            """
            SELECT d.request_id, d.officer_id, d.decision, ts_to_us(d.decided_at), encode(d.payload_digest, 'hex'), encode(d.material_digest, 'hex')
            FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
            WHERE r.transaction_id = \(id) ORDER BY d.decided_at, d.officer_id
            """, context: "evidence decisions")
        var decisions: [EvidenceDecision] = []
        for try await (request, officer, decision, at, payload, material) in rows.decode((String, String, String, Int64, String, String).self) {
            decisions.append(
                EvidenceDecision(
                    request: request, officer: officer, decision: try .stored(decision, column: "authz_decisions.decision"), decidedAtMicros: at,
                    payloadSHA256: payload, materialSHA256: material))
        }
        return decisions
    }

    /// The audit events of the transaction, its authorization requests and its counter session, in chain order.
    public static func events(transaction id: String, session: Int64, in tx: Transaction) async throws -> [EvidenceEvent] {
        let rows = try await tx.query(
            """
            SELECT chain_id, seq, action, encode(hash, 'hex') FROM audit_events
            WHERE subject = 'txn:' || \(id) OR subject = 'counter:' || \(String(session))
               OR subject IN (SELECT 'authz:' || r.id FROM authz_requests r WHERE r.transaction_id = \(id))
            ORDER BY chain_id, seq
            """, context: "evidence events")
        var events: [EvidenceEvent] = []
        for try await (chain, seq, action, hash) in rows.decode((String, Int64, String, String).self) {
            events.append(EvidenceEvent(chain: chain, seq: seq, action: action, hash: hash))
        }
        return events
    }
}
