public import Accounts
public import Authorization
import Forms
public import Storage

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
        let signed = try counter.beginBooking(session, user: user)
        do {
            let form = try counter.catalogue.form(signed.formID)
            guard let principal = form.principal(in: signed.values) else {
                throw AppError(.unprocessableContent, code: "counter.no_amount", "the signed form has no amount to book")
            }
            guard let subject = Self.subject(of: form, in: signed.values) else {
                throw AppError(.unprocessableContent, code: "counter.no_subject", "the signed form names no account or customer / 表单中没有账号或客户身份证号")
            }
            var fields = signed.values
            fields[Self.viewDigestField] = signed.digest
            let submission = try await authorization.resolve(
                AuthorizationDesk.Draft(
                    code: form.id, amount: principal.amount, currency: principal.currency, channel: Self.channel, fields: fields, subject: subject))
            let submitted = try await authorization.submit(submission, user: user, terminal: terminal) { id, tx in
                try await CounterStore.bookTransaction(session: session, version: signed.version, transaction: id, in: tx)
            }
            counter.booked(session, transaction: submitted.transactionID, submission: submission)
            return Booked(submitted: submitted, submission: submission)
        } catch {
            counter.bookingFailed(session)
            throw error
        }
    }

    /// Whom the form's transaction is about, as the form says (`subject` in its definition).
    static func subject(of form: FormDefinition, in values: [String: String]) -> DirectorySubject? {
        if let field = form.subject?.account, let number = values[field], !number.isEmpty { return .account(number) }
        if let field = form.subject?.customer, let id = values[field], !id.isEmpty { return .customer(id) }
        return nil
    }

    /// Commits the booked transaction with the very submission that was judged (and approved, when required).
    public func commit(session: Int64, user: UserIdentity, terminal: String?) async throws -> AuthorizationDesk.Committed {
        let booked = try counter.booking(session, user: user)
        return try await authorization.commit(transaction: booked.transaction, submission: booked.submission, user: user, terminal: terminal)
    }
}
