public import Audit
public import Authorization
public import Counter
public import Kernel
public import Logging
public import Storage

/// The counter's repository as the service runs it: PostgreSQL (migrations 0008, 0011 and 0028).
public struct DatabaseCounterRepository: CounterRepository {
    let database: Database

    public init(database: Database) { self.database = database }

    public func transaction<T: Sendable>(durable: Bool, _ body: (any CounterWork) async throws -> T) async throws -> T {
        try await database.transaction { tx in
            // A draft is working state, not evidence: its commit need not wait for the disk (half the echo's time).
            // Nothing that depends on it is lost in a crash — the customer's answer names the version it saw and
            // commits durably, which flushes every earlier commit with it.
            if !durable { try await tx.query("SET LOCAL synchronous_commit = off", context: "counter drafts") }
            return try await body(DatabaseCounterWork(tx))
        }
    }

    public func read<T: Sendable>(_ body: (any CounterWork) async throws -> T) async throws -> T {
        try await database.read { try await body(DatabaseCounterWork($0)) }
    }

    public func changes(logger: Logger) -> any AsyncSequence<CounterFeed.Event?, Never> { CounterFeed.changes(database, logger: logger) }
}

/// One database transaction's counter reads and writes: each a statement of Storage's.
public struct DatabaseCounterWork: CounterWork {
    let tx: Transaction

    /// The counter's steps inside a transaction someone else began (the receipt desk ends the session with its receipt).
    public init(_ tx: Transaction) { self.tx = tx }

    public func activeScreen(_ device: Int64) async throws -> ScreenDevice? { try await ScreenDeviceStore.active(device, in: tx) }

    public func activeScreen(branch: String, terminal: String) async throws -> ScreenDevice? {
        try await ScreenDeviceStore.active(branch: branch, terminal: terminal, in: tx)
    }

    public func screen(_ device: Int64, lock: Bool) async throws -> ScreenState? { try await CounterStateStore.screen(device, lock: lock, in: tx) }

    public func screenConnected(device: Int64, freshCode: String, expires: Timestamp, at: Timestamp) async throws -> ScreenState {
        try await CounterStateStore.screenConnected(device: device, freshCode: freshCode, expires: expires, at: at, in: tx)
    }

    public func renewConnections(_ devices: [Int64]) async throws { try await CounterStateStore.renewConnections(devices, in: tx) }

    public func screenDisconnected(_ device: Int64) async throws { try await CounterStateStore.screenDisconnected(device, in: tx) }

    public func renewCode(_ device: Int64, code: String, expires: Timestamp, expiredBy: Timestamp?) async throws {
        try await CounterStateStore.renewCode(device, code: code, expires: expires, expiredBy: expiredBy, in: tx)
    }

    public func expiredCodes(_ devices: [Int64], at: Timestamp) async throws -> [Int64] {
        try await CounterStateStore.expiredCodes(devices, at: at, in: tx)
    }

    public func pair(_ device: Int64, session: Int64) async throws { try await CounterStateStore.pair(device, session: session, in: tx) }

    public func release(
        _ device: Int64, from session: Int64, how: SessionEnding, keyID: String?, ciphertext: [UInt8]?, code: String, expires: Timestamp
    ) async throws {
        try await CounterStateStore.release(
            device, from: session, how: how, keyID: keyID, ciphertext: ciphertext, code: code, expires: expires, in: tx)
    }

    public func guesses(branch: String, terminal: String, at: Timestamp, windowSeconds: Int) async throws
        -> (failures: Int, since: Timestamp, locked: Bool)
    {
        try await CounterStateStore.guesses(branch: branch, terminal: terminal, at: at, windowSeconds: windowSeconds, in: tx)
    }

    public func saveGuesses(branch: String, terminal: String, failures: Int, since: Timestamp, locked: Bool) async throws {
        try await CounterStateStore.saveGuesses(branch: branch, terminal: terminal, failures: failures, since: since, locked: locked, in: tx)
    }

    public func openSession(teller: String, branch: String, terminal: String, device: Int64, at: Timestamp) async throws -> Int64 {
        try await CounterStore.openSession(teller: teller, branch: branch, terminal: terminal, device: device, at: at, in: tx)
    }

    public func closeSession(_ session: Int64, at: Timestamp) async throws { try await CounterStore.closeSession(session, at: at, in: tx) }

    public func openDraft(_ session: Int64) async throws { try await CounterStateStore.openDraft(session, in: tx) }

    public func draft(_ session: Int64, lock: Bool) async throws -> DraftRecord? { try await CounterStateStore.draft(session, lock: lock, in: tx) }

    public func saveDraft(
        _ session: Int64, version: Int, complete: Bool, formID: String, keyID: String, ciphertext: [UInt8], digest: [UInt8]
    ) async throws -> Bool {
        try await CounterStateStore.saveDraft(
            session, version: version, complete: complete, formID: formID, keyID: keyID, ciphertext: ciphertext, digest: digest, in: tx)
    }

    public func moveDraft(_ session: Int64, version: Int, to state: DraftState) async throws {
        try await CounterStateStore.moveDraft(session, version: version, to: state, in: tx)
    }

    public func openSessions(teller: String, terminal: String) async throws -> [Int64] {
        try await CounterStateStore.openSessions(teller: teller, terminal: terminal, in: tx)
    }

    public func recordConfirmation(
        session: Int64, version: Int, decision: ScreenStatement.Decision, digest: [UInt8], keyID: String, viewCiphertext: [UInt8],
        statement: (text: String, signature: [UInt8]), at: Timestamp
    ) async throws {
        _ = try await CounterStore.recordConfirmation(
            session: session, version: version, decision: decision, digest: digest, keyID: keyID, viewCiphertext: viewCiphertext,
            statement: statement, at: at, in: tx)
    }

    public func recordSignature(
        session: Int64, version: Int, viewDigest: [UInt8], strokesSHA256: [UInt8], points: Int, keyID: String, ciphertext: [UInt8],
        statement: (text: String, signature: [UInt8]), at: Timestamp
    ) async throws {
        try await CounterStore.recordSignature(
            session: session, version: version, viewDigest: viewDigest, strokesSHA256: strokesSHA256, points: points, keyID: keyID,
            ciphertext: ciphertext, statement: statement, at: at, in: tx)
    }

    public func bookedTransaction(session: Int64, version: Int) async throws -> (id: String, state: TransactionState)? {
        try await CounterStore.bookedTransaction(session: session, version: version, in: tx)
    }

    public func wasWithdrawn(_ transaction: String) async throws -> Bool { try await AuthorizationStore.wasWithdrawn(transaction, in: tx) }

    public func audit(_ event: AuditEvent) async throws { _ = try await AuditLog.append(event, in: tx) }
}
