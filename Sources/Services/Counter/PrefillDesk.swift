public import Accounts
import Audit
public import Counter
public import Forms
import Foundation
public import Kernel
public import Logging
public import ServiceLifecycle
public import Storage

/// Pre-filled forms: a customer's values, checked against the form, kept encrypted under a short code until a
/// teller picks them up (once) or they expire. Creation, pick-up and expiry are audit events; none of them
/// carries the customer's values or the code.
public struct PrefillDesk: Sendable {
    let database: Database
    let catalogue: FormCatalogue
    let dataKey: DataKey
    /// Codes are looked up by their HMAC, never stored.
    let codeTags: DataKey.Tagger
    let time: any TimeSource
    /// How long a code stays valid.
    public let lifetimeSeconds: Int
    let ids = IDReservoir()
    /// Submissions that arrive together are written in one statement; a refused batch (one taken code is
    /// enough) is written again row by row.
    let writer: Batcher<PrefillStore.NewRow, AuditRecord>
    /// Where codes come from (a test gives a fixed sequence to force a collision).
    let codes: @Sendable () -> PrefillCode

    public static let defaultLifetimeSeconds = 30 * 60
    /// Closed pre-fills are remembered (without data) this long, so a late second use is told "already used".
    static let tombstoneSeconds: Int64 = 7 * 86_400

    public init(
        database: Database, catalogue: FormCatalogue, dataKey: DataKey, time: any TimeSource = SystemTime(),
        lifetimeSeconds: Int = defaultLifetimeSeconds, codes: @escaping @Sendable () -> PrefillCode = PrefillCode.generate
    ) {
        self.database = database
        self.catalogue = catalogue
        self.dataKey = dataKey
        self.codeTags = dataKey.tagger(purpose: "prefill-code")
        self.time = time
        self.lifetimeSeconds = lifetimeSeconds
        self.codes = codes
        self.writer = Batcher(maximum: 64, onFailure: .runEachAlone) { rows in try await PrefillStore.insert(rows, on: database) }
    }

    public struct Created: Sendable {
        public let code: String
        public let formID: String
        public let expiresAtUs: Int64
    }

    public struct PickedUp: Sendable {
        public let form: FormDefinition
        public let values: [String: String]
        public let createdAtUs: Int64
    }

    /// The customer's side (no login): only customer fields, checked as the form says.
    public func create(formID: String, values: [String: String]) async throws -> Created {
        let form = try catalogue.form(formID)
        let now = time.now()
        let checked = try form.check(values, filledBy: [.customer], today: VoucherDesk.chinaToday(now))
        let plaintext = try JSONEncoder().encode(checked)
        let id = try await ids.next(from: "prefills_id_seq", on: database)
        let event = AuditEvent(
            chain: Self.chain(id), actor: "customer", action: "prefill.created", subject: "prefill:\(id)",
            payload: ["form": .string(form.id), "form_version": .integer(Int64(form.version)), "fields": .integer(Int64(checked.count))])
        // A random code can meet one still in the table (tombstones keep theirs for a week: with 700,000 rows, about
        // one submission in a million). The database refuses the second; draw another instead of failing.
        var attempt = 1
        while true {
            let code = codes()
            let tag = codeTags.tag(code.value)
            let box = try dataKey.seal(Array(plaintext), context: Self.context(form: form.id, tag: tag))
            do {
                // The row and its event in one statement, with whatever other submissions arrive meanwhile: this is
                // the busiest public write.
                try await writer.submit(
                    PrefillStore.NewRow(
                        id: id, codeTag: tag, formID: form.id, formVersion: form.version, keyID: dataKey.id, ciphertext: box, at: now,
                        lifetimeSeconds: lifetimeSeconds, append: try AuditLog.Append(event)))
                return Created(code: code.description, formID: form.id, expiresAtUs: now.microsecondsSinceEpoch + Int64(lifetimeSeconds) * 1_000_000)
            } catch let error as StorageError where error.constraint == "prefills_code_tag_key" && attempt < Self.codeAttempts {
                attempt += 1
            }
        }
    }

    /// Codes drawn for one submission before giving up: two collisions in a row would take ~10¹² submissions.
    static let codeAttempts = 3

    /// The page's live hints, on the desk's clock like the submission: valid fields normalized, problems of the
    /// others (empty fields are not one yet), valid amounts in capital numerals.
    public func checkWhileTyping(_ form: FormDefinition, values: [String: String]) -> (
        valid: [String: String], problems: [FieldProblem], words: [String: String]
    ) {
        let (valid, problems) = form.checkWhileTyping(values, filledBy: [.customer], today: VoucherDesk.chinaToday(time.now()))
        var words: [String: String] = [:]
        for field in form.fields { words[field.id] = form.amountWords(of: field, in: valid) }
        return (valid, problems, words)
    }

    /// The teller's side: the values, once. Used, expired and unknown codes each get their own answer.
    public func pickUp(code typed: String, user: UserIdentity, terminal: String?) async throws -> PickedUp {
        guard user.role == .teller else { throw AccessError(.forbidden, "only tellers pick up pre-filled forms") }
        guard let code = PrefillCode(typed: typed) else {
            throw CounterError(.prefillBadCode, "a pre-fill code is 8 letters and digits, e.g. ABCD-2345")
        }
        let tag = codeTags.tag(code.value)
        let now = time.now()
        let taken = try await database.transaction { tx in
            let taken = try await PrefillStore.take(codeTag: tag, teller: user.id, at: now, in: tx)
            let (action, subject): (String, String?) =
                switch taken {
                case .waiting(let row): ("prefill.used", "prefill:\(row.id)")
                case .expired(let id, _): ("prefill.expired_pickup", "prefill:\(id)")
                case .used(let id, _): ("prefill.reuse_refused", "prefill:\(id)")
                case .unknown: ("prefill.unknown_code", nil)
                }
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: action, subject: subject ?? "prefill:unknown"), in: tx)
            return taken
        }
        switch taken {
        case .waiting(let row):
            let form = try catalogue.form(row.formID)
            let clear = try dataKey.open(row.ciphertext, context: Self.context(form: row.formID, tag: tag))
            let values = try JSONDecoder().decode([String: String].self, from: Data(clear))
            guard form.version == row.formVersion else {
                throw CounterError(.prefillFormChanged, "the form changed since this pre-fill was made; please fill it in again")
            }
            return PickedUp(form: form, values: values, createdAtUs: row.createdAtUs)
        case .expired: throw CounterError(.prefillExpired, "this pre-fill code has expired; the customer fills the form again")
        case .used: throw CounterError(.prefillUsed, "this pre-fill code was already used")
        case .unknown: throw CounterError(.prefillNotFound, "no pre-fill has this code")
        }
    }

    /// Closes what expired (erasing its data, each with its audit event) and forgets old tombstones. The events
    /// go in one statement, in chain order — the order a batch of submissions (`PrefillStore.insert`) takes the chain heads in, so the two cannot
    /// deadlock — and a few hundred at a time, because submissions to those chains wait until this commits.
    @discardableResult
    public func sweep(batch: Int = 500) async throws -> Int {
        let now = time.now()
        return try await database.transaction { tx in
            let expired = try await PrefillStore.expire(at: now, limit: batch, in: tx)
            try await AuditLog.append(
                all: expired.map { row in
                    AuditEvent(
                        chain: Self.chain(row.id), actor: "system:prefill", action: "prefill.expired", subject: "prefill:\(row.id)",
                        payload: ["form": .string(row.formID)])
                },
                in: tx)
            try await PrefillStore.purge(
                closedBefore: Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch - Self.tombstoneSeconds * 1_000_000), in: tx)
            return expired.count
        }
    }

    /// Customers' events belong to no branch. One chain would make every submission in the country wait for the
    /// previous one's commit (the chain head is locked until then), so they are spread over eight.
    static let chains = 8

    static func chain(_ id: Int64) -> String { "prefill-\(id % Int64(chains))" }

    /// Binds a ciphertext to its row: moved to another pre-fill, it no longer opens.
    static func context(form: String, tag: [UInt8]) -> String {
        "prefill:\(form):" + tag.hexString
    }
}

/// Runs ``PrefillDesk/sweep(batch:)`` every few seconds: an expired pre-fill's data is erased within seconds.
public struct PrefillSweepService: Service {
    let desk: PrefillDesk
    let logger: Logger
    static let batch = 500

    public init(desk: PrefillDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var backlog = false
            do {
                let expired = try await desk.sweep(batch: Self.batch)
                if expired > 0 { logger.info("pre-fills expired", metadata: ["count": "\(expired)"]) }
                backlog = expired == Self.batch
            } catch {
                logger.error("pre-fill sweep failed", metadata: ["error": "\(error)"])
            }
            // A full batch means more are waiting: go on at once (in small transactions) instead of falling behind.
            try? await Task.sleep(for: backlog ? .milliseconds(10) : .seconds(5))
        }
    }
}
