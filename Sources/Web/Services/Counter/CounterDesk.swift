public import Accounts
public import Audit
import Authorization
public import Counter
import Crypto
public import Forms
import Foundation
public import Storage
import Synchronization

/// The counter: a teller's terminal paired with its customer screen, the draft the teller keys (echoed to the
/// screen as a confirmation view on every change), and the customer's answer to exactly the view on the screen.
///
/// Screens and drafts live in this instance's memory (the screen's WebSocket and the teller's calls must reach the
/// same instance); what must last — the session and every confirmation with its digest — is in the database with
/// its audit event.
public final class CounterDesk: Sendable {
    struct Screen {
        /// The enrolled device that proved it holds its key when it connected.
        let device: ScreenDevice
        let sender: AsyncStream<String>.Continuation
        var code: String
        var codeExpires: ContinuousClock.Instant
        var session: Int64?
        /// A teller typed the right code and the session is being stored.
        var reserved = false
    }

    /// Wrong pairing codes typed at one terminal: after ``pairingGuesses`` within ``pairingWindow`` the terminal
    /// is locked for the rest of the window and its screen shows a new code.
    struct Guesses {
        var failures = 0
        var since: ContinuousClock.Instant
        var locked = false
    }

    static let pairingGuesses = 5
    static let pairingWindow = Duration.seconds(300)

    struct Draft {
        let teller: String
        let branch: String
        let terminal: String
        var screen: Int
        var version = 0
        var view: ConfirmationView?
        var viewJSON = ""
        var digest = ""
        var state = "editing"
        /// Every required field is there and every value valid (only then can the customer confirm).
        var complete = false
        var formID = ""
        var values: [String: String] = [:]
        /// Set while the signed draft is being booked, so two bookings cannot race.
        var booking = false
        /// The teller transaction the signed draft was booked as, and the submission it binds (for the commit).
        var transaction: String?
        var submission: TransactionSubmission?
        let opened = ContinuousClock.now
    }

    /// A draft nobody finished is forgotten after this long (its confirmations are in the database regardless).
    static let draftLifetime = Duration.seconds(12 * 3600)

    /// What the teller sees after a change or when asking.
    public struct DraftState: Sendable, Encodable {
        public let session: Int64
        public let version: Int
        public let digest: String
        /// editing, confirmed, rejected, signed, finished
        public let state: String
        public let screenConnected: Bool
        /// The teller transaction the signed draft was booked as, once it is.
        public let transaction: String?
        /// Every required field there and every value valid: only then can the customer confirm.
        public let complete: Bool
        public let problems: [FieldProblem]
        /// The draft itself (form and values), for the teller's console when it is reloaded; only in answers to
        /// the teller asking for the session, not after each change (the console has what it just sent).
        public var form: String?
        public var values: [String: String]?

        enum CodingKeys: String, CodingKey {
            case session, version, digest, state, problems, transaction, form, values, complete
            case screenConnected = "screen_connected"
        }
    }

    let database: Database
    let catalogue: FormCatalogue
    let dataKey: DataKey
    let time: any TimeSource
    private let screens = Mutex<[Int: Screen]>([:])
    private let guesses = Mutex<[String: Guesses]>([:])
    /// The session each enrolled screen dropped out of, until it comes back.
    private let detached = Mutex<[Int64: Int64]>([:])
    private let drafts = Mutex<[Int64: Draft]>([:])
    private let nextScreen = Atomic<Int>(0)
    public static let pairingSeconds = 300

    public init(database: Database, catalogue: FormCatalogue, dataKey: DataKey, time: any TimeSource = SystemTime()) {
        self.database = database
        self.catalogue = catalogue
        self.dataKey = dataKey
        self.time = time
    }

    // MARK: Screens

    /// An enrolled screen came up (it proved it holds its key): it gets a 6-digit pairing code to show, valid for
    /// five minutes. If this same screen dropped out of an unfinished session (a reload, a language switch, the
    /// network), it is put back into that session instead: `resumed` names it, and ``resume(screen:)`` sends it
    /// where the customer was.
    public func connectScreen(device: ScreenDevice, sender: AsyncStream<String>.Continuation) -> (id: Int, code: String, resumed: Int64?) {
        let id = nextScreen.add(1, ordering: .relaxed).newValue
        let detachedSession = detached.withLock { $0.removeValue(forKey: device.id) }
        let resumed = detachedSession.flatMap { session in
            drafts.withLock { all -> Int64? in
                guard let draft = all[session], draft.state != "finished" else { return nil }
                all[session]?.screen = id
                return session
            }
        }
        let code = screens.withLock { all in
            let code = Self.freshCode(all)
            all[id] = Screen(
                device: device, sender: sender, code: code, codeExpires: .now + .seconds(Self.pairingSeconds), session: resumed)
            return code
        }
        return (id, code, resumed)
    }

    /// A resumed screen is told its session, shown the current view, and where the customer had got to.
    func resume(screen id: Int) {
        guard let screen = screens.withLock({ $0[id] }), let session = screen.session, let draft = drafts.withLock({ $0[session] }) else { return }
        screen.sender.yield(Self.message(["type": "paired", "session": Int(session), "teller": draft.teller, "resumed": true]))
        if draft.version > 0 {
            screen.sender.yield(
                Self.viewMessage(session: session, version: draft.version, digest: draft.digest, complete: draft.complete, json: draft.viewJSON))
            screen.sender.yield(Self.message(["type": "state", "state": draft.state, "version": draft.version]))
        }
    }

    static func freshCode(_ screens: [Int: Screen]) -> String {
        var code: String
        repeat { code = String(format: "%06d", Int.random(in: 0..<1_000_000)) } while screens.values.contains { $0.code == code }
        return code
    }

    /// The enrolled screen with this id, if it is still enrolled.
    public func enrolledScreen(_ id: Int64) async throws -> ScreenDevice? {
        try await database.read { tx in try await ScreenDeviceStore.active(id, in: tx) }
    }

    /// A removed screen is cut off at once: its connections on this instance close.
    func disconnectDevice(_ device: Int64) {
        let senders = screens.withLock { all in all.values.filter { $0.device.id == device }.map(\.sender) }
        for sender in senders {
            sender.yield(Self.error("counter.screen_not_enrolled", "this screen is no longer enrolled / 本屏已被注销登记"))
            sender.finish()
        }
    }

    /// The screen went away: its session and draft stay (the teller's work is not lost, and the same enrolled
    /// screen coming back resumes them); abandoned ones leave memory after ``draftLifetime``.
    public func disconnectScreen(_ id: Int) {
        guard let screen = screens.withLock({ $0.removeValue(forKey: id) }), let session = screen.session else { return }
        detached.withLock { $0[screen.device.id] = session }
    }

    /// Finished, or abandoned for longer than ``draftLifetime``: memory is not the record, the database is.
    func forget(_ session: Int64? = nil) {
        let now = ContinuousClock.now
        drafts.withLock { all in
            if let session { all.removeValue(forKey: session) }
            all = all.filter { now - $0.value.opened < Self.draftLifetime }
        }
    }

    /// What one pairing attempt found, decided in one critical section so concurrent guesses cannot slip past the
    /// limit and two right guesses cannot both pair.
    enum Attempt {
        case locked
        case noScreen
        /// The code the screen showed had expired; it shows a new one now (not counted as a guess).
        case expired([(AsyncStream<String>.Continuation, String)])
        case wrong(failures: Int, lockedNow: Bool, renewed: [(AsyncStream<String>.Continuation, String)])
        /// The screen is reserved for this teller until the session is stored (or given back).
        case matched(Int, Screen)
    }

    /// The teller at `terminal` types the code their screen shows. Only the screen enrolled for that terminal of
    /// the teller's branch can be paired; wrong codes are audited and cut off after ``pairingGuesses``.
    public func pair(code: String, user: UserIdentity, terminal: String?) async throws -> DraftState {
        guard user.role == .teller else { throw AppError(.forbidden, code: "auth.forbidden", "only tellers pair with a customer screen") }
        guard let terminal else { throw AppError(.badRequest, code: "counter.no_terminal", "sign in with your terminal to pair its screen") }
        let place = "\(user.branch)/\(terminal)"
        switch attempt(code: code, branch: user.branch, terminal: terminal) {
        case .locked:
            throw AppError(
                .tooManyRequests, code: "counter.pairing_locked",
                "too many wrong pairing codes at terminal \(terminal); wait a few minutes and type the new code the screen shows / 配对码错误次数过多，请稍候输入客户屏上的新配对码"
            )
        case .noScreen:
            throw AppError(
                .conflict, code: "counter.no_screen",
                "no enrolled customer screen of terminal \(terminal) is waiting to pair (is it on, and enrolled?) / 本终端没有等待配对的已登记客户屏")
        case .expired(let renewed):
            Self.show(renewed, terminal: terminal)
            throw AppError(
                .notFound, code: "counter.pairing_expired", "that code expired; type the new code the screen shows / 配对码已过期，请输入客户屏上的新配对码")
        case .wrong(let failures, let lockedNow, let renewed):
            try await auditWrongCode(place: place, terminal: terminal, user: user, failures: failures, lockedNow: lockedNow)
            Self.show(renewed, terminal: terminal)
            throw AppError(.notFound, code: "counter.bad_pairing", "that is not the code the screen shows / 配对码不正确")
        case .matched(let screenID, let screen):
            let at = time.now()
            let session: Int64
            do {
                session = try await database.transaction { tx in
                    let session = try await CounterStore.openSession(
                        teller: user.id, branch: user.branch, terminal: terminal, device: screen.device.id, at: at, in: tx)
                    try await AuditLog.append(
                        AuditEvent(
                            actor: user.id, branch: user.branch, terminal: terminal, action: "counter.paired", subject: "counter:\(session)",
                            payload: ["screen": .integer(screen.device.id)]), in: tx)
                    return session
                }
            } catch {
                screens.withLock { $0[screenID]?.reserved = false }
                throw error
            }
            let claimed = screens.withLock { all -> Bool in
                guard all[screenID] != nil else { return false }
                all[screenID]?.reserved = false
                all[screenID]?.session = session
                return true
            }
            guard claimed else { throw AppError(.conflict, code: "counter.no_screen", "the screen went away while pairing / 客户屏已断开") }
            forget()
            drafts.withLock { $0[session] = Draft(teller: user.id, branch: user.branch, terminal: terminal, screen: screenID) }
            screen.sender.yield(Self.message(["type": "paired", "session": Int(session), "teller": user.displayName]))
            return try state(session, user: user)
        }
    }

    func attempt(code: String, branch: String, terminal: String) -> Attempt {
        let now = ContinuousClock.now
        let place = "\(branch)/\(terminal)"
        return screens.withLock { all in
            guesses.withLock { guesses -> Attempt in
                if let entry = guesses[place], now - entry.since >= Self.pairingWindow { guesses[place] = nil }
                if guesses[place]?.locked == true { return .locked }
                let waiting = all.filter {
                    $0.value.device.branch == branch && $0.value.device.terminal == terminal && $0.value.session == nil && !$0.value.reserved
                }
                guard !waiting.isEmpty else { return .noScreen }
                if let (id, screen) = waiting.first(where: { $0.value.code == code }) {
                    guard screen.codeExpires > now else { return .expired(Self.renew(&all, ids: [id])) }
                    all[id]?.reserved = true
                    guesses[place] = nil
                    return .matched(id, screen)
                }
                var entry = guesses[place] ?? Guesses(since: now)
                entry.failures += 1
                let lockedNow = entry.failures >= Self.pairingGuesses
                if lockedNow {
                    entry.locked = true
                    entry.since = now
                }
                guesses[place] = entry
                // Locked: the screens show new codes, so the guesses made so far tell nothing about the next one.
                return .wrong(failures: entry.failures, lockedNow: lockedNow, renewed: lockedNow ? Self.renew(&all, ids: Array(waiting.keys)) : [])
            }
        }
    }

    static func renew(_ all: inout [Int: Screen], ids: [Int]) -> [(AsyncStream<String>.Continuation, String)] {
        ids.compactMap { id in
            guard let sender = all[id]?.sender else { return nil }
            let code = freshCode(all)
            all[id]?.code = code
            all[id]?.codeExpires = .now + .seconds(pairingSeconds)
            return (sender, code)
        }
    }

    /// The code a free screen shows for the teller to type.
    static func pairingMessage(code: String, terminal: String, screen: Int64? = nil) -> String {
        var fields: [String: any Sendable] = ["type": "pairing", "code": code, "expires_in": pairingSeconds, "terminal": terminal]
        if let screen { fields["screen"] = Int(screen) }
        return message(fields)
    }

    static func show(_ renewed: [(AsyncStream<String>.Continuation, String)], terminal: String) {
        for (sender, code) in renewed {
            sender.yield(pairingMessage(code: code, terminal: terminal))
        }
    }

    /// A wrong code is audited; the one that reaches the limit also audits the lock (once per lock).
    func auditWrongCode(place: String, terminal: String, user: UserIdentity, failures: Int, lockedNow: Bool) async throws {
        try await database.transaction { tx in
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "counter.pairing_failed", subject: "terminal:\(place)",
                    payload: ["failures": .integer(Int64(failures))]), in: tx)
            if lockedNow {
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, terminal: terminal, action: "counter.pairing_locked", subject: "terminal:\(place)",
                        payload: ["failures": .integer(Int64(failures)), "seconds": .integer(Int64(Self.pairingWindow.components.seconds))]),
                    in: tx)
            }
        }
    }

    // MARK: The draft

    /// A change the teller keyed: the values are checked (missing fields are fine while typing), the view is
    /// rebuilt, and if it differs from what the screen shows, the screen gets it and any earlier confirmation no
    /// longer counts.
    public func updateDraft(_ session: Int64, form formID: String, values: [String: String], user: UserIdentity) throws -> DraftState {
        let form = try catalogue.form(formID)
        let today = VoucherDesk.chinaToday(time.now())
        let (valid, problems) = form.checkWhileTyping(values, filledBy: [.customer, .teller], today: today)
        // Complete: every required field there and every value valid. Only a complete draft can be confirmed — an
        // invalid value (a fee of "5x") would otherwise vanish from the view the customer confirms and be booked
        // blank.
        let complete = (try? form.check(values, filledBy: [.customer, .teller], today: today)) != nil
        let view = ConfirmationView(form: form, values: valid)
        let json = try Self.canonical(view)
        let digest = SHA256.hash(data: Data(json.utf8)).hexString
        let (changed, screen, version) = try drafts.withLock { all -> (Bool, Int, Int) in
            guard var draft = all[session], draft.teller == user.id else { throw Self.noSession(session) }
            // Booked is booked: what the customer signed is what the approval and the commit bind to.
            guard draft.transaction == nil, !draft.booking else { throw Self.booked(session, draft.transaction) }
            guard draft.digest != digest || draft.complete != complete else { return (false, draft.screen, draft.version) }
            draft.version += 1
            draft.complete = complete
            draft.formID = form.id
            draft.values = valid
            draft.view = view
            draft.viewJSON = json
            draft.digest = digest
            draft.state = "editing"
            all[session] = draft
            return (true, draft.screen, draft.version)
        }
        if changed, let sender = screens.withLock({ $0[screen]?.sender }) {
            sender.yield(Self.viewMessage(session: session, version: version, digest: digest, complete: complete, json: json))
        }
        return try state(session, user: user, problems: problems)
    }

    public func state(_ session: Int64, user: UserIdentity, problems: [FieldProblem] = [], withDraft: Bool = false) throws -> DraftState {
        guard let draft = drafts.withLock({ $0[session] }), draft.teller == user.id else { throw Self.noSession(session) }
        let connected = screens.withLock { $0[draft.screen]?.session == session }
        var state = DraftState(
            session: session, version: draft.version, digest: draft.digest, state: draft.state, screenConnected: connected,
            transaction: draft.transaction, complete: draft.complete, problems: problems)
        if withDraft && !draft.formID.isEmpty {
            state.form = draft.formID
            state.values = draft.values
        }
        return state
    }

    // MARK: The session's end without a voucher

    /// The teller's unfinished sessions at `terminal` on this instance (a console opened afresh finds its work).
    public func openSessions(user: UserIdentity, terminal: String?) -> [DraftState] {
        let sessions = drafts.withLock { all in
            all.filter { $0.value.teller == user.id && $0.value.terminal == terminal && $0.value.state != "finished" }.keys.sorted()
        }
        return sessions.compactMap { try? state($0, user: user) }
    }

    /// The teller ends a session that was not booked (the customer left, the wrong form): recorded and audited, and
    /// the screen is cleared and shows a new pairing code. A booked session goes on to its commit or its rejection.
    public func cancel(_ session: Int64, user: UserIdentity) async throws {
        let draft = try drafts.withLock { all -> Draft in
            guard let draft = all[session], draft.teller == user.id, draft.state != "finished" else { throw Self.noSession(session) }
            guard draft.transaction == nil, !draft.booking else { throw Self.booked(session, draft.transaction) }
            all[session]?.state = "finished"
            return draft
        }
        let at = time.now()
        do {
            try await database.transaction { tx in
                try await CounterStore.closeSession(session, at: at, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: draft.branch, terminal: draft.terminal, action: "counter.cancelled", subject: "counter:\(session)",
                        payload: ["draft_version": .integer(Int64(draft.version)), "state": .string(draft.state)]), in: tx)
            }
        } catch {
            drafts.withLock { if $0[session]?.state == "finished" { $0[session]?.state = draft.state } }
            throw error
        }
        forget(session)
        detached.withLock { all in all = all.filter { $0.value != session } }
        release(screen: draft.screen, from: session, first: Self.message(["type": "cancelled", "session": Int(session)]))
    }

    // MARK: The customer's answer

    /// The screen answers for the view it shows, naming its version and digest; an answer to anything but the
    /// current view is refused (`counter.stale_confirmation`) and the screen is sent the current one again.
    public func answer(screen screenID: Int, decision: String, version: Int, digest: String, statement: SignedStatement) async -> String {
        guard ["confirm", "reject"].contains(decision) else { return Self.error("counter.bad_answer", "answer confirm or reject") }
        guard let (device, session) = screens.withLock({ all in all[screenID].flatMap { s in s.session.map { (s.device, $0) } } }),
            let draft = drafts.withLock({ $0[session] })
        else {
            return Self.error("counter.not_paired", "this screen is not paired with a teller")
        }
        guard draft.version == version, draft.digest == digest, draft.version > 0 else {
            if draft.version > 0 {
                screens.withLock { $0[screenID]?.sender }?.yield(
                    Self.viewMessage(session: session, version: draft.version, digest: draft.digest, complete: draft.complete, json: draft.viewJSON))
            }
            return Self.error("counter.stale_confirmation", "the teller changed the transaction; please check it again")
        }
        guard draft.state == "editing" else { return Self.error("counter.already_answered", "this view was already answered") }
        guard draft.complete || decision == "reject" else {
            return Self.error("counter.incomplete", "the teller is still completing this form; please wait / 柜员仍在填写，请稍候")
        }
        let at = time.now()
        let signed: ScreenStatement
        do {
            signed = try statement.check(
                device: device, session: session, version: version, decision: decision == "confirm" ? .confirm : .reject, viewSHA256: digest,
                strokesSHA256: nil, now: at)
        } catch {
            return await refused(error, device: device, session: session, draft: draft)
        }
        do {
            let box = try dataKey.seal(Array(draft.viewJSON.utf8), context: "counter:\(session):\(version)")
            try await database.transaction { tx in
                _ = try await CounterStore.recordConfirmation(
                    session: session, version: version, decision: decision, digest: Array(Self.bytes(hex: digest)), keyID: dataKey.id,
                    viewCiphertext: box, statement: (signed.text, signed.signature), at: at, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: "customer", branch: draft.branch, terminal: draft.terminal,
                        action: decision == "confirm" ? "counter.confirmed" : "counter.rejected", subject: "counter:\(session)",
                        payload: [
                            "teller": .string(draft.teller), "form": .string(draft.view?.form ?? ""), "draft_version": .integer(Int64(version)),
                            "view_sha256": .string(digest), "screen": .integer(device.id),
                        ]),
                    in: tx)
            }
        } catch {
            return Self.error("counter.not_recorded", "the answer could not be recorded; please try again")
        }
        let recorded = drafts.withLock { all -> Bool in
            guard all[session]?.version == version, all[session]?.digest == digest else { return false }
            all[session]?.state = decision == "confirm" ? "confirmed" : "rejected"
            return true
        }
        // The teller changed the draft while the answer was being written: the record stands (it is what the
        // customer saw), but it no longer covers the draft.
        guard recorded else { return Self.error("counter.stale_confirmation", "the teller changed the transaction; please check it again") }
        return Self.message(["type": "recorded", "decision": decision, "version": version, "digest": digest])
    }

    // MARK: The signature

    /// The customer's handwriting for the view they confirmed (its version and digest): checked for ink, kept
    /// encrypted with its digest, audited; the teller sees the draft as signed. Nothing else can be signed.
    public func sign(screen screenID: Int, version: Int, digest: String, strokes: [[SignatureInk.Point]], statement: SignedStatement) async
        -> String
    {
        guard let (device, session) = screens.withLock({ all in all[screenID].flatMap { s in s.session.map { (s.device, $0) } } }),
            let draft = drafts.withLock({ $0[session] })
        else {
            return Self.error("counter.not_paired", "this screen is not paired with a teller")
        }
        guard draft.version == version, draft.digest == digest, draft.state == "confirmed" else {
            return Self.error("counter.not_confirmed", "only the transaction you confirmed, as it stands, can be signed")
        }
        do {
            try SignatureInk.check(strokes)
        } catch {
            switch error {
            case .tooLittleInk: return Self.error("counter.too_little_ink", "please sign with your full signature")
            case .malformed(let reason): return Self.error("counter.bad_strokes", reason)
            }
        }
        let canonical = SignatureInk.canonical(strokes)
        let strokesDigest = Array(SHA256.hash(data: canonical))
        let points = strokes.reduce(0) { $0 + $1.count }
        let at = time.now()
        let signed: ScreenStatement
        do {
            signed = try statement.check(
                device: device, session: session, version: version, decision: .sign, viewSHA256: digest, strokesSHA256: strokesDigest.hexString,
                now: at)
        } catch {
            return await refused(error, device: device, session: session, draft: draft)
        }
        do {
            let box = try dataKey.seal(canonical, context: Self.strokesContext(session: session, version: version))
            try await database.transaction { tx in
                try await CounterStore.recordSignature(
                    session: session, version: version, viewDigest: Self.bytes(hex: digest), strokesSHA256: strokesDigest, points: points,
                    keyID: dataKey.id, ciphertext: box, statement: (signed.text, signed.signature), at: at, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: "customer", branch: draft.branch, terminal: draft.terminal, action: "counter.signature_captured",
                        subject: "counter:\(session)",
                        payload: [
                            "draft_version": .integer(Int64(version)), "view_sha256": .string(digest), "points": .integer(Int64(points)),
                            "strokes": .integer(Int64(strokes.count)),
                            "strokes_sha256": .string(strokesDigest.hexString), "screen": .integer(device.id),
                        ]),
                    in: tx)
            }
        } catch {
            return Self.error("counter.not_recorded", "the signature could not be recorded; please sign again")
        }
        drafts.withLock { all in
            if all[session]?.version == version {
                all[session]?.state = "signed"
            }
        }
        return Self.message(["type": "signed", "version": version])
    }

    /// A statement the enrolled screen sent that was not taken: audited (only a paired, enrolled screen gets this
    /// far, so these are few, and each says something is wrong with the screen), and told to the screen.
    func refused(_ refusal: SignedStatement.Refusal, device: ScreenDevice, session: Int64, draft: Draft) async -> String {
        try? await database.transaction { tx in
            try await AuditLog.append(
                AuditEvent(
                    actor: "screen:\(device.id)", branch: draft.branch, terminal: draft.terminal, action: "counter.statement_refused",
                    subject: "counter:\(session)", payload: ["code": .string(refusal.code), "screen": .integer(device.id)]),
                in: tx)
        }
        return Self.error(refusal.code, refusal.message)
    }

    /// What the captured strokes' encrypted box is bound to: it opens for this session's signed version only.
    static func strokesContext(session: Int64, version: Int) -> String { "counter:\(session):\(version):strokes" }

    // MARK: Booking

    /// What the customer signed, for booking it: the form, the confirmed values, and the version and digest of the
    /// view they confirmed. Marks the draft as being booked; ``booked(_:version:transaction:submission:)`` or
    /// ``bookingFailed(_:)`` must follow.
    struct Signed {
        let formID: String
        let values: [String: String]
        let version: Int
        let digest: String
    }

    func beginBooking(_ session: Int64, user: UserIdentity) throws -> Signed {
        try drafts.withLock { all in
            guard var draft = all[session], draft.teller == user.id else { throw Self.noSession(session) }
            guard draft.transaction == nil, !draft.booking else { throw Self.booked(session, draft.transaction) }
            guard draft.state == "signed" else {
                throw AppError(.conflict, code: "counter.not_signed", "the customer has not confirmed and signed this transaction (\(draft.state))")
            }
            draft.booking = true
            all[session] = draft
            return Signed(formID: draft.formID, values: draft.values, version: draft.version, digest: draft.digest)
        }
    }

    func booked(_ session: Int64, transaction: String, submission: TransactionSubmission) {
        drafts.withLock { all in
            all[session]?.booking = false
            all[session]?.transaction = transaction
            all[session]?.submission = submission
        }
    }

    func bookingFailed(_ session: Int64) {
        drafts.withLock { $0[session]?.booking = false }
    }

    /// The booked transaction and the submission it binds, for the commit.
    func booking(_ session: Int64, user: UserIdentity) throws -> (transaction: String, submission: TransactionSubmission) {
        guard let draft = drafts.withLock({ $0[session] }), draft.teller == user.id else { throw Self.noSession(session) }
        guard let transaction = draft.transaction, let submission = draft.submission else {
            throw AppError(.conflict, code: "counter.not_booked", "book the signed transaction first")
        }
        return (transaction, submission)
    }

    // MARK: After the signature

    /// The signed version the voucher is made for (from its committed transaction and the captured strokes, both
    /// read back from the database). Only a signed draft, and only once: the session is then finished.
    /// Nil when this instance holds no draft of the teller's for the session (after a restart, or the draft is on
    /// another instance): the database then says what was booked.
    func takeSigned(_ session: Int64, user: UserIdentity) throws -> Int? {
        try drafts.withLock { all in
            guard var draft = all[session], draft.teller == user.id else { return nil }
            guard draft.state == "signed" else {
                throw AppError(.conflict, code: "counter.not_signed", "the customer has not confirmed and signed this transaction (\(draft.state))")
            }
            draft.state = "finished"
            all[session] = draft
            return draft.version
        }
    }

    /// Gives the signed draft back when making the voucher failed, so the teller can try again.
    func restoreSigned(_ session: Int64) {
        drafts.withLock { all in
            if all[session]?.state == "finished" { all[session]?.state = "signed" }
        }
    }

    /// Tells the screen where the customer's receipt is, and frees it for the next customer: it gets a new pairing
    /// code at once (the customer's receipt stays on it until they are done or the next customer is paired).
    func sendReceipt(_ session: Int64, path: String, voucher: String) {
        guard let screenID = drafts.withLock({ $0[session]?.screen }) else { return }
        release(screen: screenID, from: session, first: Self.message(["type": "receipt", "path": path, "voucher": voucher]))
    }

    /// The session is over on `screenID` (a receipt, a cancellation): the screen is told `first`, then is free for
    /// the next customer with a new pairing code. Nothing happens if the screen has moved on.
    func release(screen screenID: Int, from session: Int64, first: String) {
        let freed = screens.withLock { all -> (AsyncStream<String>.Continuation, [(AsyncStream<String>.Continuation, String)], String)? in
            guard let screen = all[screenID], screen.session == session else { return nil }
            all[screenID]?.session = nil
            return (screen.sender, Self.renew(&all, ids: [screenID]), screen.device.terminal)
        }
        guard let (sender, renewed, terminal) = freed else { return }
        sender.yield(first)
        Self.show(renewed, terminal: terminal)
    }

    // MARK: Helpers

    static func noSession(_ session: Int64) -> AppError {
        AppError(.notFound, code: "counter.no_session", "no counter session \(session) of yours on this instance")
    }

    static func booked(_ session: Int64, _ transaction: String?) -> AppError {
        AppError(
            .conflict, code: "counter.booked",
            "counter session \(session) was booked as transaction \(transaction ?? "(in progress)"); it no longer changes")
    }

    /// A view as the screen gets it. The view's JSON is the last member, byte for byte what its digest covers (the
    /// screen hashes it itself); `complete` says whether it may be confirmed yet.
    static func viewMessage(session: Int64, version: Int, digest: String, complete: Bool, json: String) -> String {
        #"{"type":"view","session":\#(session),"version":\#(version),"digest":"\#(digest)","complete":\#(complete),"view":\#(json)}"#
    }

    static func canonical(_ view: ConfirmationView) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(view), as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    static func message(_ fields: [String: any Sendable]) -> String {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// An error for the screen: the code, the particulars, and what the code means in both languages.
    static func error(_ code: String, _ text: String) -> String {
        var fields: [String: any Sendable] = ["type": "error", "code": code, "message": text]
        if let meaning = ErrorCatalogue.text(code) { fields["text"] = ["zh": meaning.zh, "en": meaning.en] }
        return message(fields)
    }
}
