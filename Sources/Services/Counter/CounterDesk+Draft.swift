public import Accounts
import Audit
import Counter
import Crypto
import Forms
import Foundation
import Kernel
import Storage

/// The draft the teller keys, and the end of a session.
extension CounterDesk {
    /// A change the teller keyed: the values are checked (missing fields are fine while typing), the view is
    /// rebuilt, and if it differs from what the screen shows, it is stored as the next version — the database
    /// announces it, the screen is sent it, and any earlier confirmation no longer counts.
    public func updateDraft(_ session: Int64, form formID: String, values: [String: String], user: UserIdentity) async throws -> DraftView {
        let form = try catalogue.form(formID)
        let today = VoucherDesk.chinaToday(time.now())
        let (valid, problems) = form.checkWhileTyping(values, filledBy: [.customer, .teller], today: today)
        // Complete: every required field there and every value valid. Only a complete draft can be confirmed — an
        // invalid value (a fee of "5x") would otherwise vanish from the view the customer confirms and be booked
        // blank.
        let complete = (try? form.check(values, filledBy: [.customer, .teller], today: today)) != nil
        let json = try Self.canonical(ConfirmationView(form: form, values: valid))
        let digest = Array(SHA256.hash(data: Data(json.utf8)))
        let content = try JSONEncoder().encode(DraftContent(values: valid, view: json))
        do {
            // A draft is working state, not evidence: its commit need not wait for the disk (see the repository).
            return try await repository.transaction(durable: false) { tx in
                // The row stays locked until the commit: two changes racing (two tabs, two instances) are stored one
                // after the other.
                guard let draft = try await tx.draft(session, lock: true), draft.teller == user.id, !draft.closed else {
                    throw Self.noSession(session)
                }
                // Booked is booked: what the customer signed is what the approval and the commit bind to.
                guard draft.transaction == nil else { throw Self.booked(session, draft.transaction) }
                guard draft.digest != digest || draft.complete != complete else { return Self.state(draft, problems: problems) }
                let version = draft.version + 1
                let box = try dataKey.seal(Array(content), context: Self.draftContext(session: session, version: version))
                guard
                    try await tx.saveDraft(
                        session, version: version, complete: complete, formID: form.id, keyID: dataKey.id, ciphertext: box, digest: digest)
                else { throw Self.noSession(session) }
                return DraftView(
                    session: session, version: version, digest: digest.hexString, state: .editing, screenConnected: draft.screenConnected,
                    transaction: nil, complete: complete, problems: problems)
            }
        } catch let error as StorageError where error.constraint == "counter_draft_booked" {
            throw Self.booked(session, nil)
        } catch let error as StorageError where error.constraint == "counter_draft_open" {
            throw Self.noSession(session)
        }
    }

    /// The teller's session as it stands; `withDraft` adds the form and values (a console opened afresh).
    public func state(_ session: Int64, user: UserIdentity, withDraft: Bool = false) async throws -> DraftView {
        let draft = try await ownDraft(session, user: user)
        var state = Self.state(draft)
        if withDraft, let content = try open(draft), let form = draft.formID {
            state.form = form
            state.values = content.values
        }
        return state
    }

    static func state(_ draft: DraftRecord, problems: [FieldProblem] = []) -> DraftView {
        DraftView(
            session: draft.session, version: draft.version, digest: draft.digest?.hexString ?? "", state: draft.state,
            screenConnected: draft.screenConnected, transaction: draft.transaction, complete: draft.complete, problems: problems)
    }

    /// The teller's own open session's draft (an ended session is no one's to see or change at the counter).
    func ownDraft(_ session: Int64, user: UserIdentity) async throws -> DraftRecord {
        guard let draft = try await repository.read({ try await $0.draft(session) }), draft.teller == user.id,
            !draft.closed
        else { throw Self.noSession(session) }
        return draft
    }

    /// The teller's open sessions at `terminal` (a console opened afresh, on any instance, finds its work).
    public func openSessions(user: UserIdentity, terminal: String?) async throws -> [DraftView] {
        guard let terminal else { return [] }
        return try await repository.read { tx in
            var states: [DraftView] = []
            for session in try await tx.openSessions(teller: user.id, terminal: terminal) {
                if let draft = try await tx.draft(session) { states.append(Self.state(draft)) }
            }
            return states
        }
    }

    // MARK: The session's end

    /// The teller ends a session that was not booked (the customer left, the wrong form), or whose transaction the bank
    /// rejected or the teller withdrew: recorded and audited, and the screen tells the customer (not approved, or
    /// cancelled), is cleared and shows a new pairing code. A booked session otherwise goes on to its commit.
    public func cancel(_ session: Int64, user: UserIdentity) async throws {
        let at = time.now()
        do {
            try await repository.transaction { tx in
                guard let draft = try await tx.draft(session, lock: true), draft.teller == user.id, !draft.closed else {
                    throw Self.noSession(session)
                }
                // Booked: it goes on to its commit — unless the bank rejected it or the teller withdrew it, and then the
                // session ends here too.
                var rejected = false
                if let transaction = draft.transaction {
                    let booked = try await tx.bookedTransaction(session: session, version: draft.version)
                    guard booked?.state == .abandoned else { throw Self.booked(session, transaction) }
                    rejected = try await !tx.wasWithdrawn(transaction)
                }
                try await self.end(session, device: draft.device, receipt: nil, rejected: rejected, at: at, in: tx)
                try await tx.audit(
                    AuditEvent(
                        actor: user.id, branch: draft.branch, terminal: draft.terminal, action: "counter.cancelled", subject: "counter:\(session)",
                        payload: [
                            "draft_version": .integer(Int64(draft.version)), "state": .string(draft.state.rawValue),
                            "transaction": draft.transaction.map { .string($0) } ?? .null,
                        ]))
            }
        } catch let error as StorageError where error.constraint == "counter_session_booked" {
            // Booked by another tab or instance while this cancellation waited for the draft.
            throw Self.booked(session, nil)
        }
    }

    /// The session is over (a receipt, a cancellation), in the caller's transaction: it is closed, and its screen
    /// is told how it ended and then shows a new pairing code for the next customer.
    func end(_ session: Int64, device: Int64?, receipt: ScreenReceipt?, rejected: Bool = false, at: Timestamp, in tx: any CounterWork)
        async throws
    {
        if let device {
            let box = try receipt.map { try dataKey.seal(Array(try JSONEncoder().encode($0)), context: Self.receiptContext(session: session)) }
            try await tx.release(
                device, from: session, how: receipt != nil ? .receipt : rejected ? .rejected : .cancelled, keyID: box == nil ? nil : dataKey.id,
                ciphertext: box,
                code: Self.freshCode(), expires: Self.later(at, seconds: Self.pairingSeconds))
        }
        try await tx.closeSession(session, at: at)
    }
}
