import NIOPosix
import Synchronization

/// Checks of uploaded PDFs run on NIO's blocking thread pool, never on the cooperative pool that serves every
/// other request (two threads on a two-core machine), at most `maximumConcurrent` at a time, each answered within
/// `deadline`. A check that is still running at its deadline keeps its slot until it ends: answering early frees the
/// client, not the CPU, so a burst of slow files fills the slots and is then refused instead of piling up.
public final class VerificationGate: Sendable {
    public let maximumConcurrent: Int
    public let deadline: Duration
    private let running = Mutex(0)

    public init(maximumConcurrent: Int = 2, deadline: Duration = .seconds(10)) {
        self.maximumConcurrent = max(1, maximumConcurrent)
        self.deadline = deadline
    }

    /// Checks running now (for tests and metrics).
    public var inFlight: Int { running.withLock { $0 } }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard acquire() else {
            throw AppError(.serviceUnavailable, code: "verify.busy", "too many files are being checked right now; try again in a few seconds")
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let waiting = Mutex<CheckedContinuation<T, any Error>?>(continuation)
            let answer: @Sendable (Result<T, any Error>) -> Void = { result in waiting.withLock { $0.take() }?.resume(with: result) }
            let timer = Task {
                try await Task.sleep(for: deadline)
                answer(.failure(AppError(.serviceUnavailable, code: "verify.timeout", "checking this file took too long; it was not checked")))
            }
            NIOThreadPool.singleton.submit { state in
                defer { self.release() }
                guard case .active = state else {
                    answer(.failure(AppError(.serviceUnavailable, code: "service.stopping", "the service is shutting down")))
                    return
                }
                let result = Result { try work() }
                timer.cancel()
                answer(result)
            }
        }
    }

    private func acquire() -> Bool {
        running.withLock { count in
            guard count < maximumConcurrent else { return false }
            count += 1
            return true
        }
    }

    private func release() { running.withLock { $0 -= 1 } }
}
