public import Accounts
import Storage

/// Who asks for a step that the database records as theirs (an administrative change, a finding, a sample): the
/// user, their session token, and their password typed again to confirm it — the service checks it first (throttled,
/// failures audited), and the database again against its own verifier (migration 0037) — with where they are, for
/// the sign-in throttle.
public struct ActingUser: Sendable {
    public let user: UserIdentity
    public let token: SessionToken
    public let password: String
    public let terminal: String?
    public let address: String

    public init(user: UserIdentity, token: SessionToken, password: String, terminal: String?, address: String) {
        (self.user, self.token, self.password, self.terminal, self.address) = (user, token, password, terminal, address)
    }

    /// The password checked as a confirmation (a failure counts towards the user's lockout and is audited).
    func confirm(_ database: Storage.Database, protection: SignInProtection) async throws {
        _ = try await CredentialCheck(database: database, protection: protection).verify(
            user: user.id, password: password, terminal: terminal, address: address, failure: .confirmation)
    }
}
