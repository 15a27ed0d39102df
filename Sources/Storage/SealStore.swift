import Audit
import Foundation
public import Kernel
import PostgresNIO

/// Whether a registered seal may still stamp (`seals.state`): a revoked seal never comes back.
public enum SealState: String, Codable, StoredWord {

    case active, revoked
}

/// A registered e-seal as the database holds it.
public struct SealRecord: Sendable, Equatable {
    public let id: String
    public let nameZH: String
    public let nameEN: String
    public let branch: String
    public let algorithm: String
    public let certificateSubject: String
    public let keyFile: String
    public let validFrom: Timestamp
    public let validUntil: Timestamp
    public let state: SealState
    /// The forms this seal stamps at its branch; "*" for every form no other seal of the branch names.
    public let forms: [String]
    /// The certificate's issuer (RFC 2253) and serial (upper-case hex): what its revocation is published under.
    /// Nil for a seal registered before migration 0033 and not imported since.
    public let certificateIssuer: String?
    public let certificateSerial: String?

    public init(
        id: String, nameZH: String, nameEN: String, branch: String, algorithm: String, certificateSubject: String, keyFile: String,
        validFrom: Timestamp, validUntil: Timestamp, state: SealState = .active, forms: [String] = ["*"],
        certificateIssuer: String? = nil, certificateSerial: String? = nil
    ) {
        self.forms = forms
        self.certificateIssuer = certificateIssuer
        self.certificateSerial = certificateSerial
        self.id = id
        self.nameZH = nameZH
        self.nameEN = nameEN
        self.branch = branch
        self.algorithm = algorithm
        self.certificateSubject = certificateSubject
        self.keyFile = keyFile
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.state = state
    }
}

/// A revoked certificate: serial (upper-case hex) and revocation time.
public struct CertificateRevocation: Sendable, Equatable {
    public let serial: String
    public let revokedAt: Timestamp
}

/// The seal registry in PostgreSQL. Registration, revocation and every use are audit events.
public enum SealStore {
    static let columns = """
        id, name_zh, name_en, branch_code, algorithm, certificate_subject, key_file,
        (extract(epoch FROM valid_from) * 1000000)::int8, (extract(epoch FROM valid_until) * 1000000)::int8, state,
        certificate_issuer, certificate_serial
        """

    public static func all(in tx: Transaction) async throws -> [SealRecord] {
        try await records(try await tx.query(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM seals ORDER BY id")))
    }

    public static func find(_ id: String, in tx: Transaction) async throws -> SealRecord? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await records(try await tx.query(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM seals WHERE id = $1", binds: binds))).first
    }

    /// Adds the seal, or refreshes its description; never touches its state. As the owner role.
    public static func register(_ seal: SealRecord, actor: String, in tx: Transaction) async throws {
        try await tx.query(
            """
            INSERT INTO seals (id, name_zh, name_en, branch_code, algorithm, certificate_subject, key_file, appearance, valid_from, valid_until,
                               forms, certificate_issuer, certificate_serial)
            VALUES (\(seal.id), \(seal.nameZH), \(seal.nameEN), \(seal.branch), \(seal.algorithm), \(seal.certificateSubject), \(seal.keyFile),
                    'round-red', timestamptz 'epoch' + \(seal.validFrom.microsecondsSinceEpoch) * interval '1 microsecond',
                    timestamptz 'epoch' + \(seal.validUntil.microsecondsSinceEpoch) * interval '1 microsecond', \(seal.forms),
                    \(seal.certificateIssuer), \(seal.certificateSerial))
            ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, algorithm = excluded.algorithm,
                certificate_subject = excluded.certificate_subject, key_file = excluded.key_file,
                valid_from = excluded.valid_from, valid_until = excluded.valid_until, forms = excluded.forms,
                certificate_issuer = excluded.certificate_issuer, certificate_serial = excluded.certificate_serial
            """)
        try await AuditLog.append(
            AuditEvent(
                actor: actor, branch: seal.branch, action: "seal.registered", subject: "seal:\(seal.id)",
                payload: [
                    "name_zh": .string(seal.nameZH), "algorithm": .string(seal.algorithm), "certificate": .string(seal.certificateSubject),
                    "valid_until_us": .integer(seal.validUntil.microsecondsSinceEpoch), "forms": .array(seal.forms.map { .string($0) }),
                ]),
            in: tx)
    }

    /// The seal the registry gives `form` at `branch` (migration 0025), if exactly one.
    public static func seal(forForm form: String, branch: String, in tx: Transaction) async throws -> String? {
        let rows = try await tx.query("SELECT seal_for_form(\(branch), \(form))", context: "seal for form")
        for try await id in rows.decode(String?.self) { return id }
        return nil
    }

    /// Revokes for good. Returns false if there is no such active seal.
    public static func revoke(_ id: String, reason: String, actor: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            "UPDATE seals SET state = 'revoked', revoked_at = now(), revoked_reason = \(reason) WHERE id = \(id) AND state = 'active' RETURNING branch_code"
        )
        var branch: String?
        for try await code in rows.decode(String.self) { branch = code }
        guard let branch else { return false }
        try await AuditLog.append(
            AuditEvent(actor: actor, branch: branch, action: "seal.revoked", subject: "seal:\(id)", payload: ["reason": .string(reason)]), in: tx)
        return true
    }

    /// The certificates `issuer` has revoked, as the seal registry recorded them (migration 0033): what its CRL and
    /// OCSP answers state.
    public static func revocations(issuer: String, in tx: Transaction) async throws -> [CertificateRevocation] {
        let rows = try await tx.query(
            "SELECT serial, ts_to_us(revoked_at) FROM certificate_revocations WHERE issuer = \(issuer) ORDER BY revoked_at, serial",
            context: "certificate revocations")
        var revocations: [CertificateRevocation] = []
        for try await (serial, revoked) in rows.decode((String, Int64).self) {
            revocations.append(CertificateRevocation(serial: serial, revokedAt: Timestamp(microsecondsSinceEpoch: revoked)))
        }
        return revocations
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [SealRecord] {
        var seals: [SealRecord] = []
        for try await (id, zh, en, branch, algorithm, subject, keyFile, from, until, state, issuer, serial) in rows.decode(
            (String, String, String, String, String, String, String, Int64, Int64, String, String?, String?).self)
        {
            seals.append(
                SealRecord(
                    id: id, nameZH: zh, nameEN: en, branch: branch, algorithm: algorithm, certificateSubject: subject, keyFile: keyFile,
                    validFrom: Timestamp(microsecondsSinceEpoch: from), validUntil: Timestamp(microsecondsSinceEpoch: until),
                    state: try .stored(state, column: "seals.state"), certificateIssuer: issuer, certificateSerial: serial))
        }
        return seals
    }
}
