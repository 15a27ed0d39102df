public import Accounts
public import Authorization
import Forms
import Kernel
import Storage

/// Books what the customer confirmed and signed. The signed draft becomes a teller transaction — the form is its
/// code, the form's transaction amount its amount and currency, the confirmed values (and the digest of the view
/// the customer confirmed) its fields — and goes through the interceptor. Authorization, when the rules ask for it,
/// then runs through the ordinary API on that transaction; the commit here books exactly what was signed and
/// approved, and only a committed transaction gets its receipt (see ``ReceiptDesk``).
public struct CounterBooking: Sendable {
    let counter: CounterDesk
    let authorization: AuthorizationDesk

    public init(counter: CounterDesk, authorization: AuthorizationDesk) {
        self.counter = counter
        self.authorization = authorization
    }

    /// The rules in force, for describing a decision.
    public var rules: RuleSet { authorization.rules }

    public static let channel = "counter"
    /// The field of a booked submission that names the view the customer confirmed (its SHA-256, hex).
    public static let viewDigestField = "counter_view_sha256"

    public struct Booked: Sendable {
        public let submitted: AuthorizationDesk.Submitted
        public let submission: TransactionSubmission
    }

    /// The account type and customer risk come from the bank's directory, for the account (or customer) the form
    /// names as its subject: never from the teller.
    public func submit(session: Int64, user: UserIdentity, terminal: String?) async throws -> Booked {
        try AuthorizationDesk.requireTeller(user)
        let draft = try await counter.ownDraft(session, user: user)
        guard draft.transaction == nil else { throw CounterDesk.booked(session, draft.transaction) }
        guard draft.state.canBeBooked, let content = try counter.open(draft), let formID = draft.formID, let digest = draft.digest else {
            throw CounterError(.notSigned, "the customer has not confirmed and signed this transaction (\(draft.state))")
        }
        let form = try counter.catalogue.form(formID)
        guard let principal = form.principal(in: content.values) else {
            throw CounterError(.noAmount, "the signed form has no amount to book")
        }
        guard let subject = Self.subject(of: form, in: content.values) else {
            throw CounterError(.noSubject, "the signed form names no account or customer / 表单中没有账号或客户身份证号")
        }
        var fields = content.values
        fields[Self.viewDigestField] = digest.hexString
        let submission = try await authorization.resolve(
            AuthorizationDesk.Draft(
                code: form.id, amount: principal.amount, currency: principal.currency, channel: Self.channel, fields: fields, subject: subject))
        do {
            let submitted = try await authorization.submit(submission, user: user, terminal: terminal) { id, tx in
                // The signed version is still the draft's (the teller did not change it meanwhile, on any instance),
                // and it stays so: once booked, the database refuses any change of the draft.
                guard let now = try await CounterStateStore.draft(session, lock: true, in: tx), !now.closed, now.version == draft.version,
                    now.state == .signed
                else {
                    throw CounterError(.notSigned, "the draft changed after the customer signed it; they must confirm and sign again")
                }
                try await CounterStore.bookTransaction(session: session, version: draft.version, transaction: id, in: tx)
            }
            return Booked(submitted: submitted, submission: submission)
        } catch let error as StorageError where error.constraint == "counter_transactions_pkey" {
            throw CounterDesk.booked(session, nil)
        }
    }

    /// Whom the form's transaction is about, as the form says (`subject` in its definition).
    static func subject(of form: FormDefinition, in values: [String: String]) -> DirectorySubject? {
        if let field = form.subject?.account, let number = values[field], !number.isEmpty { return .account(number) }
        if let field = form.subject?.customer, let id = values[field], !id.isEmpty { return .customer(id) }
        return nil
    }

    /// Commits the booked transaction with the very submission that was judged (and approved, when required), as the
    /// database holds it: any instance can commit what any other booked.
    public func commit(session: Int64, user: UserIdentity, terminal: String?) async throws -> AuthorizationDesk.Committed {
        let draft = try await counter.ownDraft(session, user: user)
        guard let transaction = draft.transaction else {
            throw CounterError(.notBooked, "book the signed transaction first")
        }
        let submission = try await authorization.submission(ofTransaction: transaction, user: user)
        return try await authorization.commit(transaction: transaction, submission: submission, user: user, terminal: terminal)
    }
}
