import Synchronization

/// Where the service reads the time. Production uses the system clock; tests drive a ``ManualTime`` forward to
/// make leases expire and requests escalate without waiting.
public protocol TimeSource: Sendable {
    func now() -> Timestamp
}

public struct SystemTime: TimeSource {
    public init() {}
    public func now() -> Timestamp { Timestamp.now() }
}

/// A clock that moves only when told to.
public final class ManualTime: TimeSource {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = .now()) { current = Mutex(start) }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func advance(seconds: Double) {
        current.withLock { $0 = Timestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + Int64(seconds * 1_000_000)) }
    }
}
