import Foundation
import Testing
import Web

/// Heavy work anyone can trigger runs off the request threads, a few at a time, each answered within its deadline.
/// The work in these tests is held until the test releases it, so nothing depends on how fast the machine is.
@Suite struct BlockingWorkGateTests {
    @Test func aCheckPastItsDeadlineIsAnsweredButKeepsItsPermitUntilItEnds() async throws {
        // The held work passes any deadline; two seconds leave the last, trivial check room to run under the whole
        // suite's load on two cores (50 ms did not: it was answered "verify.timeout" once).
        let gate = BlockingWorkGate.verification(permits: 1, deadline: .seconds(2))
        let held = DispatchSemaphore(value: 0)
        await #expect(throws: AppError.self) {
            do {
                _ = try await gate.run { () -> Int in
                    held.wait()
                    return 1
                }
            } catch let error as AppError {
                #expect(error.code == "verify.timeout" && error.status == .serviceUnavailable)
                throw error
            }
        }
        #expect(gate.inFlight == 1)
        await #expect(throws: AppError.self) {
            do { _ = try await gate.run { 2 } } catch let error as AppError {
                #expect(error.code == "verify.busy")
                throw error
            }
        }
        held.signal()
        try await Self.waitUntil { gate.inFlight == 0 }
        #expect(try await gate.run { 3 } == 3)
    }

    /// Sign-ins queue behind one password hash at a time; past the queue's length they are refused, not queued.
    @Test func waitersGetThePermitInTurnAndThoseBeyondTheQueueAreRefused() async throws {
        let gate = BlockingWorkGate.passwordHashing(permits: 1, maximumWaiting: 2)
        let held = DispatchSemaphore(value: 0)
        let first = Task {
            try await gate.run { () -> Int in
                held.wait(); return 1
            }
        }
        try await Self.waitUntil { gate.inFlight == 1 }
        let second = Task { try await gate.run { 2 } }
        let third = Task { try await gate.run { 3 } }
        // Both are queued (the permit is held): a fourth finds the queue full.
        try await Self.waitUntil { gate.queued == 2 }
        await #expect(throws: AppError.self) { _ = try await gate.run { 4 } }
        held.signal()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        #expect(try await third.value == 3)
        try await Self.waitUntil { gate.inFlight == 0 }
    }

    @Test func errorsOfTheWorkReachTheCaller() async throws {
        struct Refused: Error {}
        let gate = BlockingWorkGate.verification()
        await #expect(throws: Refused.self) { try await gate.run { () throws -> Int in throw Refused() } }
        try await Self.waitUntil { gate.inFlight == 0 }
    }

    /// Polls for an event (not a speed): at most ten seconds.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
