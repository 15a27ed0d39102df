import Accounts
import Audit
import Authorization
import Counter
import Crypto
import Forms
import Foundation
import Kernel
import Services
import Storage
import TestSupport
import Testing

/// Issue #17, part 1: the counter desk over its repository's in-memory twin — pairing guesses and the lockout, expired
/// codes, answers to a view the teller has since changed, what can be signed, what a booked session refuses — in
/// milliseconds, without PostgreSQL. The same flows run against the database and real screens in CounterSessionTests
/// and CounterInstancesTests; the database's guards in Tests/pgtap.
@Suite struct CounterDeskTwinTests {
    static let teller = UserIdentity(id: "teller1", displayName: "柜员一", branch: "BR001", role: .teller)
    static let otherTeller = UserIdentity(id: "teller2", displayName: "柜员二", branch: "BR001", role: .teller)
    static let catalogue = Result { try FormCatalogue.load(Repository.root.appendingPathComponent("Forms")) }
    static let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "500.00"]

    /// A counter with one enrolled screen (device 7 at BR001/T01), connected and waiting with its pairing code.
    struct Counter {
        let desk: CounterDesk
        let repository: InMemoryCounterRepository
        let time: ManualTime
        let key = P256.Signing.PrivateKey()
        var device: ScreenDevice
        var connection = 0

        init() async throws {
            repository = InMemoryCounterRepository()
            time = ManualTime()
            let publicKey = Array(key.publicKey.derRepresentation)
            device = ScreenDevice(
                id: 7, branch: "BR001", terminal: "T01", publicKey: publicKey, keySHA256: Array(SHA256.hash(data: publicKey)), enrolledBy: "super1",
                enrolledAt: time.now())
            repository.configure { [device] in $0.devices[7] = device }
            desk = CounterDesk(
                repository: repository, catalogue: try CounterDeskTwinTests.catalogue.get(), dataKey: DataKey(key: SymmetricKey(size: .bits256)),
                time: time)
            connection = try await desk.connectScreen(device: device, sender: AsyncStream<String>.makeStream().continuation)
        }

        var code: String { repository.configure { $0.screens[7]!.code } }
        var wrongCode: String { String(format: "%06d", (Int(code)! + 1) % 1_000_000) }
        func events(_ action: String) -> Int { repository.events.filter { $0.action == action }.count }

        /// Paired, with the draft keyed as `values` (version 1).
        func session(_ values: [String: String] = CounterDeskTwinTests.values) async throws -> CounterDesk.DraftView {
            let paired = try await desk.pair(code: code, user: CounterDeskTwinTests.teller, terminal: "T01")
            return try await desk.updateDraft(paired.session, form: "cash-withdrawal", values: values, user: CounterDeskTwinTests.teller)
        }

        /// The screen's signed statement, as its key signs it.
        func statement(
            _ decision: ScreenStatement.Decision, _ view: CounterDesk.DraftView, strokes: [UInt8]? = nil, key: P256.Signing.PrivateKey? = nil
        ) -> SignedStatement {
            let text = ScreenStatement.write(
                device: 7, session: view.session, version: view.version, decision: decision, viewSHA256: view.digest,
                strokesSHA256: strokes.map { Array(SHA256.hash(data: $0)).hexString }, at: time.now().date)
            let signature = try! (key ?? self.key).signature(for: Data(text.utf8)).rawRepresentation.base64EncodedString()
            return SignedStatement(text: text, signature: signature)
        }

        /// The screen's answer to `view`; what it was told back (`recorded`, or `error` with a code).
        func answer(_ decision: ScreenStatement.Decision, _ view: CounterDesk.DraftView, key: P256.Signing.PrivateKey? = nil) async -> Reply {
            Reply(
                await desk.answer(
                    screen: connection, decision: decision, version: view.version, digest: view.digest,
                    statement: statement(decision, view, key: key)))
        }

        func sign(_ view: CounterDesk.DraftView) async -> Reply {
            let strokes = [
                (0..<20).map { SignatureInk.Point(x: 0.1 + Double($0) * 0.04, y: 0.5 + Double($0 % 2) * 0.1, t: Double($0) * 10, pressure: 0.5) }
            ]
            return Reply(
                await desk.sign(
                    screen: connection, version: view.version, digest: view.digest, strokes: strokes,
                    statement: statement(.sign, view, strokes: SignatureInk.canonical(strokes))))
        }
    }

    struct Reply {
        let type: String?
        let code: String?

        init(_ text: String) {
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            type = object?["type"] as? String
            code = object?["code"] as? String
        }
    }

    static func refusal(_ body: () async throws -> some Any) async -> CounterErrorCode? {
        do {
            _ = try await body()
            return nil
        } catch let error as CounterError {
            return error.code
        } catch {
            return nil
        }
    }

    // MARK: Pairing

    @Test func fiveWrongCodesLockTheTerminalTheRightCodeIsThenRefusedAndTheWindowEnds() async throws {
        let counter = try await Counter()
        for _ in 1...4 {
            #expect(await Self.refusal { try await counter.desk.pair(code: counter.wrongCode, user: Self.teller, terminal: "T01") } == .badPairing)
        }
        let before = counter.code
        #expect(await Self.refusal { try await counter.desk.pair(code: counter.wrongCode, user: Self.teller, terminal: "T01") } == .badPairing)
        // Locked: the screen shows a new code, and even that one is refused until the window ends.
        #expect(counter.code != before)
        #expect(await Self.refusal { try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T01") } == .pairingLocked)
        #expect(counter.events("counter.pairing_failed") == 5)
        #expect(counter.events("counter.pairing_locked") == 1)
        counter.time.advance(seconds: Double(CounterDesk.pairingSeconds) + 1)
        // The code shown at the lockout expired with the window: a new one, then pairing works.
        #expect(await Self.refusal { try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T01") } == .pairingExpired)
        let paired = try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T01")
        #expect(paired.state == .editing && paired.version == 0)
        #expect(counter.events("counter.paired") == 1)
    }

    @Test func anExpiredCodeIsReplacedAndNotCountedAsAGuess() async throws {
        let counter = try await Counter()
        let old = counter.code
        counter.time.advance(seconds: Double(CounterDesk.pairingSeconds) + 1)
        #expect(await Self.refusal { try await counter.desk.pair(code: old, user: Self.teller, terminal: "T01") } == .pairingExpired)
        #expect(counter.code != old)
        #expect(counter.events("counter.pairing_failed") == 0)
        _ = try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T01")
    }

    @Test func twoTellersTypingTheRightCodeAtOnceMakeOneSession() async throws {
        let counter = try await Counter()
        let code = counter.code
        async let first = Self.refusal { try await counter.desk.pair(code: code, user: Self.teller, terminal: "T01") }
        async let second = Self.refusal { try await counter.desk.pair(code: code, user: Self.otherTeller, terminal: "T01") }
        let outcomes = [await first, await second]
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.contains(.noScreen))
        #expect(counter.repository.configure { $0.sessions.count } == 1)
    }

    @Test func onlyTellersWithATerminalPair() async throws {
        let counter = try await Counter()
        let supervisor = UserIdentity(id: "super1", displayName: "主管", branch: "BR001", role: .supervisor)
        await #expect(throws: AccessError.self) { try await counter.desk.pair(code: counter.code, user: supervisor, terminal: "T01") }
        #expect(await Self.refusal { try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: nil) } == .noTerminal)
        // Another terminal of the branch has no screen enrolled.
        #expect(await Self.refusal { try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T02") } == .noScreen)
    }

    // MARK: The customer's answers

    @Test func anAnswerToAViewTheTellerHasSinceChangedIsRefusedAndNothingIsRecorded() async throws {
        let counter = try await Counter()
        let first = try await counter.session()
        var changed = Self.values
        changed["amount"] = "5000.00"
        let second = try await counter.desk.updateDraft(first.session, form: "cash-withdrawal", values: changed, user: Self.teller)
        #expect(second.version == 2 && second.digest != first.digest)
        #expect(await counter.answer(.confirm, first).code == "counter.stale_confirmation")
        #expect(counter.events("counter.confirmed") == 0)
        #expect(await counter.answer(.confirm, second).type == "recorded")
        #expect(await counter.answer(.confirm, second).code == "counter.already_answered")
        #expect(try await counter.desk.state(first.session, user: Self.teller).state == .confirmed)
        #expect(counter.events("counter.confirmed") == 1)
    }

    @Test func theSameValuesKeyedAgainMakeNoNewVersion() async throws {
        let counter = try await Counter()
        let first = try await counter.session()
        let again = try await counter.desk.updateDraft(first.session, form: "cash-withdrawal", values: Self.values, user: Self.teller)
        #expect(again.version == first.version && again.digest == first.digest)
        #expect(await counter.answer(.confirm, first).type == "recorded")
    }

    @Test func anIncompleteDraftCanBeRejectedButNotConfirmed() async throws {
        let counter = try await Counter()
        var partial = Self.values
        partial["amount"] = nil
        let view = try await counter.session(partial)
        #expect(!view.complete)
        #expect(await counter.answer(.confirm, view).code == "counter.incomplete")
        #expect(await counter.answer(.reject, view).type == "recorded")
        #expect(try await counter.desk.state(view.session, user: Self.teller).state == .rejected)
    }

    @Test func onlyTheConfirmedViewAsItStandsCanBeSigned() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        #expect(await counter.sign(view).code == "counter.not_confirmed")
        #expect(await counter.answer(.confirm, view).type == "recorded")
        #expect(await counter.sign(view).type == "signed")
        #expect(try await counter.desk.state(view.session, user: Self.teller).state == .signed)
        #expect(counter.events("counter.signature_captured") == 1)
        // The teller changes the form after the signature: the signature does not carry over.
        var changed = Self.values
        changed["amount"] = "600.00"
        let next = try await counter.desk.updateDraft(view.session, form: "cash-withdrawal", values: changed, user: Self.teller)
        #expect(next.state == .editing)
        #expect(await counter.sign(view).code == "counter.not_confirmed")
        #expect(await counter.sign(next).code == "counter.not_confirmed")
    }

    @Test func aStatementNotSignedByTheEnrolledKeyIsRefusedAndAudited() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        #expect(await counter.answer(.confirm, view, key: P256.Signing.PrivateKey()).code == "counter.bad_statement")
        #expect(counter.events("counter.statement_refused") == 1)
        #expect(try await counter.desk.state(view.session, user: Self.teller).state == .editing)
    }

    // MARK: The teller's session

    @Test func anotherTellersSessionIsNotTheirsToSeeChangeOrCancel() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        #expect(await Self.refusal { try await counter.desk.state(view.session, user: Self.otherTeller) } == .noSession)
        #expect(
            await Self.refusal {
                try await counter.desk.updateDraft(view.session, form: "cash-withdrawal", values: Self.values, user: Self.otherTeller)
            } == .noSession)
        #expect(await Self.refusal { try await counter.desk.cancel(view.session, user: Self.otherTeller) } == .noSession)
    }

    @Test func aBookedSessionNoLongerChangesAndEndsOnlyWhenTheBankRejectedIt() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        _ = await counter.answer(.confirm, view)
        _ = await counter.sign(view)
        counter.repository.configure { $0.booked[view.session] = .init(version: view.version, transaction: "T1", state: .needsAuthorization) }
        #expect(
            await Self.refusal { try await counter.desk.updateDraft(view.session, form: "cash-withdrawal", values: [:], user: Self.teller) }
                == .booked)
        #expect(await Self.refusal { try await counter.desk.cancel(view.session, user: Self.teller) } == .booked)
        // Rejected by the bank: the session ends, the screen is told so and shows the next code.
        counter.repository.configure { $0.booked[view.session]?.state = .abandoned }
        try await counter.desk.cancel(view.session, user: Self.teller)
        let screen = counter.repository.configure { $0.screens[7]! }
        #expect(screen.session == nil && screen.ended?.how == .rejected)
        #expect(counter.events("counter.cancelled") == 1)
        #expect(await Self.refusal { try await counter.desk.state(view.session, user: Self.teller) } == .noSession)
        // The next customer pairs with the new code.
        _ = try await counter.desk.pair(code: counter.code, user: Self.teller, terminal: "T01")
    }

    @Test func aWithdrawnTransactionEndsTheSessionAsCancelledNotRejected() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        counter.repository.configure {
            $0.booked[view.session] = .init(version: view.version, transaction: "T9", state: .abandoned)
            $0.withdrawn.insert("T9")
        }
        try await counter.desk.cancel(view.session, user: Self.teller)
        #expect(counter.repository.configure { $0.screens[7]!.ended?.how } == .cancelled)
    }

    @Test func aFailedStepLeavesNothingBehind() async throws {
        let counter = try await Counter()
        let view = try await counter.session()
        // The confirmation is refused where the database's unique key would refuse it (an answer recorded through
        // another instance meanwhile): the draft does not move and no event is written.
        counter.repository.configure { $0.answers["\(view.session)/\(view.version)"] = .reject }
        #expect(await counter.answer(.confirm, view).code == "counter.not_recorded")
        #expect(try await counter.desk.state(view.session, user: Self.teller).state == .editing)
        #expect(counter.events("counter.confirmed") == 0)
    }
}
