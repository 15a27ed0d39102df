import Audit
public import Kernel
import Synchronization

/// A token bucket per client address for the public endpoints (pre-fill check and submit): `burst` requests at
/// once, refilled at `perMinute`. In memory, per instance: it stops a script at one door, which is its job; a
/// front proxy limits across instances.
public final class ClientRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Int64
    }

    let perMinute: Double
    let burst: Double
    /// Injectable, so that tests decide when tokens come back instead of racing the machine's speed.
    let time: any TimeSource
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets are forgotten once full again; this bounds memory under a spray of addresses.
    static let maximumClients = 100_000

    public init(perMinute: Int, burst: Int, time: any TimeSource = SystemTime()) {
        self.perMinute = Double(perMinute)
        self.burst = Double(burst)
        self.time = time
    }

    /// True if `client` may make one more request now (and counts it).
    public func allow(_ client: String) -> Bool {
        let now = time.now().microsecondsSinceEpoch
        return buckets.withLock { all in
            var bucket = all[client] ?? Bucket(tokens: burst, updated: now)
            // A clock set back refills nothing (and takes nothing).
            let seconds = Double(max(0, now - bucket.updated)) / 1_000_000
            bucket.tokens = min(burst, bucket.tokens + seconds * perMinute / 60)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                all[client] = bucket
                return false
            }
            bucket.tokens -= 1
            if all.count >= Self.maximumClients {
                // Buckets untouched for a full refill are full again: forgetting them changes nothing.
                let refill = Int64(burst * 60 / perMinute * 1_000_000)
                all = all.filter { now - $0.value.updated < refill }
            }
            all[client] = bucket
            return true
        }
    }
}
