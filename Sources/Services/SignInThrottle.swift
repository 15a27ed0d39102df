import Audit
public import Kernel
public import Storage

/// Password guessing, slowed and then stopped before any hash is computed: per user (whoever guesses, from
/// wherever) and per client address (whichever users it tries). The first few failures cost nothing; then each
/// failure makes the next attempt wait twice as long; at the lockout threshold the key is refused outright for a
/// while, and that lockout — not every refused guess — is what the audit trail records. A refused attempt costs no
/// scrypt and writes no row. The counts are kept in PostgreSQL (``SignInFailures``, migration 0046), so every
/// instance counts the same guesses and honours the same lockout, and an administrator's unlock holds everywhere.
///
/// An attempt is counted as a failure when it is let through, before its password is hashed (``admit(user:address:in:)``),
/// under the keys' row locks: guesses sent all at once meet the delays and the lockout as if sent one after another
/// (the hashing queue would otherwise let a burst through before any failure was written). A right password gives the
/// count back (``succeeded(user:address:in:)``).
public final class SignInThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures in a row that cost nothing.
        public var freeFailures: Int
        /// At this many failures in a row the key is locked.
        public var lockoutFailures: Int
        public var lockoutSeconds: Int64
        /// The longest wait between two attempts before the lockout.
        public var maximumDelaySeconds: Int64

        public init(freeFailures: Int, lockoutFailures: Int, lockoutSeconds: Int64, maximumDelaySeconds: Int64 = 60) {
            self.freeFailures = freeFailures
            self.lockoutFailures = lockoutFailures
            self.lockoutSeconds = lockoutSeconds
            self.maximumDelaySeconds = maximumDelaySeconds
        }

        /// A user: three free tries, then 1, 2, 4 … s, locked for 15 minutes at the tenth.
        public static let user = Policy(freeFailures: 3, lockoutFailures: 10, lockoutSeconds: 15 * 60)
        /// An address (a branch behind one NAT types many passwords): ten free, locked for 15 minutes at the fiftieth.
        public static let address = Policy(freeFailures: 10, lockoutFailures: 50, lockoutSeconds: 15 * 60, maximumDelaySeconds: 10)

        /// What one more failure makes of a key's record at `now`, and whether it starts a lockout. A key quiet for a
        /// lockout period — a lockout passed, or failures long ago — starts its count again.
        func afterFailure(_ before: SignInFailures.Record, at now: Int64) -> (SignInFailures.Record, startsLockout: Bool) {
            var record = before
            if record.nextAttempt <= now && now - record.lastFailure >= lockoutSeconds * 1_000_000 { record = SignInFailures.Record() }
            record.failures += 1
            record.lastFailure = now
            if record.failures == lockoutFailures {
                record.nextAttempt = now + lockoutSeconds * 1_000_000
                return (record, true)
            }
            if record.failures > freeFailures {
                let doubling = Int64(1) << Int64(min(30, record.failures - freeFailures - 1))
                // Never earlier than a wait already set.
                record.nextAttempt = max(record.nextAttempt, now + min(maximumDelaySeconds, doubling) * 1_000_000)
            }
            return (record, false)
        }
    }

    public enum Admission: Equatable, Sendable {
        /// Let through and counted as a failure already (a right password gives the count back).
        case admitted(Attempt)
        /// Try again after this many seconds; `locked` when the key is locked out (not only slowed).
        case refused(retryAfterSeconds: Int64, locked: Bool)

        /// What the attempt's count starts, for the audit trail if the password is wrong; nil when refused.
        public var lockouts: [Lockout]? {
            if case .admitted(let attempt) = self { attempt.lockouts } else { nil }
        }
    }

    /// An attempt let through: the lockouts its count starts, and the address's record before and after it (to give
    /// it back exactly when the password is right and nobody has counted on the address since).
    public struct Attempt: Equatable, Sendable {
        public let lockouts: [Lockout]
        let address: String
        let addressBefore: SignInFailures.Record
        let addressAfter: SignInFailures.Record
    }

    /// What a failure did: nothing more, or it started a lockout (to be audited, once).
    public enum Lockout: Equatable, Sendable {
        case none
        case started(key: String, seconds: Int64)
    }

    let userPolicy: Policy
    let addressPolicy: Policy
    let time: any TimeSource
    /// Quiet keys forgotten by each failure, at most: enough to outpace a spray, bounded work per guess.
    static let forgottenPerFailure = 8

    public init(user: Policy = .user, address: Policy = .address, time: any TimeSource = SystemTime()) {
        self.userPolicy = user
        self.addressPolicy = address
        self.time = time
    }

    /// Before the password is hashed, in `tx` (which the caller ends before hashing: the row locks are held for
    /// milliseconds): refused while the user or the address is slowed or locked out; otherwise counted as a failure
    /// now. A refused attempt is found by a plain read first, so a flood of them writes nothing.
    public func admit(user: String, address: String, in tx: Transaction) async throws -> Admission {
        let now = time.now().microsecondsSinceEpoch
        let keys = keys(user: user, address: address)
        if let refusal = refusal(try await SignInFailures.records(keys: keys.map(\.key), in: tx), keys, now: now) { return refusal }
        let records = try await SignInFailures.lock(keys: keys.map(\.key), in: tx)
        if let refusal = refusal(records, keys, now: now) { return refusal }
        var lockouts: [Lockout] = []
        var after: [String: SignInFailures.Record] = [:]
        for (key, policy) in keys {
            let (record, startsLockout) = policy.afterFailure(records[key] ?? SignInFailures.Record(), at: now)
            try await SignInFailures.store(record, key: key, in: tx)
            after[key] = record
            if startsLockout { lockouts.append(.started(key: key, seconds: policy.lockoutSeconds)) }
        }
        let quiet = max(userPolicy.lockoutSeconds, addressPolicy.lockoutSeconds) * 1_000_000
        try await SignInFailures.forgetQuiet(before: now - quiet, limit: Self.forgottenPerFailure, in: tx)
        let address = keys[1].key
        return .admitted(
            Attempt(
                lockouts: lockouts, address: address, addressBefore: records[address] ?? SignInFailures.Record(),
                addressAfter: after[address] ?? SignInFailures.Record()))
    }

    /// The right password: the user's count starts again; the address gets `attempt` back — one failure fewer, and its
    /// wait as it was unless another attempt has counted since (it may be guessing other users: those stay).
    public func succeeded(user: String, attempt: Attempt, in tx: Transaction) async throws {
        try await SignInFailures.forget(key: "user:\(user)", in: tx)
        try await SignInFailures.giveBack(key: attempt.address, before: attempt.addressBefore, after: attempt.addressAfter, in: tx)
    }

    /// The longest wait any of `keys` holds at `now`, if any.
    private func refusal(_ records: [String: SignInFailures.Record], _ keys: [(key: String, policy: Policy)], now: Int64) -> Admission? {
        var worst: Admission?
        for (key, policy) in keys {
            guard let record = records[key], record.nextAttempt > now else { continue }
            let seconds = (record.nextAttempt - now + 999_999) / 1_000_000
            if case .refused(let longest, _) = worst, longest >= seconds { continue }
            worst = .refused(retryAfterSeconds: seconds, locked: record.failures >= policy.lockoutFailures)
        }
        return worst
    }

    private func keys(user: String, address: String) -> [(key: String, policy: Policy)] {
        [("user:\(user)", userPolicy), ("address:\(address)", addressPolicy)]
    }
}
