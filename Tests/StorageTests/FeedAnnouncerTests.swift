import Synchronization
import Testing

@testable import Storage

/// The feed announcer's rule: at most one announcement in flight, and a commit that lands during one is covered
/// by exactly one more — never lost, never one per commit.
@Suite struct FeedAnnouncerTests {
    /// An announcement that counts itself and waits until the test lets it finish.
    final class Gate: Sendable {
        let runs = Atomic<Int>(0)
        let released = Atomic<Int>(0)

        func announce() async {
            let run = runs.add(1, ordering: .sequentiallyConsistent).newValue
            while released.load(ordering: .sequentiallyConsistent) < run { try? await Task.sleep(for: .milliseconds(1)) }
        }

        func release() { released.add(1, ordering: .sequentiallyConsistent) }

        func waitForRuns(_ count: Int) async throws {
            for _ in 0..<5_000 where runs.load(ordering: .sequentiallyConsistent) < count { try await Task.sleep(for: .milliseconds(1)) }
            try #require(runs.load(ordering: .sequentiallyConsistent) >= count)
        }
    }

    @Test func commitsDuringAnAnnouncementAreCoveredByOneMore() async throws {
        let announcer = FeedAnnouncer()
        let gate = Gate()
        announcer.runSoon(gate.announce)
        try await gate.waitForRuns(1)
        // Fifty commits while the first announcement runs: none starts a run of its own.
        for _ in 0..<50 { announcer.runSoon(gate.announce) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(gate.runs.load(ordering: .sequentiallyConsistent) == 1)
        // When it ends, exactly one more runs, for all fifty.
        gate.release()
        try await gate.waitForRuns(2)
        gate.release()
        try await Task.sleep(for: .milliseconds(50))
        #expect(gate.runs.load(ordering: .sequentiallyConsistent) == 2)
        // Idle again: the next commit starts a run at once.
        announcer.runSoon(gate.announce)
        try await gate.waitForRuns(3)
        gate.release()
        try await Task.sleep(for: .milliseconds(50))
        #expect(gate.runs.load(ordering: .sequentiallyConsistent) == 3)
    }
}
