public import Accounts
import Audit
public import Kernel
public import Storage

/// What guards every typed password: the throttle that slows and locks out guessing (its counts shared by every
/// instance), and the gate that bounds how much of this instance's CPU password hashing may take. Shared by sign-in
/// and local-mode authorization, so a supervisor's password is protected the same way wherever it is typed.
public final class SignInProtection: Sendable {
    public let throttle: SignInThrottle
    public let hashing: BlockingWorkGate

    public init(throttle: SignInThrottle = SignInThrottle(), hashing: BlockingWorkGate = .passwordHashing()) {
        self.throttle = throttle
        self.hashing = hashing
    }

    public convenience init(time: any TimeSource) {
        self.init(throttle: SignInThrottle(time: time))
    }
}

/// A user's own password, checked the same way wherever it is typed: at sign-in, and when a supervisor authorizes
/// at a teller's terminal (local mode). Throttled per user and per address before any hashing; unknown users cost
/// the same time as known ones; every failure is an audit event, and so is every lockout (once).
public struct CredentialCheck: Sendable {
    let database: Database
    let protection: SignInProtection

    public init(database: Database, protection: SignInProtection) {
        self.database = database
        self.protection = protection
    }

    /// What a failure is recorded and answered as.
    public struct Failure: Sendable {
        public let action: String
        public let code: AccessErrorCode
        public let message: String

        public static let login = Failure(action: "session.login_failed", code: .invalidCredentials, message: "unknown user or wrong password")
        /// A signed-in user confirming a step with their password (an administrative change).
        public static let confirmation = Failure(
            action: "session.confirmation_failed", code: .passwordNotConfirmed, message: "that is not your password / 密码不正确")
    }

    /// The shape of a user id and a password, before anything is looked up or hashed.
    public static func validate(user: String, password: String) throws {
        let idOK =
            !user.isEmpty && user.utf8.count <= 64
            && user.utf8.allSatisfy { $0.isASCIIAlphanumeric || [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")].contains($0) }
        guard idOK else { throw AccessError(.invalidUser, "user must be 1–64 characters of a–z, 0–9, '.', '-', '_'") }
        guard !password.isEmpty, password.utf8.count <= 256 else {
            throw AccessError(.invalidPassword, "password must be 1–256 bytes")
        }
    }

    /// The user whose password this is, or — after recording `failure` in the audit trail — a 401 with its code;
    /// a 429 without hashing anything while the user or the address is slowed down or locked out.
    public func verify(user id: String, password: String, terminal: String?, address: String, failure: Failure = .login) async throws -> UserIdentity
    {
        try Self.validate(user: id, password: password)
        // Admitted (and counted as a failure) or refused before any hashing; the row locks end with this transaction.
        let (attempt, candidate) = try await database.transaction { tx -> (SignInThrottle.Attempt, (UserIdentity, PasswordHash)?) in
            switch try await protection.throttle.admit(user: id, address: address, in: tx) {
            case .refused(let seconds, let locked):
                throw locked
                    ? AccessError(
                        .locked, "too many wrong passwords: sign-in is locked for \(seconds) s / 密码错误次数过多，已锁定 \(seconds) 秒",
                        retryAfterSeconds: seconds)
                    : AccessError(
                        .slowDown, "wrong password; wait \(seconds) s before the next try / 密码错误，请 \(seconds) 秒后再试",
                        retryAfterSeconds: seconds)
            case .admitted(let attempt):
                return (attempt, try await Directory.loginCandidate(userID: id, in: tx))
            }
        }
        let stored = candidate?.1 ?? Self.decoyHash
        let matches = try await protection.hashing.run { stored.matches(password) }
        guard let (user, _) = candidate, matches else {
            let failed = AuditEvent(
                actor: "anonymous", branch: candidate?.0.branch, terminal: terminal, action: failure.action, subject: "user:\(id)")
            let locked = attempt.lockouts.compactMap { lockout -> AuditEvent? in
                guard case .started(let key, let seconds) = lockout else { return nil }
                return AuditEvent(
                    actor: "system", branch: candidate?.0.branch, terminal: terminal, action: "session.locked_out", subject: key,
                    payload: ["seconds": .integer(seconds), "after": .string(failure.action)])
            }
            try await database.transaction { tx in try await AuditLog.append(all: [failed] + locked, in: tx) }
            throw AccessError(failure.code, failure.message)
        }
        try await database.transaction { try await protection.throttle.succeeded(user: id, attempt: attempt, in: $0) }
        return user
    }

    /// A fixed hash to spend the same time on when the user does not exist.
    private static let decoyHash = PasswordHash(
        encoded: "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
}
