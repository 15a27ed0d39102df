import Storage
import Synchronization
import Testing

/// Ids reserved in blocks are handed out once each, in order within a block, even to callers racing for them.
@Suite struct IDReservoirTests {
    /// A database sequence stand-in that counts how often it was asked.
    final class FakeSequence: Sendable {
        let state = Mutex<(last: Int64, refills: Int)>((0, 0))

        func take(_ count: Int) -> [Int64] {
            state.withLock { state in
                state.refills += 1
                defer { state.last += Int64(count) }
                return Array((state.last + 1)...(state.last + Int64(count)))
            }
        }
    }

    @Test func concurrentCallersNeverShareAnID() async throws {
        let sequence = FakeSequence()
        let reservoir = IDReservoir(block: 16)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<500 {
                group.addTask {
                    try await reservoir.next { sequence.take($0) }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(ids.count == 500 && Set(ids).count == 500)
        // Racing callers may each refill once when the block runs out, but ids are still fetched in blocks.
        #expect(sequence.state.withLock { $0.refills } < 500 / 4, "ids are fetched a block at a time")
        let serial = IDReservoir(block: 4)
        let fresh = FakeSequence()
        var handed: [Int64] = []
        for _ in 0..<6 { handed.append(try await serial.next { fresh.take($0) }) }
        #expect(handed == [1, 2, 3, 4, 5, 6] && fresh.state.withLock { $0.refills } == 2)
    }
}
