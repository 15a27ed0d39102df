import Foundation
import Testing
import Web

/// Uploaded PDFs are checked off the request threads, a few at a time, each answered within its deadline.
@Suite struct VerificationGateTests {
    /// The work below is held until the test releases it, so the deadline passes first however fast the machine is.
    @Test func aCheckPastItsDeadlineIsAnsweredButKeepsItsSlotUntilItEnds() async throws {
        let gate = VerificationGate(maximumConcurrent: 1, deadline: .milliseconds(50))
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
        for _ in 0..<1000 where gate.inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await gate.run { 3 } == 3)
    }

    @Test func errorsOfTheWorkReachTheCaller() async {
        struct Refused: Error {}
        let gate = VerificationGate()
        await #expect(throws: Refused.self) { try await gate.run { () throws -> Int in throw Refused() } }
        #expect(gate.inFlight == 0)
    }
}
