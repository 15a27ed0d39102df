/// Submitting, authorizing, committing and withdrawing transactions.
public typealias AuthorizationError = Refusal<AuthorizationErrorCode>

public enum AuthorizationErrorCode: String, CaseIterable, Sendable {
    // The authorization request
    case notFound = "authz.not_found"
    case alreadyClaimed = "authz.already_claimed"
    case notPending = "authz.not_pending"
    case noClaim = "authz.no_claim"
    case leaseExpired = "authz.lease_expired"
    case staleView = "authz.stale_view"
    case withdrawn = "authz.withdrawn"
    case notRequired = "authz.not_required"
    case notReturned = "authz.not_returned"
    case notApproved = "authz.not_approved"
    case tooManyVersions = "authz.too_many_versions"
    case modeNotAllowed = "authz.mode_not_allowed"
    case localOnly = "authz.local_only"
    /// Local mode without the supervisor's user, password and decision.
    case localCredentials = "authz.local_credentials"
    case localTerminal = "authz.local_terminal"
    case materialNotFound = "authz.material_not_found"
    case badPresence = "authz.bad_presence"
    case badDigest = "authz.bad_digest"
    case badDecision = "authz.bad_decision"
    case badReason = "authz.bad_reason"
    case reasonRequired = "authz.reason_required"
    // The transaction
    case transactionNotFound = "txn.not_found"
    case alreadyCommitted = "txn.already_committed"
    case cannotReplace = "txn.cannot_replace"
    case factsFromDirectory = "txn.facts_from_directory"
    case finished = "txn.finished"
    case noSubject = "txn.no_subject"
    case notOpen = "txn.not_open"
    case payloadChanged = "txn.payload_changed"
    case unknownAccount = "txn.unknown_account"
    case withdrawReason = "txn.withdraw_reason"
}
