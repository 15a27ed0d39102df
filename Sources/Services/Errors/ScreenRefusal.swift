/// What a customer's screen is told when its message is not taken (over its WebSocket, never as an HTTP status):
/// the screen shows the code's words and, where it can, resends the current view.
public typealias ScreenRefusal = Refusal<ScreenRefusalCode>

public enum ScreenRefusalCode: String, CaseIterable, Sendable {
    case helloRequired = "counter.hello_required"
    case screenNotEnrolled = "counter.screen_not_enrolled"
    case badAnswer = "counter.bad_answer"
    case notPaired = "counter.not_paired"
    /// The teller changed the transaction: the answer named an older view (the current one has been sent).
    case staleConfirmation = "counter.stale_confirmation"
    case alreadyAnswered = "counter.already_answered"
    case incomplete = "counter.incomplete"
    case notConfirmed = "counter.not_confirmed"
    case tooLittleInk = "counter.too_little_ink"
    case badStrokes = "counter.bad_strokes"
    case notRecorded = "counter.not_recorded"
    case noPreview = "counter.no_preview"
    // The screen's signed statement (issue #15)
    case statementRequired = "counter.statement_required"
    case badStatement = "counter.bad_statement"
    case statementMismatch = "counter.statement_mismatch"
    case statementTime = "counter.statement_time"
}

/// What a console's push connection is told when it is refused or ended.
public enum PushRefusalCode: String, CaseIterable, Sendable {
    case helloRequired = "push.hello_required"
    case invalidToken = "auth.invalid_token"
    case sessionEnded = "auth.session_ended"
    /// The session was left unused past its role's idle limit (issue #18, part 2).
    case sessionIdle = "auth.session_idle"
    /// The user signed in with a password an administrator gave and has not replaced it yet: no feed until then.
    case passwordChangeRequired = "auth.password_change_required"
    /// Only the centre's supervisors and auditors watch the queue.
    case forbidden = "auth.forbidden"
}
