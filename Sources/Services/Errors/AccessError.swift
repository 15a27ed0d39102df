/// Who may do what, and signing in.
public typealias AccessError = Refusal<AccessErrorCode>

public enum AccessErrorCode: String, CaseIterable, Sendable {
    /// Signed in, but the role may not do this.
    case forbidden = "auth.forbidden"
    case invalidUser = "auth.invalid_user"
    case invalidPassword = "auth.invalid_password"
    case invalidCredentials = "auth.invalid_credentials"
    /// A supervisor's password typed at a teller's terminal (local mode) was wrong. The same code as a local-mode
    /// request that brought no credentials at all (``AuthorizationErrorCode/localCredentials``), answered as 401.
    case localCredentialsRefused = "authz.local_credentials"
    /// A signed-in user's password, typed again to confirm a step (an administrative change), was wrong; or the
    /// database could not confirm it. 403, not 401: the session itself goes on.
    case passwordNotConfirmed = "auth.password_not_confirmed"
    case locked = "auth.locked"
    case slowDown = "auth.slow_down"
}
