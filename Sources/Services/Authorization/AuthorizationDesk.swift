public import Accounts
import Audit
public import Authorization
import Foundation
public import Kernel
public import Storage

/// The authorization work behind the HTTP API, teller side: submit a transaction (the interceptor decides), request
/// authorization in a mode, resubmit after a return, commit what was approved. Every state change commits with its
/// audit event in one database transaction; the push feed follows from the database's triggers.
public struct AuthorizationDesk: Sendable {
    let repository: any AuthorizationRepository
    let rulesInForce: RulesInForce
    let directory: any AccountDirectory
    let dataKey: DataKey
    /// Keyed digests of the account or customer a transaction is about: its history is found by them.
    let subjectTags: DataKey.Tagger
    let time: any TimeSource

    /// The desk over any repository: the service's PostgreSQL (``AuthorizationServices`` builds it), or a test's
    /// in-memory twin.
    public init(repository: any AuthorizationRepository, rules: RuleSet, dataKey: DataKey, time: any TimeSource, directory: any AccountDirectory) {
        self.repository = repository
        self.directory = directory
        self.rulesInForce = RulesInForce(rules)
        self.dataKey = dataKey
        self.subjectTags = dataKey.tagger(purpose: "countersign transaction subject v1")
        self.time = time
    }

    public var rules: RuleSet { rulesInForce.rules }

    /// What a teller submits: everything but the facts the rules judge the customer by.
    public struct Draft: Sendable {
        public let code: String
        public let amount: String
        public let currency: String
        public let channel: String
        public let fields: [String: String]
        public let subject: DirectorySubject
        public let replaces: String?

        public init(
            code: String, amount: String, currency: String, channel: String, fields: [String: String], subject: DirectorySubject,
            replaces: String? = nil
        ) {
            self.code = code
            self.amount = amount
            self.currency = currency
            self.channel = channel
            self.fields = fields
            self.subject = subject
            self.replaces = replaces
        }
    }

    /// The submission as it is judged and bound: the account type and customer risk of its subject as the bank's
    /// directory has them — whatever the teller would say. A customer without an account yet (an account opening)
    /// takes the type of the account being opened from `fields["account_type"]`.
    public func resolve(_ draft: Draft) async throws -> TransactionSubmission {
        // Only an account opening is about a customer without the account: anything else names its account, so the
        // teller cannot pick the account type through fields.
        if case .customer = draft.subject, draft.code != Self.accountOpening {
            throw AuthorizationError(
                .noSubject,
                "only an account opening names the customer instead of the account / 除开户外须填写账号")
        }
        guard let facts = try await directory.facts(draft.subject) else {
            throw AuthorizationError(
                .unknownAccount,
                "the bank's directory does not know this account or customer / 本行客户信息中没有这个账户或客户")
        }
        guard let accountType = facts.accountType ?? draft.fields["account_type"] else {
            throw AuthorizationError(
                .unknownAccount,
                "a customer without an account needs the type of the account being opened / 开户交易须写明所开账户类型")
        }
        var account: String?
        var customer: String?
        switch draft.subject {
        case .account(let number): account = number
        case .customer(let id): customer = id
        }
        return TransactionSubmission(
            code: draft.code, amount: draft.amount, currency: draft.currency, account: account, customer: customer, accountType: accountType,
            customerRisk: facts.customerRisk, channel: draft.channel, fields: draft.fields, replaces: draft.replaces)
    }

    /// The account a submission is about, or the customer when it names no account (an account opening).
    static func subject(of submission: TransactionSubmission) -> DirectorySubject? {
        if let account = submission.account { return .account(account) }
        return submission.customer.map { .customer($0) }
    }

    /// The transaction code of opening an account: the one whose subject is a customer, not an account.
    public static let accountOpening = "account-opening"

    public struct Submitted: Sendable {
        public let transactionID: String
        public let decision: InterceptorDecision
    }

    /// The interceptor's decision on a new transaction, stored with the (encrypted) transaction as evidence, in one
    /// statement with its audit event. `alongside` writes what else belongs to the new transaction (the counter's
    /// link to it); then all of it is one database transaction.
    public func submit(
        _ submission: TransactionSubmission, user: UserIdentity, terminal: String?,
        alongside: ((String, Transaction) async throws -> Void)? = nil
    ) async throws -> Submitted {
        do {
            return try await submit(submission, judgedBy: rulesInForce.interceptor, user: user, terminal: terminal, alongside: alongside)
        } catch let error as StorageError where error.constraint == RulesInForce.staleConstraint {
            // The owner activated other rules since this instance read them: judge again by those in force.
            guard try await rulesInForce.reload(using: repository.rulesInForce) else { throw error }
            return try await submit(submission, judgedBy: rulesInForce.interceptor, user: user, terminal: terminal, alongside: alongside)
        }
    }

    private func submit(
        _ submission: TransactionSubmission, judgedBy interceptor: Interceptor, user: UserIdentity, terminal: String?,
        alongside: ((String, Transaction) async throws -> Void)?
    ) async throws -> Submitted {
        try Self.requireTeller(user)
        let now = time.now()
        let rules = interceptor.rules
        let facts = try submission.facts(vocabulary: rules.vocabulary, minuteOfDay: Self.minuteOfDay(now, offset: rules.utcOffsetMinutes))
        let decision = interceptor.decide(facts)
        let digest = submission.digest
        let box = try dataKey.seal(submission.canonical.canonicalBytes, context: Self.payloadContext(digest))
        let id = try await repository.nextTransactionID()
        let record = AuthorizationStore.NewTransaction(
            branch: user.branch, teller: user.id, terminal: terminal, code: facts.code, amountMinor: facts.amountMinor,
            currency: facts.currency, keyID: dataKey.id, payloadCiphertext: box, payloadDigest: digest,
            ruleSetVersion: decision.ruleSetVersion, factsJSON: facts.canonical.canonicalText, matchedRules: decision.matchedRules,
            requirementJSON: decision.requirement?.canonical.canonicalText, at: now, replaces: submission.replaces,
            subjectTag: Self.subject(of: submission).map { subjectTags.tag($0.normalized) })
        var payload = decision.canonicalFields
        payload["payload_digest"] = .string(digest.hex)
        if let replaced = submission.replaces { payload["replaces"] = .string(replaced) }
        let event = try AuditLog.Append(
            AuditEvent(
                actor: user.id, branch: user.branch, terminal: terminal, action: "authz.intercepted", subject: "txn:\(id)",
                payload: .object(payload)))
        do {
            try await repository.insertTransaction(record, id: id, event: event, alongside: alongside)
        } catch let error as StorageError where error.constraint == "txn_replaces_finished" {
            throw AuthorizationError(
                .cannotReplace,
                "a new transaction replaces only a rejected or abandoned transaction of yours, once / 新交易只能替代您本人已被拒绝或已放弃的交易，且只能一次")
        } catch let error as StorageError where error.constraint == "teller_transactions_replaces_key" {
            throw AuthorizationError(.cannotReplace, "transaction \(submission.replaces ?? "") was already replaced / 该交易已被替代")
        }
        return Submitted(transactionID: id, decision: decision)
    }

    /// One piece of material as the teller uploads it.
    public struct Upload: Sendable {
        public let kind: String
        public let mediaType: String
        public let bytes: [UInt8]

        public init(kind: String, mediaType: String, bytes: [UInt8]) {
            self.kind = kind
            self.mediaType = mediaType
            self.bytes = bytes
        }

        var item: MaterialItem {
            MaterialItem(kind: kind, mediaType: mediaType, sha256: SHA256Hash.sha256(of: bytes), size: bytes.count)
        }
    }

    /// A supervisor's own credentials, entered on the teller's terminal (local mode).
    public struct LocalDecision: Sendable {
        public let supervisor: String
        public let password: String
        public let decision: String
        public let reason: String?
        /// Where it was typed: the teller terminal's address, throttled like a sign-in from there.
        public let clientAddress: String

        public init(supervisor: String, password: String, decision: String, reason: String?, clientAddress: String = "unknown") {
            self.supervisor = supervisor
            self.password = password
            self.decision = decision
            self.reason = reason
            self.clientAddress = clientAddress
        }
    }

    /// Creates the request for an open transaction in `mode`. Local mode is decided at once by the supervisor whose
    /// credentials come with it; the other modes are offered to officers through the feed. A central request goes
    /// to an officer picked at random when the transaction is read; if that officer is gone by the time the
    /// request is written, another is picked.
    public func request(
        transaction id: String, mode: AuthorizationMode, material uploads: [Upload], local: LocalDecision?, user: UserIdentity,
        terminal: String?, previous: RequestSnapshot? = nil
    ) async throws -> RequestSnapshot {
        try Self.requireTeller(user)
        let (transaction, picked) = try await openTransaction(id, for: user, mode: mode)
        var candidate = picked
        guard let text = transaction.requirementJSON,
            let requirement = try? JSONDecoder().decode(RuleSet.Requirement.self, from: Data(text.utf8))
        else { throw AuthorizationError(.notRequired, "transaction \(id) needs no authorization: commit it") }
        guard requirement.modes.contains(mode) else {
            throw AuthorizationError(
                .modeNotAllowed,
                "the rules allow \(requirement.modes.map(\.rawValue).joined(separator: ", ")) for this transaction, not \(mode.rawValue)")
        }
        let items = uploads.map(\.item)
        try MaterialList.check(items, required: requirement.material)
        // Local mode happens at the terminal where the transaction was submitted: that is where the supervisor stands.
        if mode == .local, terminal == nil || terminal != transaction.terminal {
            throw AuthorizationError(
                .localTerminal,
                "local mode is decided at the terminal the transaction was submitted from (\(transaction.terminal ?? "none")) / 本地授权须在提交交易的终端上进行")
        }
        let supervisor = try await localSupervisor(mode: mode, local: local, terminal: terminal)
        let now = time.now()
        let material = try zip(uploads, items).map { upload, item in
            AuthorizationStore.NewMaterial(
                kind: item.kind, mediaType: item.mediaType, keyID: dataKey.id,
                ciphertext: try dataKey.seal(upload.bytes, context: Self.materialContext(transaction: transaction.id, item.kind, item.sha256.hex)),
                sha256: item.sha256)
        }
        let materialDigest = MaterialList.digest(items)
        let requestID = try await repository.nextRequestID()
        let new = AuthorizationStore.NewRequest(
            transaction: transaction, previousID: previous?.id, version: (previous?.version ?? 0) + 1, level: requirement.level,
            officers: requirement.officers, modes: requirement.modes.map(\.rawValue), mode: mode.rawValue, materialDigest: materialDigest,
            materialJSON: MaterialList.canonical(items).canonicalText, unclaimedSeconds: requirement.timeouts.unclaimedSeconds,
            leaseSeconds: requirement.timeouts.leaseSeconds, tellerWaitSeconds: requirement.timeouts.tellerWaitSeconds, at: now)
        var attempt = 0
        while true {
            attempt += 1
            let event = try AuditLog.Append(
                AuditEvent(
                    actor: user.id, branch: transaction.branch, terminal: terminal,
                    action: previous == nil ? "authz.requested" : "authz.resubmitted", subject: "authz:\(requestID)",
                    payload: [
                        "transaction": .string(transaction.id), "version": .integer(Int64(new.version)),
                        "previous": previous.map { .string($0.id) } ?? .null, "mode": .string(mode.rawValue),
                        "level": .integer(Int64(new.level)), "officers": .integer(Int64(new.officers)),
                        "assigned_to": candidate.map { .string($0) } ?? .null, "payload_digest": .string(transaction.payloadDigest.hex),
                        "material_digest": .string(materialDigest.hex), "material": MaterialList.canonical(items),
                    ]))
            let assigned = candidate
            do {
                guard let supervisor, let local else {
                    return try await repository.insertRequest(new, id: requestID, assignedTo: assigned, material: material, event: event)
                }
                // Decided at once, at the teller's terminal, by the supervisor who just proved who they are.
                return try await repository.insertRequestDecidedLocally(
                    new, id: requestID, assignedTo: assigned, material: material, event: event, supervisor: supervisor, decision: local.decision,
                    reason: local.reason, terminal: terminal, at: now)
            } catch let error as StorageError where error.constraint == "authz_assigned_available" && attempt < 3 {
                candidate = try await openTransaction(id, for: user, mode: mode).1
            }
        }
    }

    /// A returned request comes back as a new version, linked to the one the officer returned. Material sent again
    /// replaces that kind; the kinds not sent again are carried over from the returned version.
    public func resubmit(request id: String, mode: AuthorizationMode?, material: [Upload], user: UserIdentity, terminal: String?)
        async throws -> RequestSnapshot
    {
        guard let previous = try await repository.request(id), previous.teller == user.id else {
            throw AuthorizationError(.notFound, "no authorization request \(id) of yours")
        }
        guard previous.state == .returned else {
            throw AuthorizationError(.notReturned, "request \(id) is \(previous.state); only a returned request is resubmitted")
        }
        guard previous.version < 20 else { throw AuthorizationError(.tooManyVersions, "request \(id) was resubmitted 20 times") }
        let chosen = mode ?? AuthorizationMode(rawValue: previous.mode) ?? .central
        guard chosen != .local else {
            throw AuthorizationError(.modeNotAllowed, "resubmit to an officer; local mode starts a new request")
        }
        // What the teller does not send again stays as it was: the officer asked for more, not for everything anew.
        var uploads = material
        for item in previous.material where !material.contains(where: { $0.kind == item.kind }) {
            guard let (type, _, box) = try await repository.material(requestID: previous.id, kind: item.kind) else { continue }
            let bytes = try dataKey.open(box, context: Self.materialContext(transaction: previous.transaction, item.kind, item.sha256))
            uploads.append(Upload(kind: item.kind, mediaType: type, bytes: bytes))
        }
        return try await request(
            transaction: previous.transaction, mode: chosen, material: uploads, local: nil, user: user, terminal: terminal, previous: previous)
    }

    public struct Committed: Sendable {
        public let transactionID: String
        public let request: RequestSnapshot?
    }

    /// Commits the transaction, but only with the very payload that was submitted and, when authorization was
    /// required, approved; and only once.
    public func commit(transaction id: String, submission: TransactionSubmission, user: UserIdentity, terminal: String?) async throws -> Committed {
        try Self.requireTeller(user)
        let digest = submission.digest
        guard let (transaction, approved) = try await repository.transactionToCommit(id, digest: digest), transaction.teller == user.id
        else { throw AuthorizationError(.transactionNotFound, "no transaction \(id) of yours") }
        guard transaction.state != .committed else {
            throw AuthorizationError(.alreadyCommitted, "transaction \(id) was already committed")
        }
        guard transaction.state != .abandoned else {
            throw AuthorizationError(.finished, "transaction \(id) was rejected or withdrawn: it is not committed / 交易 \(id) 已被拒绝或已撤回，不能记账")
        }
        guard digest == transaction.payloadDigest else {
            throw AuthorizationError(.payloadChanged, "the payload differs from what was submitted and authorized; submit it again")
        }
        let notApproved = AuthorizationError(.notApproved, "transaction \(id) has no approved authorization to commit")
        let needsApproval = transaction.requirementJSON != nil
        if needsApproval && approved == nil { throw notApproved }
        let now = time.now()
        let event = try AuditLog.Append(
            AuditEvent(
                actor: user.id, branch: transaction.branch, terminal: terminal, action: "txn.committed", subject: "txn:\(id)",
                payload: [
                    "payload_digest": .string(digest.hex), "authorization": approved.map { .string($0.id) } ?? .null,
                    "approved_by_versions": approved.map { .integer(Int64($0.version)) } ?? .null,
                ]))
        let result = try await repository.commit(transaction: id, digest: digest, request: approved?.id, at: now, event: event)
        guard result.committed else {
            // Of several commits of one approval, one wins; the others must say so, not that nothing was approved.
            let now = try await repository.transactionToCommit(id, digest: digest)
            if now?.0.state == .committed {
                throw AuthorizationError(.alreadyCommitted, "transaction \(id) was already committed")
            }
            throw notApproved
        }
        return Committed(transactionID: id, request: result.request)
    }

    /// The request, if `user` may see it: its teller, an officer it concerns, an auditor.
    public func view(request id: String, user: UserIdentity) async throws -> (RequestSnapshot, TransactionSubmission?) {
        guard let snapshot = try await repository.request(id) else { throw AuthorizationError(.notFound, "no authorization request \(id)") }
        var canSee = snapshot.teller == user.id || user.role.canReadAudit
        if !canSee, user.role == .supervisor || user.role == .officer {
            canSee = try await repository.concerns(officer: user.id, request: id)
        }
        guard canSee else { throw AuthorizationError(.notFound, "no authorization request \(id)") }
        // The business fields are for whoever decides (the claimant) and the teller who keyed them.
        let showPayload = snapshot.teller == user.id || snapshot.claimedBy == user.id
        let record = showPayload ? try await repository.transaction(snapshot.transaction) : nil
        return (snapshot, try record.map { try decrypt($0) })
    }

    public func statistics(officers: [String]?, branches: [String]?) async throws -> AuthorizationStatistics {
        try await repository.statistics(officers: officers, branches: branches)
    }

    /// The submission the teller's transaction was made with, as stored: what its commit names, on any instance.
    public func submission(ofTransaction id: String, user: UserIdentity) async throws -> TransactionSubmission {
        guard let record = try await repository.transaction(id), record.teller == user.id else {
            throw AuthorizationError(.transactionNotFound, "no transaction \(id) of yours")
        }
        return try decrypt(record)
    }

    func decrypt(_ record: AuthorizationStore.TransactionRecord) throws -> TransactionSubmission {
        let clear = try dataKey.open(record.payloadCiphertext, context: Self.payloadContext(record.payloadDigest))
        return try JSONDecoder().decode(TransactionSubmission.self, from: Data(clear))
    }

    // MARK: Helpers

    /// The teller's open transaction, and the officer a request for it in `mode` would go to now.
    private func openTransaction(_ id: String, for user: UserIdentity, mode: AuthorizationMode) async throws
        -> (AuthorizationStore.TransactionRecord, String?)
    {
        guard
            let (record, candidate) = try await repository.transactionToRequest(id, mode: mode), record.teller == user.id
        else { throw AuthorizationError(.transactionNotFound, "no transaction \(id) of yours") }
        if record.state == .abandoned {
            // A rejection is final: the same transaction is never asked for again, in any mode.
            throw AuthorizationError(
                .finished,
                "transaction \(id) was rejected (or abandoned): start a new transaction, with \"replaces\": \"\(id)\" to link it / 交易 \(id) 已被拒绝或已放弃，请另起新交易"
            )
        }
        guard record.state == .needsAuthorization else {
            throw AuthorizationError(.notOpen, "transaction \(id) is \(record.state)")
        }
        return (record, candidate)
    }

    /// Local mode needs the supervisor's own password, checked here on the teller's terminal.
    private func localSupervisor(mode: AuthorizationMode, local: LocalDecision?, terminal: String?) async throws -> String? {
        guard mode == .local else {
            guard local == nil else { throw AuthorizationError(.localOnly, "supervisor credentials belong to local mode only") }
            return nil
        }
        guard let local else {
            throw AuthorizationError(.localCredentials, "local mode needs the supervisor's user, password and decision")
        }
        let failure = CredentialCheck.Failure(
            action: "authz.local_credentials_failed", code: .localCredentialsRefused, message: "the supervisor's user or password is wrong")
        let supervisor = try await repository.verifySupervisor(local, terminal: terminal, failure: failure)
        // Only a supervisor authorizes at the counter; the eligibility check in the database covers branch and authority.
        guard supervisor.role == .supervisor else { throw AccessError(failure.code, failure.message) }
        return supervisor.id
    }

    public static func requireTeller(_ user: UserIdentity) throws {
        guard user.role == .teller else { throw AccessError(.forbidden, "only tellers submit transactions") }
    }

    // What each encrypted box is bound to (authenticated data): a box moved to another row does not open.
    static func payloadContext(_ digest: SHA256Hash) -> String { "txn-payload:\(digest.hex)" }
    static func materialContext(transaction: String, _ kind: String, _ sha256: String) -> String { "material:\(transaction):\(kind):\(sha256)" }

    /// Minutes since midnight in the rule set's zone, for the business-hours rule.
    static func minuteOfDay(_ time: Timestamp, offset minutes: Int) -> Int {
        let t = time.civil(offsetMinutes: minutes)
        return Int(t.hour * 60 + t.minute)
    }
}
