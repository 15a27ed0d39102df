public import Audit
public import Authorization
public import Counter
public import Kernel
public import Logging
public import Storage

/// Where the counter desk keeps everything (issue #17, part 1): PostgreSQL in the service
/// (``DatabaseCounterRepository``), an in-memory twin in the unit tests.
///
/// Unlike the authorization desks' repository, which offers one call per step, the counter's steps are transactions
/// of several reads and writes with row locks (a pairing attempt holds the terminal's guesses and the screen; an
/// answer holds the draft while it checks the view is still the one shown). So the repository offers the
/// transaction and the reads and writes inside it (``CounterWork``), and the desk's rules — what counts as a wrong
/// guess and when the terminal locks, which answers are stale, how the draft moves, what a booked session refuses —
/// stay in the desk, where the twin's tests reach them in milliseconds. The database's own invariants (one answer
/// per version, booked drafts frozen) stay in the database and its tests.
public protocol CounterRepository: Sendable {
    /// Runs `body` as one transaction: all its writes commit, or none. `durable: false` lets the commit return before
    /// the disk has it (working state only: drafts).
    func transaction<T: Sendable>(durable: Bool, _ body: (any CounterWork) async throws -> T) async throws -> T
    /// Runs `body` on a consistent read (no writes).
    func read<T: Sendable>(_ body: (any CounterWork) async throws -> T) async throws -> T
    /// What changed, as announced (a screen, a teller's session), from now on.
    func changes(logger: Logger) -> any AsyncSequence<CounterFeed.Event?, Never>
}

extension CounterRepository {
    func transaction<T: Sendable>(_ body: (any CounterWork) async throws -> T) async throws -> T {
        try await transaction(durable: true, body)
    }
}

/// The reads and writes of one counter transaction. `lock` holds a row until the transaction ends.
public protocol CounterWork: Sendable {
    // Screens.
    func activeScreen(_ device: Int64) async throws -> ScreenDevice?
    func activeScreen(branch: String, terminal: String) async throws -> ScreenDevice?
    func screen(_ device: Int64, lock: Bool) async throws -> ScreenState?
    /// Makes the screen's row (with `freshCode`) or marks it connected; a waiting screen whose code expired by `at`
    /// gets `freshCode`.
    func screenConnected(device: Int64, freshCode: String, expires: Timestamp, at: Timestamp) async throws -> ScreenState
    func renewConnections(_ devices: [Int64]) async throws
    func screenDisconnected(_ device: Int64) async throws
    /// A waiting screen shows `code` (with `expiredBy`, only if its code has expired by then).
    func renewCode(_ device: Int64, code: String, expires: Timestamp, expiredBy: Timestamp?) async throws
    func expiredCodes(_ devices: [Int64], at: Timestamp) async throws -> [Int64]
    func pair(_ device: Int64, session: Int64) async throws
    /// The screen leaves `session` (if still in it), shows `code`, and keeps how the session ended.
    func release(
        _ device: Int64, from session: Int64, how: SessionEnding, keyID: String?, ciphertext: [UInt8]?, code: String, expires: Timestamp
    ) async throws

    // Wrong pairing codes at a terminal: read and held; a window older than `windowSeconds` starts over.
    func guesses(branch: String, terminal: String, at: Timestamp, windowSeconds: Int) async throws -> (failures: Int, since: Timestamp, locked: Bool)
    func saveGuesses(branch: String, terminal: String, failures: Int, since: Timestamp, locked: Bool) async throws

    // Sessions and drafts.
    func openSession(teller: String, branch: String, terminal: String, device: Int64, at: Timestamp) async throws -> Int64
    func closeSession(_ session: Int64, at: Timestamp) async throws
    func openDraft(_ session: Int64) async throws
    func draft(_ session: Int64, lock: Bool) async throws -> DraftRecord?
    /// Stores version `version`; false if a version other than `version - 1` is there now.
    func saveDraft(
        _ session: Int64, version: Int, complete: Bool, formID: String, keyID: String, ciphertext: [UInt8], digest: [UInt8]
    ) async throws -> Bool
    func moveDraft(_ session: Int64, version: Int, to state: DraftState) async throws
    func openSessions(teller: String, terminal: String) async throws -> [Int64]

    // The customer's answers, and what became of a booked version.
    func recordConfirmation(
        session: Int64, version: Int, decision: ScreenStatement.Decision, digest: [UInt8], keyID: String, viewCiphertext: [UInt8],
        statement: (text: String, signature: [UInt8]), at: Timestamp
    ) async throws
    func recordSignature(
        session: Int64, version: Int, viewDigest: [UInt8], strokesSHA256: [UInt8], points: Int, keyID: String, ciphertext: [UInt8],
        statement: (text: String, signature: [UInt8]), at: Timestamp
    ) async throws
    func bookedTransaction(session: Int64, version: Int) async throws -> (id: String, state: TransactionState)?
    func wasWithdrawn(_ transaction: String) async throws -> Bool

    /// Appends `event` to the audit trail in this transaction.
    func audit(_ event: AuditEvent) async throws
}

extension CounterWork {
    func screen(_ device: Int64) async throws -> ScreenState? { try await screen(device, lock: false) }
    func draft(_ session: Int64) async throws -> DraftRecord? { try await draft(session, lock: false) }
    func renewCode(_ device: Int64, code: String, expires: Timestamp) async throws {
        try await renewCode(device, code: code, expires: expires, expiredBy: nil)
    }
}
