import Synchronization

/// Runs what arrives together in one go. While one batch runs, newcomers queue; when it returns they all go in the
/// next one. A lone input runs at once, alone: batching adds no wait when the service is quiet, and saves a round
/// trip, a plan and a commit per input when it is busy.
///
/// One batch runs at a time (per batcher), so batches never wait on each other's locks.
public final class Batcher<Input: Sendable, Output: Sendable>: Sendable {
    /// What a failed batch of more than one means.
    public enum OnFailure: Sendable {
        /// One input can refuse the whole batch (a unique key already taken): run each input again on its own, so
        /// each gets its own answer and the others are not lost.
        case runEachAlone
        /// The failure is not any one input's (the database is down): every input gets it.
        case failAll
    }

    private struct Waiting: Sendable {
        let input: Input
        let done: CheckedContinuation<Output, any Error>
    }

    private let state = Mutex<(queue: [Waiting], running: Bool)>(([], false))
    private let run: @Sendable ([Input]) async throws -> [Output]
    private let onFailure: OnFailure
    /// Inputs per batch at most (the bind arrays grow with it).
    public let maximum: Int

    /// `run` answers each input, in order.
    public init(maximum: Int, onFailure: OnFailure, run: @escaping @Sendable ([Input]) async throws -> [Output]) {
        precondition(maximum >= 1)
        self.maximum = maximum
        self.onFailure = onFailure
        self.run = run
    }

    /// The answer to `input`, once its batch has run.
    @discardableResult
    public func submit(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { done in
            let first = state.withLock { state -> Bool in
                state.queue.append(Waiting(input: input, done: done))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            // The one who found nothing running runs batches until the queue is empty.
            if first { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.queue.prefix(maximum))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await runBatch(batch)
        }
    }

    private func runBatch(_ batch: [Waiting]) async {
        do {
            let outputs = try await answers(batch.map(\.input))
            for (waiting, output) in zip(batch, outputs) { waiting.done.resume(returning: output) }
        } catch {
            guard batch.count > 1, onFailure == .runEachAlone else {
                for waiting in batch { waiting.done.resume(throwing: error) }
                return
            }
            await withTaskGroup(of: Void.self) { group in
                for waiting in batch {
                    group.addTask {
                        do {
                            waiting.done.resume(returning: try await self.answers([waiting.input])[0])
                        } catch {
                            waiting.done.resume(throwing: error)
                        }
                    }
                }
            }
        }
    }

    private func answers(_ inputs: [Input]) async throws -> [Output] {
        let outputs = try await run(inputs)
        guard outputs.count == inputs.count else {
            throw StorageError(.queryFailed, "a batch of \(inputs.count) got \(outputs.count) answers")
        }
        return outputs
    }
}
