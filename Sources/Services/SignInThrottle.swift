import Audit
public import Kernel
public import Storage

/// Password guessing, slowed and then stopped before any hash is computed: per user (whoever guesses, from
/// wherever) and per client address (whichever users it tries). The first few failures cost nothing; then each
/// failure makes the next attempt wait twice as long; at the lockout threshold the key is refused outright for a
/// while, and that lockout — not every refused guess — is what the audit trail records. A refused attempt costs no
/// scrypt and writes no row. The counts are kept in PostgreSQL (``SignInFailures``, migration 0046), so every
/// instance counts the same guesses and honours the same lockout, and an administrator's unlock holds everywhere.
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

        /// What one more failure makes of a key's record at `now`, and whether it starts a lockout.
        func afterFailure(_ before: SignInFailures.Record, at now: Int64) -> (SignInFailures.Record, startsLockout: Bool) {
            var record = before
            // A lockout that has passed starts the count again.
            if record.failures >= lockoutFailures && record.nextAttempt <= now { record = SignInFailures.Record() }
            record.failures += 1
            record.lastFailure = now
            if record.failures == lockoutFailures {
                record.nextAttempt = now + lockoutSeconds * 1_000_000
                return (record, true)
            }
            if record.failures > freeFailures {
                let doubling = Int64(1) << Int64(min(30, record.failures - freeFailures - 1))
                // Never earlier than a wait already set (a guess that raced past a lockout does not shorten it).
                record.nextAttempt = max(record.nextAttempt, now + min(maximumDelaySeconds, doubling) * 1_000_000)
            }
            return (record, false)
        }
    }

    public enum Verdict: Equatable, Sendable {
        case allowed
        /// Try again after this many seconds; `locked` when the key is locked out (not only slowed).
        case refused(retryAfterSeconds: Int64, locked: Bool)
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

    /// Before the password is hashed: may this user be tried from this address now?
    public func check(user: String, address: String, in tx: Transaction) async throws -> Verdict {
        let now = time.now().microsecondsSinceEpoch
        let records = try await SignInFailures.records(keys: keys(user: user, address: address).map(\.key), in: tx)
        var worst = Verdict.allowed
        for (key, policy) in keys(user: user, address: address) {
            guard let record = records[key], record.nextAttempt > now else { continue }
            let seconds = (record.nextAttempt - now + 999_999) / 1_000_000
            let locked = record.failures >= policy.lockoutFailures
            if case .refused(let longest, _) = worst, longest >= seconds { continue }
            worst = .refused(retryAfterSeconds: seconds, locked: locked)
        }
        return worst
    }

    /// A wrong password (or unknown user), counted against both keys in `tx` — the transaction that audits it —
    /// under the keys' row locks; says which lockout it started, if any.
    public func failed(user: String, address: String, in tx: Transaction) async throws -> [Lockout] {
        let now = time.now().microsecondsSinceEpoch
        let keys = keys(user: user, address: address)
        let records = try await SignInFailures.lock(keys: keys.map(\.key), in: tx)
        var lockouts: [Lockout] = []
        for (key, policy) in keys {
            let (record, startsLockout) = policy.afterFailure(records[key] ?? SignInFailures.Record(), at: now)
            try await SignInFailures.store(record, key: key, in: tx)
            if startsLockout { lockouts.append(.started(key: key, seconds: policy.lockoutSeconds)) }
        }
        let quiet = max(userPolicy.lockoutSeconds, addressPolicy.lockoutSeconds) * 1_000_000
        try await SignInFailures.forgetQuiet(before: now - quiet, limit: Self.forgottenPerFailure, in: tx)
        return lockouts
    }

    /// The right password: the user's count starts again (the address's stays: it may be guessing other users).
    public func succeeded(user: String, in tx: Transaction) async throws {
        try await SignInFailures.forget(key: "user:\(user)", in: tx)
    }

    private func keys(user: String, address: String) -> [(key: String, policy: Policy)] {
        [("user:\(user)", userPolicy), ("address:\(address)", addressPolicy)]
    }
}
