public import Accounts
public import Authorization
public import Kernel
public import Storage

/// Everything the authorization desks (the teller's and the officer's) read and write, as one protocol (issue #17,
/// part 1): PostgreSQL in
/// the service (``DatabaseAuthorizationRepository``), an in-memory twin in the unit tests, so the desks' own rules —
/// which modes a transaction may use, where local mode happens, how often a vanished officer is replaced, what may be
/// committed and what a lost commit race answers, how a claim is retried, what a decision needs — are tested in
/// milliseconds. The invariants themselves stay in the
/// database; the twin only imitates the answers the desk reacts to.
public protocol AuthorizationRepository: Sendable {
    typealias TransactionRecord = AuthorizationStore.TransactionRecord

    /// Ids are taken before the rows are written: the audit events written with the rows name them.
    func nextTransactionID() async throws -> String
    func nextRequestID() async throws -> String
    /// The rule set in force now; nil when none is.
    func rulesInForce() async throws -> RuleSet?
    /// The stored rule set `version`'s source text, for describing what judged an older transaction.
    func ruleSetSource(version: String) async throws -> String?

    /// Stores the transaction with its audit event; with `alongside`, in one database transaction with whatever it
    /// writes (the counter's link to it). Throws ``StorageError`` naming the constraint a refusal came from.
    func insertTransaction(
        _ transaction: AuthorizationStore.NewTransaction, id: String, event: AuditLog.Append,
        alongside: ((String, Transaction) async throws -> Void)?) async throws
    func transaction(_ id: String) async throws -> TransactionRecord?
    /// The transaction and the officer a request for it in `mode` would be assigned to now.
    func transactionToRequest(_ id: String, mode: AuthorizationMode) async throws -> (TransactionRecord, String?)?
    /// The transaction and its request approved for exactly `digest` (id and version), if any.
    func transactionToCommit(_ id: String, digest: SHA256Hash) async throws -> (TransactionRecord, (id: String, version: Int)?)?

    /// Stores the request with its material and event. An assigned officer no longer online and eligible is refused
    /// with the constraint `authz_assigned_available`.
    func insertRequest(
        _ request: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial],
        event: AuditLog.Append
    ) async throws -> RequestSnapshot
    /// Local mode: the request stored, claimed and decided by `supervisor` at the teller's terminal, all or nothing.
    func insertRequestDecidedLocally(
        _ request: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial],
        event: AuditLog.Append, supervisor: String, decision: String, reason: String?, terminal: String?, at: Timestamp
    ) async throws
        -> RequestSnapshot
    func request(_ id: String) async throws -> RequestSnapshot?
    /// A piece of material's media type, digest (hex) and encrypted bytes.
    func material(requestID: String, kind: String) async throws -> (String, String, [UInt8])?
    /// Whether the request concerns `officer` (offered to, claimed or decided by them).
    func concerns(officer: String, request id: String) async throws -> Bool

    /// Commits the transaction (and its approved request) with its event; `committed` is false when the request is
    /// not approved for exactly this payload (or another commit won).
    func commit(transaction id: String, digest: SHA256Hash, request: String?, at: Timestamp, event: AuditLog.Append) async throws
        -> (committed: Bool, request: RequestSnapshot?)
    func withdraw(transaction id: String, teller: String, reason: String, at: Timestamp, event: AuditLog.Append) async throws
        -> AuthorizationStore.WithdrawalOutcome

    // The officer's side (``OfficerDesk``).

    /// Sets the officer's presence; requests assigned to an officer who stops being online go to someone else.
    /// The change and each reassignment are audited with it.
    func setPresence(officer: String, branch: String, to status: OfficerPresence, terminal: String?, at: Timestamp) async throws
    func queue(officer: String) async throws -> (presence: OfficerPresence, requests: [RequestSnapshot])
    /// The claim, if the request is still pending in `scope` (nil: taken, decided, expired or widened meanwhile).
    func claim(_ id: String, officer: String, at: Timestamp, scope: String, event: AuditLog.Append) async throws -> RequestSnapshot?
    func decide(
        _ id: String, officer: String, decision: AuthorizationDecision, reason: String?, payloadDigest: SHA256Hash, materialDigest: SHA256Hash,
        approvals: Int, at: Timestamp, event: AuditLog.Append
    ) async throws -> RequestSnapshot

    func history(transaction: String) async throws -> RequestHistory?
    func statistics(officers: [String]?, branches: [String]?) async throws -> AuthorizationStatistics
    /// The customer's side of a counter transaction, encrypted as stored.
    func customerSide(transaction: String) async throws -> CounterStore.CustomerSide?

    /// A supervisor's own password typed at the teller's terminal, checked (and throttled, and audited on failure)
    /// as a sign-in is.
    func verifySupervisor(_ local: AuthorizationDesk.LocalDecision, terminal: String?, failure: CredentialCheck.Failure) async throws
        -> UserIdentity
}

/// The repository as the service runs it: PostgreSQL, one statement per step where it can (migration 0014).
public struct DatabaseAuthorizationRepository: AuthorizationRepository {
    let database: Database
    let signIn: SignInProtection
    private let transactionIDs = IDReservoir()
    private let requestIDs = IDReservoir()

    public init(database: Database, signIn: SignInProtection) {
        self.database = database
        self.signIn = signIn
    }

    public func nextTransactionID() async throws -> String {
        AuthorizationStore.transactionID(try await transactionIDs.next(from: "txn_serial", on: database))
    }

    public func nextRequestID() async throws -> String {
        AuthorizationStore.requestID(try await requestIDs.next(from: "authz_request_serial", on: database))
    }

    public func rulesInForce() async throws -> RuleSet? { try await RulesInForce.load(database) }

    public func ruleSetSource(version: String) async throws -> String? {
        try await database.read { try await RuleSetStore.source(version: version, in: $0) }
    }

    public func insertTransaction(
        _ transaction: AuthorizationStore.NewTransaction, id: String, event: AuditLog.Append,
        alongside: ((String, Transaction) async throws -> Void)?
    ) async throws {
        if let alongside {
            try await database.transaction { tx in
                try await AuthorizationStore.insertTransaction(transaction, id: id, event: event, in: tx)
                try await alongside(id, tx)
            }
        } else {
            try await database.statement { try await AuthorizationStore.insertTransaction(transaction, id: id, event: event, in: $0) }
        }
    }

    public func transaction(_ id: String) async throws -> TransactionRecord? {
        try await database.read { try await AuthorizationStore.transaction(id, in: $0) }
    }

    public func transactionToRequest(_ id: String, mode: AuthorizationMode) async throws -> (TransactionRecord, String?)? {
        try await database.read { try await AuthorizationStore.transactionToRequest(id, mode: mode.rawValue, in: $0) }
    }

    public func transactionToCommit(_ id: String, digest: SHA256Hash) async throws -> (TransactionRecord, (id: String, version: Int)?)? {
        try await database.read { try await AuthorizationStore.transactionToCommit(id, digest: digest, in: $0) }
    }

    public func insertRequest(
        _ request: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial],
        event: AuditLog.Append
    ) async throws -> RequestSnapshot {
        try await AuthorizationStore.statement(on: database) { tx in
            try await AuthorizationStore.insertRequest(request, id: id, assignedTo: assignedTo, material: material, event: event, in: tx)
        }
    }

    public func insertRequestDecidedLocally(
        _ request: AuthorizationStore.NewRequest, id: String, assignedTo: String?, material: [AuthorizationStore.NewMaterial],
        event: AuditLog.Append, supervisor: String, decision: String, reason: String?, terminal: String?, at: Timestamp
    ) async throws -> RequestSnapshot {
        try await AuthorizationStore.transaction(on: database) { tx in
            let snapshot = try await AuthorizationStore.insertRequest(
                request, id: id, assignedTo: assignedTo, material: material, event: event, in: tx)
            try await AuthorizationStore.recordLocalCredentials(requestID: snapshot.id, officer: supervisor, terminal: terminal ?? "", at: at, in: tx)
            return try await OfficerDesk.claimAndDecide(
                snapshot, officer: supervisor, decision: decision, reason: reason, at: at, terminal: terminal, in: tx)
        }
    }

    public func request(_ id: String) async throws -> RequestSnapshot? {
        try await database.read { try await AuthorizationStore.request(id, in: $0) }
    }

    public func material(requestID: String, kind: String) async throws -> (String, String, [UInt8])? {
        try await database.read { try await AuthorizationStore.material(requestID: requestID, kind: kind, in: $0) }
    }

    public func concerns(officer: String, request id: String) async throws -> Bool {
        try await database.read { try await AuthorizationStore.concerns(officer: officer, request: id, in: $0) }
    }

    public func commit(transaction id: String, digest: SHA256Hash, request: String?, at: Timestamp, event: AuditLog.Append) async throws
        -> (committed: Bool, request: RequestSnapshot?)
    {
        try await AuthorizationStore.statement(on: database) { tx in
            try await AuthorizationStore.commit(transaction: id, digest: digest, request: request, at: at, event: event, in: tx)
        }
    }

    public func withdraw(transaction id: String, teller: String, reason: String, at: Timestamp, event: AuditLog.Append) async throws
        -> AuthorizationStore.WithdrawalOutcome
    {
        // Announced at commit like every request change: an officer holding the request hears of it at once.
        try await AuthorizationStore.transaction(on: database) { tx in
            try await AuthorizationStore.withdraw(transaction: id, teller: teller, reason: reason, at: at, event: event, in: tx)
        }
    }

    public func setPresence(officer: String, branch: String, to status: OfficerPresence, terminal: String?, at: Timestamp) async throws {
        try await AuthorizationStore.transaction(on: database) { tx in
            let events = try await OfficerDesk.changePresence(
                officer: officer, branch: branch, to: status, terminal: terminal, actor: officer, action: "authz.presence", at: at, in: tx)
            try await AuditLog.append(all: events, in: tx)
        }
    }

    public func queue(officer: String) async throws -> (presence: OfficerPresence, requests: [RequestSnapshot]) {
        try await database.read { tx in
            (
                try await AuthorizationStore.presence(officer: officer, in: tx),
                try await AuthorizationStore.queue(officer: officer, limit: 200, in: tx)
            )
        }
    }

    public func claim(_ id: String, officer: String, at: Timestamp, scope: String, event: AuditLog.Append) async throws -> RequestSnapshot? {
        try await AuthorizationStore.statement(on: database) { tx in
            try await AuthorizationStore.claim(id, officer: officer, at: at, scope: scope, event: event, in: tx)
        }
    }

    public func decide(
        _ id: String, officer: String, decision: AuthorizationDecision, reason: String?, payloadDigest: SHA256Hash, materialDigest: SHA256Hash,
        approvals: Int, at: Timestamp, event: AuditLog.Append
    ) async throws -> RequestSnapshot {
        try await AuthorizationStore.statement(on: database) { tx in
            try await AuthorizationStore.decide(
                id, officer: officer, decision: decision, reason: reason, payloadDigest: payloadDigest, materialDigest: materialDigest,
                approvals: approvals, at: at, event: event, in: tx)
        }
    }

    public func history(transaction: String) async throws -> RequestHistory? {
        try await database.read { try await AuthorizationStore.history(transaction: transaction, in: $0) }
    }

    public func statistics(officers: [String]?, branches: [String]?) async throws -> AuthorizationStatistics {
        try await database.read { try await AuthorizationStatistics.read(officers: officers, branches: branches, in: $0) }
    }

    public func customerSide(transaction: String) async throws -> CounterStore.CustomerSide? {
        try await database.read { try await CounterStore.customerSide(transaction: transaction, in: $0) }
    }

    public func verifySupervisor(_ local: AuthorizationDesk.LocalDecision, terminal: String?, failure: CredentialCheck.Failure) async throws
        -> UserIdentity
    {
        try await CredentialCheck(database: database, protection: signIn).verify(
            user: local.supervisor, password: local.password, terminal: terminal, address: local.clientAddress, failure: failure)
    }
}
