import Accounts
import Audit
import NIOPosix
import Storage

/// A user's own password, checked the same way wherever it is typed: at sign-in, and when a supervisor authorizes
/// at a teller's terminal (local mode). Unknown users cost the same time as known ones, and every failure is an
/// audit event.
struct CredentialCheck: Sendable {
    let database: Database

    /// What a failure is recorded and answered as.
    struct Failure: Sendable {
        let action: String
        let code: String
        let message: String

        static let login = Failure(action: "session.login_failed", code: "auth.invalid_credentials", message: "unknown user or wrong password")
    }

    /// The shape of a user id and a password, before anything is looked up or hashed.
    static func validate(user: String, password: String) throws {
        let idOK =
            !user.isEmpty && user.utf8.count <= 64
            && user.utf8.allSatisfy { $0.isASCIIAlphanumeric || [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")].contains($0) }
        guard idOK else { throw AppError(.badRequest, code: "auth.invalid_user", "user must be 1–64 characters of a–z, 0–9, '.', '-', '_'") }
        guard !password.isEmpty, password.utf8.count <= 256 else {
            throw AppError(.badRequest, code: "auth.invalid_password", "password must be 1–256 bytes")
        }
    }

    /// The user whose password this is, or — after recording `failure` in the audit trail — a 401 with its code.
    func verify(user id: String, password: String, terminal: String?, failure: Failure = .login) async throws -> UserIdentity {
        try Self.validate(user: id, password: password)
        let candidate = try await database.read { try await Directory.loginCandidate(userID: id, in: $0) }
        let stored = candidate?.1 ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { stored.matches(password) }
        guard let (user, _) = candidate, matches else {
            try await database.transaction { tx in
                try await AuditLog.append(
                    AuditEvent(actor: "anonymous", branch: candidate?.0.branch, terminal: terminal, action: failure.action, subject: "user:\(id)"),
                    in: tx)
            }
            throw AppError(.unauthorized, code: failure.code, failure.message)
        }
        return user
    }

    /// A fixed hash to spend the same time on when the user does not exist.
    private static let decoyHash = PasswordHash(
        encoded: "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
}
