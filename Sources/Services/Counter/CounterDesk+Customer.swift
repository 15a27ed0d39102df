import Audit
public import Counter
import Crypto
import Foundation
import Kernel
import Storage

/// The customer's answer and signature, from the screen connected here, for the view the database says it shows.
extension CounterDesk {
    /// The paired session and its draft, for the screen on connection `screenID`.
    func pairedDraft(_ screenID: Int) async throws -> (ScreenDevice, DraftRecord) {
        guard let device = connections.device(of: screenID),
            let draft = try await repository.read({ tx -> DraftRecord? in
                guard let session = try await tx.screen(device.id)?.session else { return nil }
                return try await tx.draft(session)
            }), !draft.closed
        else { throw ScreenRefusal(.notPaired, "this screen is not paired with a teller") }
        return (device, draft)
    }

    /// The screen answers for the view it shows, naming its version and digest; an answer to anything but the
    /// current view is refused (`counter.stale_confirmation`; the screen has been sent the current one).
    public func answer(screen screenID: Int, decision answer: ScreenStatement.Decision, version: Int, digest: String, statement: SignedStatement)
        async -> String
    {
        guard answer != .sign else { return ToScreen.error(code: .badAnswer, message: "answer confirm or reject").text }
        let state: DraftState
        do {
            let (device, draft) = try await pairedDraft(screenID)
            guard draft.version == version, draft.digest?.hexString == digest, version > 0, let digestBytes = draft.digest else {
                throw ScreenRefusal(.staleConfirmation, "the teller changed the transaction; please check it again")
            }
            guard let next = draft.state.answered(answer) else {
                throw ScreenRefusal(.alreadyAnswered, "this view was already answered")
            }
            state = next
            guard draft.complete || answer == .reject else {
                throw ScreenRefusal(.incomplete, "the teller is still completing this form; please wait / 柜员仍在填写，请稍候")
            }
            let at = time.now()
            let signed: ScreenStatement
            do {
                signed = try statement.check(
                    device: device, session: draft.session, version: version, decision: answer,
                    viewSHA256: digest, strokesSHA256: nil, now: at)
            } catch {
                return await refused(error, device: device, draft: draft)
            }
            guard let view = try open(draft)?.view else { throw ScreenRefusal(.notRecorded, "the view is missing") }
            let box = try dataKey.seal(Array(view.utf8), context: "counter:\(draft.session):\(version)")
            try await repository.transaction { tx in
                try await self.stillShown(draft, state: .editing, in: tx)
                try await tx.recordConfirmation(
                    session: draft.session, version: version, decision: answer, digest: digestBytes, keyID: dataKey.id, viewCiphertext: box,
                    statement: (signed.text, signed.signature), at: at)
                try await tx.moveDraft(draft.session, version: version, to: state)
                try await tx.audit(
                    AuditEvent(
                        actor: "customer", branch: draft.branch, terminal: draft.terminal,
                        action: answer == .confirm ? "counter.confirmed" : "counter.rejected", subject: "counter:\(draft.session)",
                        payload: [
                            "teller": .string(draft.teller), "form": .string(draft.formID ?? ""), "draft_version": .integer(Int64(version)),
                            "view_sha256": .string(digest), "screen": .integer(device.id),
                        ]))
            }
        } catch let refusal as ScreenRefusal {
            return ToScreen.error(code: refusal.code, message: refusal.message).text
        } catch {
            return ToScreen.error(code: .notRecorded, message: "the answer could not be recorded; please try again").text
        }
        connections.answered(screenID, version: version, state: state)
        return ToScreen.recorded(decision: answer, version: version, digest: digest).text
    }

    /// Holds the draft row for the rest of the transaction and makes sure it is still the version read before (the
    /// teller may have changed it meanwhile, through any instance).
    func stillShown(_ draft: DraftRecord, state: DraftState, in tx: any CounterWork) async throws {
        guard let now = try await tx.draft(draft.session, lock: true), !now.closed, now.version == draft.version,
            now.digest == draft.digest
        else { throw ScreenRefusal(.staleConfirmation, "the teller changed the transaction; please check it again") }
        guard now.state == state else { throw ScreenRefusal(.alreadyAnswered, "this view was already answered") }
    }

    // MARK: The signature

    /// The customer's handwriting for the view they confirmed (its version and digest): checked for ink, kept
    /// encrypted with its digest, audited; the teller sees the draft as signed. Nothing else can be signed.
    public func sign(screen screenID: Int, version: Int, digest: String, strokes: [[SignatureInk.Point]], statement: SignedStatement) async
        -> String
    {
        do {
            let (device, draft) = try await pairedDraft(screenID)
            guard draft.version == version, draft.digest?.hexString == digest, let next = draft.state.signing, let digestBytes = draft.digest else {
                throw ScreenRefusal(.notConfirmed, "only the transaction you confirmed, as it stands, can be signed")
            }
            do {
                try SignatureInk.check(strokes)
            } catch {
                switch error {
                case .tooLittleInk: throw ScreenRefusal(.tooLittleInk, "please sign with your full signature")
                case .malformed(let reason): throw ScreenRefusal(.badStrokes, reason)
                }
            }
            let canonical = SignatureInk.canonical(strokes)
            let strokesDigest = Array(SHA256.hash(data: canonical))
            let points = strokes.reduce(0) { $0 + $1.count }
            let at = time.now()
            let signed: ScreenStatement
            do {
                signed = try statement.check(
                    device: device, session: draft.session, version: version, decision: .sign, viewSHA256: digest,
                    strokesSHA256: strokesDigest.hexString, now: at)
            } catch {
                return await refused(error, device: device, draft: draft)
            }
            let box = try dataKey.seal(canonical, context: Self.strokesContext(session: draft.session, version: version))
            try await repository.transaction { tx in
                try await self.stillShown(draft, state: .confirmed, in: tx)
                try await tx.recordSignature(
                    session: draft.session, version: version, viewDigest: digestBytes, strokesSHA256: strokesDigest, points: points,
                    keyID: dataKey.id, ciphertext: box, statement: (signed.text, signed.signature), at: at)
                try await tx.moveDraft(draft.session, version: version, to: next)
                try await tx.audit(
                    AuditEvent(
                        actor: "customer", branch: draft.branch, terminal: draft.terminal, action: "counter.signature_captured",
                        subject: "counter:\(draft.session)",
                        payload: [
                            "draft_version": .integer(Int64(version)), "view_sha256": .string(digest), "points": .integer(Int64(points)),
                            "strokes": .integer(Int64(strokes.count)),
                            "strokes_sha256": .string(strokesDigest.hexString), "screen": .integer(device.id),
                        ]))
            }
        } catch let refusal as ScreenRefusal {
            return ToScreen.error(code: refusal.code, message: refusal.message).text
        } catch {
            return ToScreen.error(code: .notRecorded, message: "the signature could not be recorded; please sign again").text
        }
        connections.answered(screenID, version: version, state: .signed)
        return ToScreen.signed(version: version).text
    }

    /// A statement the enrolled screen sent that was not taken: audited (only a paired, enrolled screen gets this
    /// far, so these are few, and each says something is wrong with the screen), and told to the screen.
    func refused(_ refusal: ScreenRefusal, device: ScreenDevice, draft: DraftRecord) async -> String {
        _ = try? await repository.transaction { tx in
            try await tx.audit(
                AuditEvent(
                    actor: "screen:\(device.id)", branch: draft.branch, terminal: draft.terminal, action: "counter.statement_refused",
                    subject: "counter:\(draft.session)", payload: ["code": .string(refusal.code.rawValue), "screen": .integer(device.id)]))
        }
        return ToScreen.error(code: refusal.code, message: refusal.message).text
    }

    /// What the captured strokes' encrypted box is bound to: it opens for this session's signed version only.
    static func strokesContext(session: Int64, version: Int) -> String { "counter:\(session):\(version):strokes" }
}
