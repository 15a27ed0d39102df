public import Kernel

/// Where a teller's transaction stands (`teller_transactions.state`; the database's guards allow only the moves
/// migrations 0005 and 0014 describe). Decoded once where rows are read, so no desk compares strings.
public enum TransactionState: String, Codable, StoredWord {

    /// Submitted; the rules require authorization before it may be committed.
    case needsAuthorization = "needs_authorization"
    /// Submitted; needs no authorization, or has been approved.
    case ready
    case committed
    /// Rejected, withdrawn or expired: finished without a commit, never asked for again.
    case abandoned

    /// Still the teller's to finish (request authorization, commit, withdraw).
    public var isOpen: Bool { self == .needsAuthorization || self == .ready }
}

/// Where an authorization request stands (`authz_requests.state`).
public enum RequestState: String, Codable, StoredWord {

    case pending, claimed, approved, rejected, returned, expired, committed, withdrawn

    /// Still waiting for an officer or a decision.
    public var isOpen: Bool { self == .pending || self == .claimed }
}

/// What an officer decides on a claimed request.
public enum AuthorizationDecision: String, Codable, StoredWord {

    case approve, reject
    /// Back to the teller for more (material, a correction); the teller resubmits a new version.
    case `return`

    /// A rejection or a return must say why, in words the teller can act on.
    public var needsReason: Bool { self != .approve }
}

/// Whether an officer takes requests (`officer_presence.status`): only an online officer is offered or assigned
/// anything; a console that goes silent is set offline by the sweep.
public enum OfficerPresence: String, Codable, StoredWord {
    case online, paused, offline
}
