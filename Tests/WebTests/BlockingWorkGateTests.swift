import Crypto
import Forms
import Foundation
import Services
import Storage
import Synchronization
import TestSupport
import Testing
import Vouchers

@testable import Web

/// Heavy work anyone can trigger runs off the request threads, a few at a time, each answered within its deadline.
/// The work in these tests is held until the test releases it, so nothing depends on how fast the machine is.
@Suite struct BlockingWorkGateTests {
    @Test func aCheckPastItsDeadlineIsAnsweredButKeepsItsPermitUntilItEnds() async throws {
        // The deadline is the test's own timer: it fires for the held work, and never for the last, trivial check.
        let fired = TestTimer()
        let gate = BlockingWorkGate.verification(permits: 1) { _ in try await fired.fires() }
        let held = DispatchSemaphore(value: 0)
        await #expect(throws: AvailabilityError.self) {
            do {
                _ = try await gate.run { () -> Int in
                    held.wait()
                    return 1
                }
            } catch let error as AvailabilityError {
                #expect(error.code == .verificationTimeout && AppError.from(error).status == .serviceUnavailable)
                #expect(AppError.from(error).code == "verify.timeout")
                throw error
            }
        }
        fired.stop()
        #expect(gate.inFlight == 1)
        await #expect(throws: AvailabilityError.self) {
            do { _ = try await gate.run { 2 } } catch let error as AvailabilityError {
                #expect(error.code == .verificationBusy)
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
        await #expect(throws: AvailabilityError.self) { _ = try await gate.run { 4 } }
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

/// A deadline timer the test sets: it fires at once until stopped, then never (until its wait is cancelled).
private final class TestTimer: Sendable {
    private let firing = Atomic<Bool>(true)

    func stop() { firing.store(false, ordering: .releasing) }

    func fires() async throws {
        while !firing.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Issue #17, part 6: making a voucher's PDF runs through the desk's gate, on NIO's blocking pool — held busy, the
/// specimen waits its turn or is refused with `voucher.busy`; released, it is made.
@Suite struct VoucherWorkGateTests {
    @Test func renderingWaitsForTheVoucherGateAndIsRefusedWhenItsQueueIsFull() async throws {
        let db = try await SealRegistryTests.prepared()
        let gate = BlockingWorkGate.voucherWork(permits: 1, maximumWaiting: 1)
        try await db.with(db.app) { database in
            let desk = VoucherDesk(
                database: database,
                settings: VoucherDesk.Settings(
                    witnessKeyFile: SealRegistryTests.pki.appendingPathComponent("witness.p12").path, keyPassword: DevelopmentPKI.password,
                    bankName: LocalizedText(zh: "示例银行", en: "Demo Bank"),
                    timeStamping: try TimeStamping.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password)),
                catalogue: try FormCatalogue.load(Repository.root.appendingPathComponent("Forms")),
                dataKey: DataKey(key: SymmetricKey(size: .bits256)),
                blocking: gate)
            let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "800"]
            let held = DispatchSemaphore(value: 0)
            let holder = Task {
                try await gate.run { () -> Int in
                    held.wait(); return 0
                }
            }
            try await BlockingWorkGateTests.waitUntil { gate.inFlight == 1 }
            let waiting = Task { try await desk.specimen(formID: "cash-withdrawal", values: values, teller: "teller1", branch: "BR001") }
            try await BlockingWorkGateTests.waitUntil { gate.queued == 1 }
            let refused = await #expect(throws: AvailabilityError.self) {
                _ = try await desk.specimen(formID: "cash-withdrawal", values: values, teller: "teller1", branch: "BR001")
            }
            #expect(refused?.code == .voucherBusy && refused.map { AppError.from($0).status } == .serviceUnavailable)
            held.signal()
            _ = try await holder.value
            #expect(try await waiting.value.starts(with: Array("%PDF".utf8)))
            try await BlockingWorkGateTests.waitUntil { gate.inFlight == 0 }
        }
    }
}
