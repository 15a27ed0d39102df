public import Audit
import Synchronization

/// Writes pre-fills that arrive together in one statement. While one batch's statement runs, newcomers queue;
/// when it returns they all go in the next one. A lone submission is written at once, alone: batching adds no wait
/// when the service is quiet, and saves a round trip, a plan and a commit per row when it is busy.
///
/// One batch is in flight at a time (per instance), so batches never wait on each other's chain heads. If a batch is
/// refused — one row is enough (a code already taken) — every row is written again on its own, so each submission
/// gets its own answer and the others are not lost.
public final class PrefillBatcher: Sendable {
    private struct Waiting: Sendable {
        let row: PrefillStore.NewRow
        let done: CheckedContinuation<AuditRecord, any Error>
    }

    private let database: Database
    private let state = Mutex<(queue: [Waiting], writing: Bool)>(([], false))
    /// Rows per statement at most (the bind arrays grow with it).
    public let maximum: Int

    public init(database: Database, maximum: Int = 64) {
        self.database = database
        self.maximum = maximum
    }

    /// Stores the row and its audit event; returns once they are committed.
    @discardableResult
    public func store(_ row: PrefillStore.NewRow) async throws -> AuditRecord {
        try await withCheckedThrowingContinuation { done in
            let first = state.withLock { state -> Bool in
                state.queue.append(Waiting(row: row, done: done))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            // The one who found nobody writing writes until the queue is empty.
            if first { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.queue.prefix(maximum))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await write(batch)
        }
    }

    private func write(_ batch: [Waiting]) async {
        do {
            let records = try await PrefillStore.insert(batch.map(\.row), on: database)
            for (waiting, record) in zip(batch, records) { waiting.done.resume(returning: record) }
        } catch {
            guard batch.count > 1 else { return batch[0].done.resume(throwing: error) }
            await withTaskGroup(of: Void.self) { group in
                for waiting in batch {
                    group.addTask {
                        do {
                            waiting.done.resume(returning: try await PrefillStore.insert([waiting.row], on: self.database)[0])
                        } catch {
                            waiting.done.resume(throwing: error)
                        }
                    }
                }
            }
        }
    }
}
