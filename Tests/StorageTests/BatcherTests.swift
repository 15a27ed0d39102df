import Synchronization
import Testing

@testable import Storage

/// The batcher's rules: a lone input runs alone and at once; what arrives while a batch runs goes in the next one,
/// each caller getting its own answer; a refused batch is either run again input by input or fails for all.
@Suite struct BatcherTests {
    struct Refused: Error, Equatable { let input: Int }

    /// Records each batch it is given; the first batch waits until the test opens the gate.
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let gateOpen = Atomic<Bool>(false)
        let refuse: Int?

        init(refuse: Int? = nil, gateOpen: Bool = true) {
            self.refuse = refuse
            self.gateOpen.store(gateOpen, ordering: .sequentiallyConsistent)
        }

        func run(_ inputs: [Int]) async throws -> [Int] {
            let isFirst = batches.withLock { batches in
                batches.append(inputs)
                return batches.count == 1
            }
            if isFirst {
                while !gateOpen.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
            }
            if let refuse, inputs.contains(refuse) { throw Refused(input: refuse) }
            return inputs.map { $0 * 10 }
        }

        var seen: [[Int]] { batches.withLock { $0 } }

        func waitForBatches(_ count: Int) async throws {
            for _ in 0..<5_000 where seen.count < count { try await Task.sleep(for: .milliseconds(1)) }
            try #require(seen.count >= count)
        }
    }

    @Test func aLoneInputRunsAtOnceAndAlone() async throws {
        let recorder = Recorder()
        let batcher = Batcher<Int, Int>(maximum: 8, onFailure: .failAll) { try await recorder.run($0) }
        #expect(try await batcher.submit(7) == 70)
        #expect(try await batcher.submit(8) == 80)
        #expect(recorder.seen == [[7], [8]])
    }

    @Test func inputsArrivingDuringABatchGoTogetherInTheNextEachWithItsOwnAnswer() async throws {
        let recorder = Recorder(gateOpen: false)
        let batcher = Batcher<Int, Int>(maximum: 64, onFailure: .failAll) { try await recorder.run($0) }
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            group.addTask { (0, try await batcher.submit(0)) }
            try await recorder.waitForBatches(1)
            for input in 1...20 { group.addTask { (input, try await batcher.submit(input)) } }
            // All twenty queue behind the running batch; none starts one of its own.
            try await Task.sleep(for: .milliseconds(50))
            #expect(recorder.seen.count == 1)
            recorder.gateOpen.store(true, ordering: .sequentiallyConsistent)
            for try await (input, answer) in group { #expect(answer == input * 10) }
        }
        #expect(recorder.seen.count == 2)
        #expect(recorder.seen[1].sorted() == Array(1...20))
    }

    @Test func aBatchIsCutAtTheMaximum() async throws {
        let recorder = Recorder(gateOpen: false)
        let batcher = Batcher<Int, Int>(maximum: 5, onFailure: .failAll) { try await recorder.run($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.submit(0) }
            try await recorder.waitForBatches(1)
            for input in 1...12 { group.addTask { _ = try await batcher.submit(input) } }
            try await Task.sleep(for: .milliseconds(50))
            recorder.gateOpen.store(true, ordering: .sequentiallyConsistent)
            try await group.waitForAll()
        }
        #expect(recorder.seen.dropFirst().map(\.count) == [5, 5, 2])
    }

    @Test func aRefusedBatchIsRunAgainInputByInputSoOnlyTheRefusedOneFails() async throws {
        let recorder = Recorder(refuse: 3, gateOpen: false)
        let batcher = Batcher<Int, Int>(maximum: 64, onFailure: .runEachAlone) { try await recorder.run($0) }
        let answers = try await withThrowingTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
            group.addTask { (0, .success(try await batcher.submit(0))) }
            try await recorder.waitForBatches(1)
            for input in 1...5 {
                group.addTask {
                    do { return (input, .success(try await batcher.submit(input))) } catch let error as Refused { return (input, .failure(error)) }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            recorder.gateOpen.store(true, ordering: .sequentiallyConsistent)
            return try await group.reduce(into: [Int: Result<Int, Refused>]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers[3] == .failure(Refused(input: 3)))
        for input in [0, 1, 2, 4, 5] { #expect(answers[input] == .success(input * 10)) }
    }

    @Test func aFailureThatIsNoInputsFailsEveryInputOfTheBatch() async throws {
        let recorder = Recorder(refuse: 3, gateOpen: false)
        let batcher = Batcher<Int, Int>(maximum: 64, onFailure: .failAll) { try await recorder.run($0) }
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await batcher.submit(0)) == nil }
            try await recorder.waitForBatches(1)
            for input in 1...5 { group.addTask { (try? await batcher.submit(input)) == nil } }
            try await Task.sleep(for: .milliseconds(50))
            recorder.gateOpen.store(true, ordering: .sequentiallyConsistent)
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        // The first batch (input 0) ran alone and succeeded; the second held 3 and failed as a whole.
        #expect(failures == 5)
        #expect(recorder.seen.count == 2)
    }
}
