public import Accounts
import Audit
import Kernel
import Storage

/// The teller pairs their terminal with its customer screen by typing the code the screen shows.
extension CounterDesk {
    /// What one pairing attempt found. The whole attempt is one database transaction holding the terminal's guess
    /// count and the screen's row, so concurrent guesses on any instances cannot slip past the limit and two right
    /// guesses cannot both pair.
    enum Attempt: Sendable {
        case locked
        case noScreen
        /// The code the screen showed had expired; it shows a new one now (not counted as a guess).
        case expired
        case wrong
        case paired(Int64)
    }

    /// The teller at `terminal` types the code their screen shows. Only the screen enrolled for that terminal of
    /// the teller's branch can be paired; wrong codes are audited and cut off after ``pairingGuesses``.
    public func pair(code: String, user: UserIdentity, terminal: String?) async throws -> DraftView {
        guard user.role == .teller else { throw AccessError(.forbidden, "only tellers pair with a customer screen") }
        guard let terminal else { throw CounterError(.noTerminal, "sign in with your terminal to pair its screen") }
        let at = time.now()
        let outcome = try await repository.transaction { tx in try await self.attempt(code: code, user: user, terminal: terminal, at: at, in: tx) }
        switch outcome {
        case .locked:
            throw CounterError(
                .pairingLocked,
                "too many wrong pairing codes at terminal \(terminal); wait a few minutes and type the new code the screen shows / 配对码错误次数过多，请稍候输入客户屏上的新配对码"
            )
        case .noScreen:
            throw CounterError(
                .noScreen,
                "no enrolled customer screen of terminal \(terminal) is waiting to pair (is it on, and enrolled?) / 本终端没有等待配对的已登记客户屏")
        case .expired:
            throw CounterError(.pairingExpired, "that code expired; type the new code the screen shows / 配对码已过期，请输入客户屏上的新配对码")
        case .wrong:
            throw CounterError(.badPairing, "that is not the code the screen shows / 配对码不正确")
        case .paired(let session):
            return try await state(session, user: user)
        }
    }

    func attempt(code: String, user: UserIdentity, terminal: String, at: Timestamp, in tx: any CounterWork) async throws -> Attempt {
        let place = "\(user.branch)/\(terminal)"
        let guesses = try await tx.guesses(
            branch: user.branch, terminal: terminal, at: at, windowSeconds: Self.pairingWindowSeconds)
        if guesses.locked { return .locked }
        guard let device = try await tx.activeScreen(branch: user.branch, terminal: terminal),
            let screen = try await tx.screen(device.id, lock: true), screen.session == nil, screen.connected
        else { return .noScreen }
        if ConstantTime.equal(Array(screen.code.utf8), Array(code.utf8)) {
            guard screen.codeExpires > at else {
                try await tx.renewCode(
                    device.id, code: Self.freshCode(), expires: Self.later(at, seconds: Self.pairingSeconds))
                return .expired
            }
            let session = try await tx.openSession(
                teller: user.id, branch: user.branch, terminal: terminal, device: device.id, at: at)
            try await tx.openDraft(session)
            try await tx.pair(device.id, session: session)
            try await tx.saveGuesses(branch: user.branch, terminal: terminal, failures: 0, since: at, locked: false)
            try await tx.audit(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "counter.paired", subject: "counter:\(session)",
                    payload: ["screen": .integer(device.id)]))
            return .paired(session)
        }
        let failures = guesses.failures + 1
        let lockedNow = failures >= Self.pairingGuesses
        try await tx.saveGuesses(
            branch: user.branch, terminal: terminal, failures: failures, since: lockedNow ? at : guesses.since, locked: lockedNow)
        try await tx.audit(
            AuditEvent(
                actor: user.id, branch: user.branch, terminal: terminal, action: "counter.pairing_failed", subject: "terminal:\(place)",
                payload: ["failures": .integer(Int64(failures))]))
        if lockedNow {
            // Locked: the screen shows a new code, so the guesses made so far tell nothing about the next one.
            try await tx.renewCode(device.id, code: Self.freshCode(), expires: Self.later(at, seconds: Self.pairingSeconds))
            try await tx.audit(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "counter.pairing_locked", subject: "terminal:\(place)",
                    payload: ["failures": .integer(Int64(failures)), "seconds": .integer(Int64(Self.pairingWindowSeconds))]))
        }
        return .wrong
    }
}
