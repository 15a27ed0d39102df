import Audit
public import Foundation
import Kernel
public import Storage
public import Vouchers

/// Stamping a registered seal: the registry decides whether the seal may be used now, and the use is an audit
/// event committed before the sealed file is handed out — there is no sealed voucher without its record.
public struct SealUse: Sendable {
    public let database: Database
    public let password: String
    /// The service time-stamps every seal (PAdES B-T); the offline `voucher seal` command makes B-B without one.
    public let timeStamper: TimeStamper?
    /// The service asks the seal certificate's CA before each use: a certificate its CA revoked stamps nothing,
    /// whatever the registry says.
    public let revocation: RevocationCheck?

    /// Where the seal's PDF and signature work runs (the service's voucher gate; in place for the command line).
    public let executor: any BlockingExecutor

    public init(
        database: Database, password: String, timeStamper: TimeStamper? = nil, revocation: RevocationCheck? = nil,
        executor: any BlockingExecutor = InPlace()
    ) {
        self.executor = executor
        self.database = database
        self.password = password
        self.timeStamper = timeStamper
        self.revocation = revocation
    }

    /// The seal, if `branch` (when given) may stamp it at `time`: registered, the branch's own, active, in its
    /// validity. Callers about to do expensive work first ask this, so a bad seal is refused before anything is made.
    public static func usable(_ sealID: String, branch: String?, at time: Date = Date(), in database: Database) async throws -> SealRecord {
        guard let seal = try await database.read({ try await SealStore.find(sealID, in: $0) }) else {
            throw VoucherError(.unknownSeal, "no seal \(sealID) is registered")
        }
        if let branch, seal.branch != branch {
            throw VoucherDeskError(.sealWrongBranch, "seal \(sealID) belongs to branch \(seal.branch), not \(branch)")
        }
        guard seal.state == .active else { throw VoucherError(.sealRevoked, "seal \(sealID) was revoked") }
        let now = Timestamp(time)
        guard now >= seal.validFrom, now <= seal.validUntil else {
            throw VoucherError(.sealExpired, "seal \(sealID) may be used from \(seal.validFrom) until \(seal.validUntil)")
        }
        return seal
    }

    /// `branch`, when given, is the branch whose document this is: a branch stamps only its own seals.
    /// `ring`, when given, is written along the seal's arc (the bank's and branch's name), the seal's name across.
    /// `record` runs inside the audit event's transaction, for the caller's own state change (e.g. the voucher row).
    public func stamp(
        _ pdf: [UInt8], sealID: String, actor: String, terminal: String?, subject: String, branch: String? = nil, ring: String? = nil,
        at time: Date = Date(),
        record: @Sendable (_ sealed: [UInt8], _ archiveExpiry: Date?, Transaction) async throws -> Void = { _, _, _ in }
    ) async throws -> [UInt8] {
        let seal = try await Self.usable(sealID, branch: branch, at: time, in: database)
        let signer = try SignerCache.shared.signer(keyFile: seal.keyFile, password: password)
        guard time >= signer.notBefore, time <= signer.notAfter else {
            throw VoucherError(.sealExpired, "the certificate of seal \(sealID) is valid until \(signer.notAfter) only")
        }
        let standing = try await revocation?.requireGood(signer, at: time)
        let face = ring.map { SealFace(ring: $0, center: seal.nameZH) }
        var sealed =
            if let timeStamper {
                try await BankSeal.stamp(
                    pdf, with: signer, name: seal.nameZH, sealID: seal.id, face: face, at: time, timeStamper: timeStamper, executor: executor)
            } else {
                try BankSeal.stamp(pdf, with: signer, name: seal.nameZH, sealID: seal.id, face: face, at: time)
            }
        // The service's vouchers are B-LTA: every signature's revocation data and a document time-stamp, before the
        // use is recorded — a voucher is handed out with its long-term evidence or not at all.
        if let timeStamper, let revocation {
            sealed = try await LongTermEvidence.archive(sealed, revocation: revocation, timeStamper: timeStamper, at: time, executor: executor)
        }
        var used: [String: CanonicalJSON] = [
            "seal": .string(seal.id), "certificate": .string(signer.subject),
            "input_sha256": .string(SHA256Hash.sha256(of: pdf).hex), "output_sha256": .string(SHA256Hash.sha256(of: sealed).hex),
        ]
        // What the use was based on: the CA's answer that the certificate was good.
        if let standing { used["ocsp_sha256"] = .string(SHA256Hash.sha256(of: standing).hex) }
        let payload = used
        // Read from the file on the executor, before the transaction: the renewal's starting point.
        let archiveExpiry = try await executor.run { [sealed] in try LongTermEvidence.archiveExpiry(sealed) }
        try await database.transaction { tx in
            try await record(sealed, archiveExpiry, tx)
            try await AuditLog.append(
                AuditEvent(actor: actor, branch: seal.branch, terminal: terminal, action: "seal.used", subject: subject, payload: .object(payload)),
                in: tx)
        }
        return sealed
    }
}
