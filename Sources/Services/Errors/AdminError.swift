/// Administration under dual control (issue #18): what a proposal or a decision is refused with.
public typealias AdminError = Refusal<AdminErrorCode>

public enum AdminErrorCode: String, CaseIterable, Sendable {
    /// Only a signed-in security administrator proposes or decides (the database checks the session itself).
    case notAdministrator = "admin.not_administrator"
    /// The administrator who proposed a change does not approve it.
    case fourEyes = "admin.four_eyes"
    /// An administrator neither proposes nor decides changes of their own account.
    case ownAccount = "admin.own_account"
    case badChange = "admin.bad_change"
    case userExists = "admin.user_exists"
    case branchExists = "admin.branch_exists"
    /// The proposed rule set does not load (the loader's message says where), or its version is not the target.
    case badRules = "admin.bad_rules"
    /// That rule-set version was in force before with other content: changed rules take a new version.
    case rulesVersionUsed = "admin.rules_version_used"
    case unknownSeal = "admin.unknown_seal"
    /// Another active seal of the branch already stamps one of these forms.
    case sealOverlap = "admin.seal_overlap"
    case unknownForm = "admin.unknown_form"
    /// The user is at work (an officer online or paused, a teller in an open counter session): change them later.
    case userBusy = "admin.user_busy"
    case unknownUser = "admin.unknown_user"
    case unknownBranch = "admin.unknown_branch"
    /// The same kind of change for the same user is already waiting for its second administrator.
    case alreadyProposed = "admin.already_proposed"
    case unknownChange = "admin.unknown_change"
    /// The administrator who proposed the change was deactivated (or lost the role) before it was approved.
    case proposerGone = "admin.proposer_gone"
    /// Proposed more than 72 hours ago: withdrawn and proposed again, not approved (migration 0049).
    case proposalExpired = "admin.proposal_expired"
    /// Deactivating an inactive user, reactivating an active one.
    case noChange = "admin.no_change"
    case alreadyDecided = "admin.already_decided"
}
