import NIOPosix
import Synchronization
public import Vouchers

/// CPU-heavy work that anyone can trigger — checking an uploaded PDF, hashing a typed password with scrypt — runs on
/// NIO's blocking thread pool, never on the cooperative pool that serves every other request (two threads on a
/// two-core machine), at most `permits` at a time. Up to `maximumWaiting` more wait their turn; beyond that the
/// caller is refused at once. With a `deadline`, a caller is answered when it passes, but the work keeps its permit
/// until it ends: answering early frees the client, not the CPU, so a burst of slow inputs fills the permits and is
/// then refused instead of piling up threads.
public final class BlockingWorkGate: Sendable {
    /// What a caller is told when the gate is full, and when the deadline passes first.
    public struct Refusals: Sendable {
        public let busy: AvailabilityError
        public let timeout: AvailabilityError

        public init(busy: AvailabilityError, timeout: AvailabilityError) {
            self.busy = busy
            self.timeout = timeout
        }
    }

    public let permits: Int
    public let maximumWaiting: Int
    public let deadline: Duration?
    let refusals: Refusals
    /// Waits out a deadline: `Task.sleep` but in tests, which pass a timer they fire themselves, so that no test
    /// depends on how fast the machine runs the work. Cancelled when the work ends first.
    let timer: @Sendable (Duration) async throws -> Void

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init(
        permits: Int, maximumWaiting: Int = 0, deadline: Duration? = nil, refusals: Refusals,
        timer: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.permits = max(1, permits)
        self.maximumWaiting = max(0, maximumWaiting)
        self.deadline = deadline
        self.refusals = refusals
        self.timer = timer
    }

    /// Work running now (for tests and metrics).
    public var inFlight: Int { state.withLock { $0.running } }
    /// Callers waiting for a permit (for tests and metrics).
    public var queued: Int { state.withLock { $0.waiting.count } }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let waiting = Mutex<CheckedContinuation<T, any Error>?>(continuation)
            let answer: @Sendable (Result<T, any Error>) -> Void = { result in waiting.withLock { $0.take() }?.resume(with: result) }
            let countdown = deadline.map { deadline in
                Task { [timer] in
                    try await timer(deadline)
                    answer(.failure(refusals.timeout))
                }
            }
            NIOThreadPool.singleton.submit { state in
                defer { self.release() }
                guard case .active = state else {
                    answer(.failure(AvailabilityError(.stopping, "the service is shutting down")))
                    return
                }
                let result = Result { try work() }
                countdown?.cancel()
                answer(result)
            }
        }
    }

    private enum Admission { case now, wait, refused }

    private func acquire() async throws {
        let admission = state.withLock { state -> Admission in
            if state.running < permits {
                state.running += 1
                return .now
            }
            return state.waiting.count < maximumWaiting ? .wait : .refused
        }
        switch admission {
        case .now: return
        case .refused: throw refusals.busy
        case .wait:
            await withCheckedContinuation { continuation in
                // Checked again under the lock: a permit may have come back since the first look.
                let admitted = state.withLock { state -> Bool in
                    if state.running < permits {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
        }
    }

    /// A finished piece of work hands its permit straight to the first waiter, if any.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

extension BlockingWorkGate: BlockingExecutor {}

extension BlockingWorkGate {
    /// Making vouchers (issue #17, part 6): rendering with PoDoFo, writing and parsing PDF revisions, the RSA and
    /// ECDSA signatures — as many at once as cores, a queue for a busy morning, and an answer within twenty seconds.
    /// The waits for the TSA and the CA happen outside it.
    public static func voucherWork(permits: Int = 2, maximumWaiting: Int = 64, deadline: Duration = .seconds(20)) -> BlockingWorkGate {
        BlockingWorkGate(
            permits: permits, maximumWaiting: maximumWaiting, deadline: deadline,
            refusals: Refusals(
                busy: AvailabilityError(
                    .voucherBusy, "too many vouchers are being made right now; try again in a few seconds / 凭证生成繁忙，请稍后再试"
                ),
                timeout: AvailabilityError(.voucherTimeout, "making the voucher took too long; nothing was recorded / 凭证生成超时，未作记录")))
    }

    /// Checks of uploaded PDFs: as many as cores, none waiting, each answered within ten seconds.
    public static func verification(
        permits: Int = 2, deadline: Duration = .seconds(10),
        timer: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> BlockingWorkGate {
        BlockingWorkGate(
            permits: permits, deadline: deadline,
            refusals: Refusals(
                busy: AvailabilityError(
                    .verificationBusy,
                    "too many files are being checked right now; try again in a few seconds / 正在检查的文件过多，请稍后再试"),
                timeout: AvailabilityError(.verificationTimeout, "checking this file took too long; it was not checked / 检查超时，文件未被检查")),
            timer: timer)
    }

    /// Password hashes (scrypt, ~50–100 ms of one core each): one at a time, so guessing can take at most one of the
    /// blocking pool's threads, and a short queue for the morning's sign-ins.
    public static func passwordHashing(permits: Int = 1, maximumWaiting: Int = 32) -> BlockingWorkGate {
        let busy = AvailabilityError(.signInBusy, "too many sign-ins at once; try again in a few seconds / 同时登录的人过多，请稍后再试")
        return BlockingWorkGate(permits: permits, maximumWaiting: maximumWaiting, refusals: Refusals(busy: busy, timeout: busy))
    }
}
