import Audit
import Authorization
import Counter
import Kernel
import Logging
import Services
import Synchronization

@testable import Storage

/// The counter repository's in-memory twin: screens, pairing guesses, sessions, drafts and answers as plain values,
/// without PostgreSQL. Its transactions run one at a time, each on a copy of the state that replaces it only when
/// the body returns (a throw leaves nothing behind), so the desk's locks and all-or-nothing steps behave as they do
/// against the database. The database's own guards (one answer per version, a booked draft frozen) are imitated only
/// where the desk reacts to them; they are tested against the database.
final class InMemoryCounterRepository: CounterRepository {
    struct Screen {
        var code: String
        var codeExpires: Timestamp
        var connected: Bool
        var session: Int64?
        var ended: ScreenState.Ended?
    }

    struct Session {
        let teller: String
        let branch: String
        let terminal: String
        let device: Int64
        var closed = false
        var version = 0
        var state = DraftState.editing
        var complete = false
        var formID: String?
        var keyID: String?
        var ciphertext: [UInt8]?
        var digest: [UInt8]?
    }

    struct Booked {
        let version: Int
        let transaction: String
        var state: TransactionState
    }

    struct State {
        var serial: Int64 = 0
        var devices: [Int64: ScreenDevice] = [:]
        var screens: [Int64: Screen] = [:]
        var guesses: [String: (failures: Int, since: Timestamp, locked: Bool)] = [:]
        var sessions: [Int64: Session] = [:]
        /// (session, version) → decision; one answer per version, as the database's unique key has it.
        var answers: [String: ScreenStatement.Decision] = [:]
        var signatures: Set<String> = []
        var booked: [Int64: Booked] = [:]
        var withdrawn: Set<String> = []
        var events: [AuditEvent] = []
    }

    /// What the twin refuses where the database's constraints would.
    struct Refused: Error, Equatable {
        let constraint: String
    }

    let state = Mutex(State())
    private let turns = Turns()

    var events: [AuditEvent] { state.withLock { $0.events } }
    func configure<T>(_ change: (inout State) -> T) -> T { state.withLock { change(&$0) } }

    func transaction<T: Sendable>(durable: Bool, _ body: (any CounterWork) async throws -> T) async throws -> T {
        await turns.take()
        defer { turns.give() }
        let work = Work(state.withLock { $0 })
        let result = try await body(work)
        state.withLock { $0 = work.state }
        return result
    }

    func read<T: Sendable>(_ body: (any CounterWork) async throws -> T) async throws -> T {
        try await body(Work(state.withLock { $0 }))
    }

    func changes(logger: Logger) -> any AsyncSequence<CounterFeed.Event?, Never> { AsyncStream { $0.finish() } }

    /// One transaction's view: its own copy, used by one task at a time (the body awaits each step in turn).
    final class Work: CounterWork, @unchecked Sendable {
        var state: State

        init(_ state: State) { self.state = state }

        func activeScreen(_ device: Int64) async throws -> ScreenDevice? { state.devices[device] }

        func activeScreen(branch: String, terminal: String) async throws -> ScreenDevice? {
            state.devices.values.first { $0.branch == branch && $0.terminal == terminal }
        }

        func screen(_ device: Int64, lock: Bool) async throws -> ScreenState? {
            state.screens[device].map {
                ScreenState(
                    device: device, code: $0.code, codeExpires: $0.codeExpires, connected: $0.connected, session: $0.session, ended: $0.ended)
            }
        }

        func screenConnected(device: Int64, freshCode: String, expires: Timestamp, at: Timestamp) async throws -> ScreenState {
            var screen = state.screens[device] ?? Screen(code: freshCode, codeExpires: expires, connected: true)
            screen.connected = true
            if screen.session == nil, screen.codeExpires <= at {
                screen.code = freshCode
                screen.codeExpires = expires
            }
            state.screens[device] = screen
            return try await self.screen(device, lock: false)!
        }

        func renewConnections(_ devices: [Int64]) async throws {}

        func screenDisconnected(_ device: Int64) async throws { state.screens[device]?.connected = false }

        func renewCode(_ device: Int64, code: String, expires: Timestamp, expiredBy: Timestamp?) async throws {
            guard let screen = state.screens[device], screen.session == nil, expiredBy.map({ screen.codeExpires <= $0 }) ?? true else { return }
            state.screens[device]?.code = code
            state.screens[device]?.codeExpires = expires
        }

        func expiredCodes(_ devices: [Int64], at: Timestamp) async throws -> [Int64] {
            devices.filter { state.screens[$0].map { $0.session == nil && $0.codeExpires <= at } ?? false }
        }

        func pair(_ device: Int64, session: Int64) async throws {
            guard state.screens[device]?.session == nil else { return }
            state.screens[device]?.session = session
            state.screens[device]?.ended = nil
        }

        func release(
            _ device: Int64, from session: Int64, how: SessionEnding, keyID: String?, ciphertext: [UInt8]?, code: String, expires: Timestamp
        ) async throws {
            guard state.screens[device]?.session == session else { return }
            state.screens[device]?.session = nil
            state.screens[device]?.code = code
            state.screens[device]?.codeExpires = expires
            state.screens[device]?.ended = ScreenState.Ended(session: session, how: how, keyID: keyID, ciphertext: ciphertext)
        }

        func guesses(branch: String, terminal: String, at: Timestamp, windowSeconds: Int) async throws
            -> (failures: Int, since: Timestamp, locked: Bool)
        {
            let kept = state.guesses["\(branch)/\(terminal)"] ?? (0, at, false)
            if at.microsecondsSinceEpoch - kept.since.microsecondsSinceEpoch >= Int64(windowSeconds) * 1_000_000 { return (0, at, false) }
            return kept
        }

        func saveGuesses(branch: String, terminal: String, failures: Int, since: Timestamp, locked: Bool) async throws {
            state.guesses["\(branch)/\(terminal)"] = (failures, since, locked)
        }

        func openSession(teller: String, branch: String, terminal: String, device: Int64, at: Timestamp) async throws -> Int64 {
            state.serial += 1
            state.sessions[state.serial] = Session(teller: teller, branch: branch, terminal: terminal, device: device)
            return state.serial
        }

        func closeSession(_ session: Int64, at: Timestamp) async throws { state.sessions[session]?.closed = true }

        func openDraft(_ session: Int64) async throws {}

        func draft(_ session: Int64, lock: Bool) async throws -> DraftRecord? {
            guard let s = state.sessions[session] else { return nil }
            return DraftRecord(
                session: session, teller: s.teller, tellerName: s.teller, branch: s.branch, terminal: s.terminal, device: s.device, closed: s.closed,
                version: s.version, state: s.state, complete: s.complete, formID: s.formID, keyID: s.keyID, ciphertext: s.ciphertext,
                digest: s.digest, transaction: state.booked[session]?.transaction,
                screenConnected: state.screens.values.contains { $0.session == session && $0.connected })
        }

        func saveDraft(
            _ session: Int64, version: Int, complete: Bool, formID: String, keyID: String, ciphertext: [UInt8], digest: [UInt8]
        ) async throws -> Bool {
            guard var s = state.sessions[session], s.version == version - 1 else { return false }
            guard state.booked[session] == nil else { throw Refused(constraint: "counter_draft_booked") }
            s.version = version
            s.state = .editing
            s.complete = complete
            s.formID = formID
            s.keyID = keyID
            s.ciphertext = ciphertext
            s.digest = digest
            state.sessions[session] = s
            return true
        }

        func moveDraft(_ session: Int64, version: Int, to draftState: DraftState) async throws {
            guard state.sessions[session]?.version == version else { return }
            state.sessions[session]?.state = draftState
        }

        func openSessions(teller: String, terminal: String) async throws -> [Int64] {
            state.sessions.filter { $0.value.teller == teller && $0.value.terminal == terminal && !$0.value.closed }.keys.sorted()
        }

        func recordConfirmation(
            session: Int64, version: Int, decision: ScreenStatement.Decision, digest: [UInt8], keyID: String, viewCiphertext: [UInt8],
            statement: (text: String, signature: [UInt8]), at: Timestamp
        ) async throws {
            guard state.answers["\(session)/\(version)"] == nil else { throw Refused(constraint: "counter_confirmations_pkey") }
            state.answers["\(session)/\(version)"] = decision
        }

        func recordSignature(
            session: Int64, version: Int, viewDigest: [UInt8], strokesSHA256: [UInt8], points: Int, keyID: String, ciphertext: [UInt8],
            statement: (text: String, signature: [UInt8]), at: Timestamp
        ) async throws {
            guard state.answers["\(session)/\(version)"] == .confirm, state.signatures.insert("\(session)/\(version)").inserted else {
                throw Refused(constraint: "counter_signatures_confirmed")
            }
        }

        func bookedTransaction(session: Int64, version: Int) async throws -> (id: String, state: TransactionState)? {
            state.booked[session].flatMap { $0.version == version ? ($0.transaction, $0.state) : nil }
        }

        func wasWithdrawn(_ transaction: String) async throws -> Bool { state.withdrawn.contains(transaction) }

        func audit(_ event: AuditEvent) async throws { state.events.append(event) }
    }
}

/// One transaction at a time, in the order they asked.
private final class Turns: Sendable {
    private let queue = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func take() async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now = queue.withLock { queue -> Bool in
                if queue.busy {
                    queue.waiting.append(turn)
                    return false
                }
                queue.busy = true
                return true
            }
            if now { turn.resume() }
        }
    }

    func give() {
        let next = queue.withLock { queue -> CheckedContinuation<Void, Never>? in
            if queue.waiting.isEmpty {
                queue.busy = false
                return nil
            }
            return queue.waiting.removeFirst()
        }
        next?.resume()
    }
}
