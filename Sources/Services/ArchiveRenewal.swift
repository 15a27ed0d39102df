import Audit
import Crypto
public import Foundation
import Kernel
public import Storage
public import Vouchers

/// Keeps sealed vouchers provable past their archive time-stamps (issue #16, part 5): each sealed voucher whose
/// newest archive time-stamp's certificate expires before a horizon gets a DSS for that time-stamp and a new one
/// (`LongTermEvidence.renew`), recorded with its audit event in one transaction. Vouchers are taken in id order in
/// batches; a renewed voucher leaves the candidates, so a run that stops is resumed by running again, and a run
/// after a complete one renews nothing.
public struct ArchiveRenewal: Sendable {
    public let database: Database
    public let timeStamper: TimeStamper
    public let revocation: RevocationCheck
    public let actor: String

    public init(database: Database, timeStamper: TimeStamper, revocation: RevocationCheck, actor: String) {
        self.database = database
        self.timeStamper = timeStamper
        self.revocation = revocation
        self.actor = actor
    }

    /// What one batch did; `cursor` is the last voucher looked at (nil when there were none left).
    public struct Batch: Sendable {
        public var looked = 0
        public var renewed = 0
        /// Looked at but not renewed: the file has no archive time-stamp (sealed before B-LTA), or its newest one
        /// already outlives the horizon, or a new one would not outlive it either (the TSA's certificate expires
        /// no later: renewing would add a time-stamp and gain nothing).
        public var skipped: [(voucher: String, why: String)] = []
        public var cursor: String?
    }

    /// How many vouchers a run from `cursor` will look at.
    public func candidates(horizon: Date, after cursor: String = "") async throws -> Int {
        try await database.read { try await VoucherRenewals.count(after: cursor, horizon: Timestamp(horizon), in: $0) }
    }

    /// Why a run stops before its end: the TSA or the CA does not answer, or renewing would gain nothing. Every
    /// voucher renewed before it stays renewed.
    public struct Stopped: Error, CustomStringConvertible {
        public let description: String
    }

    /// Renews the next `limit` candidates after `cursor`. A voucher that cannot be renewed on its own account (its
    /// file unreadable, its stamp already expired, renewed meanwhile by another run) is skipped and said so; a TSA or
    /// CA that does not answer, or a TSA whose certificate would not outlive the horizon, stops the run — each voucher
    /// is renewed in its own transaction, so none is half-renewed.
    public func renewBatch(after cursor: String, horizon: Date, limit: Int, now: Date = Date()) async throws -> Batch {
        let due = Timestamp(horizon)
        let vouchers = try await database.read { try await VoucherRenewals.next(after: cursor, horizon: due, limit: limit, in: $0) }
        var batch = Batch(cursor: vouchers.last?.voucher)
        for current in vouchers {
            batch.looked += 1
            let expiry: Date?
            do { expiry = try LongTermEvidence.archiveExpiry(current.pdf) } catch {
                batch.skipped.append((current.voucher, "its file cannot be read (\(error))"))
                continue
            }
            guard let expiry else {
                batch.skipped.append((current.voucher, "no archive time-stamp (sealed before B-LTA)"))
                continue
            }
            guard expiry < horizon else {
                batch.skipped.append((current.voucher, "its archive time-stamp outlives the horizon"))
                continue
            }
            // Too late: past the expiry nothing proves the file existed unchanged, and a new stamp would not either.
            guard expiry > now else {
                batch.skipped.append((current.voucher, "its archive time-stamp's certificate expired at \(expiry): too late to renew"))
                continue
            }
            let renewed: [UInt8]
            do { renewed = try await LongTermEvidence.renew(current.pdf, revocation: revocation, timeStamper: timeStamper) } catch {
                throw Stopped(description: "voucher \(current.voucher): \(error)")
            }
            guard let extended = try LongTermEvidence.archiveExpiry(renewed), extended >= horizon else {
                throw Stopped(
                    description:
                        "the TSA's certificate expires within the window (before \(horizon)): renewing now gains nothing; renew the TSA's certificate first"
                )
            }
            do {
                try await record(current, renewed: renewed, expiry: extended)
                batch.renewed += 1
            } catch {
                // Another run renewed it first (the next generation is taken); anything else stops this run.
                let now = try await database.read { try await VoucherRenewals.current(current.voucher, in: $0) }
                guard let now, now.generation > current.generation else { throw error }
                batch.skipped.append((current.voucher, "renewed meanwhile by another run"))
            }
        }
        return batch
    }

    private func record(_ current: VoucherRenewals.Current, renewed: [UInt8], expiry: Date) async throws {
        let previous = Array(SHA256.hash(data: current.pdf))
        let digest = Array(SHA256.hash(data: renewed))
        let event = AuditEvent(
            actor: actor, branch: current.branch, terminal: nil, action: "voucher.renewed", subject: "voucher:\(current.voucher)",
            payload: .object([
                "generation": .integer(Int64(current.generation + 1)), "previous_sha256": .string(previous.hexString),
                "sha256": .string(digest.hexString), "archive_expires_at_us": .integer(Timestamp(expiry).microsecondsSinceEpoch),
            ]))
        try await database.transaction { tx in
            try await VoucherRenewals.record(
                current, renewed: renewed, sha256: digest, previousSHA256: previous, archiveExpiresAt: Timestamp(expiry), by: actor, in: tx)
            try await AuditLog.append(event, in: tx)
        }
    }
}
