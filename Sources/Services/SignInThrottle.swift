import Audit
public import Kernel
import Synchronization

/// Password guessing, slowed and then stopped before any hash is computed: per user (whoever guesses, from
/// wherever) and per client address (whichever users it tries). The first few failures cost nothing; then each
/// failure makes the next attempt wait twice as long; at the lockout threshold the key is refused outright for a
/// while, and that lockout — not every refused guess — is what the audit trail records. A refused attempt costs no
/// scrypt and writes no row. In memory, per instance: a front proxy or the bank's directory limits across
/// instances; the per-user lockout here already caps guesses at about `lockoutFailures` per lockout period per
/// instance.
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

    struct Record {
        var failures = 0
        var lastFailure: Int64 = 0
        var nextAttempt: Int64 = 0
    }

    let userPolicy: Policy
    let addressPolicy: Policy
    let time: any TimeSource
    private let records = Mutex<[String: Record]>([:])
    /// Records are forgotten once a lockout period passes without a failure; this bounds memory under a spray.
    static let maximumRecords = 100_000

    public init(user: Policy = .user, address: Policy = .address, time: any TimeSource = SystemTime()) {
        self.userPolicy = user
        self.addressPolicy = address
        self.time = time
    }

    /// Before the password is hashed: may this user be tried from this address now?
    public func check(user: String, address: String) -> Verdict {
        let now = time.now().microsecondsSinceEpoch
        return records.withLock { all in
            var worst = Verdict.allowed
            for (key, policy) in keys(user: user, address: address) {
                guard let record = all[key], record.nextAttempt > now else { continue }
                let seconds = (record.nextAttempt - now + 999_999) / 1_000_000
                let locked = record.failures >= policy.lockoutFailures
                if case .refused(let longest, _) = worst, longest >= seconds { continue }
                worst = .refused(retryAfterSeconds: seconds, locked: locked)
            }
            return worst
        }
    }

    /// A wrong password (or unknown user): counts against both keys; says which lockout it started, if any.
    public func failed(user: String, address: String) -> [Lockout] {
        let now = time.now().microsecondsSinceEpoch
        return records.withLock { all in
            if all.count >= Self.maximumRecords { forgetQuiet(&all, now: now) }
            return keys(user: user, address: address).compactMap { key, policy -> Lockout? in
                var record = all[key] ?? Record()
                // A lockout that has passed starts the count again.
                if record.failures >= policy.lockoutFailures && record.nextAttempt <= now { record = Record() }
                record.failures += 1
                record.lastFailure = now
                let lockout: Lockout?
                if record.failures == policy.lockoutFailures {
                    record.nextAttempt = now + policy.lockoutSeconds * 1_000_000
                    lockout = .started(key: key, seconds: policy.lockoutSeconds)
                } else if record.failures > policy.freeFailures {
                    let doubling = Int64(1) << Int64(min(30, record.failures - policy.freeFailures - 1))
                    record.nextAttempt = now + min(policy.maximumDelaySeconds, doubling) * 1_000_000
                    lockout = nil
                } else {
                    lockout = nil
                }
                all[key] = record
                return lockout
            }
        }
    }

    /// The right password: the user's count starts again (the address's stays: it may be guessing other users).
    public func succeeded(user: String) {
        _ = records.withLock { $0.removeValue(forKey: "user:\(user)") }
    }

    /// An administrator unlocked the user (issue #18): their count starts again, as after the right password.
    public func unlock(user: String) { succeeded(user: user) }

    private func keys(user: String, address: String) -> [(String, Policy)] {
        [("user:\(user)", userPolicy), ("address:\(address)", addressPolicy)]
    }

    private func forgetQuiet(_ all: inout [String: Record], now: Int64) {
        let quiet = max(userPolicy.lockoutSeconds, addressPolicy.lockoutSeconds) * 1_000_000
        all = all.filter { now - $0.value.lastFailure < quiet || $0.value.nextAttempt > now }
    }
}
