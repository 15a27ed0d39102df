public import Accounts
import Audit
import Authorization
import Foundation
import Kernel
public import Storage

/// The security administrators' desk (issue #18, part 1): a change of the directory — a new user, a deactivation, a
/// reactivation, a password reset — is proposed by one administrator and takes effect only when a second, different
/// one approves it. The database holds that rule (migrations 0035 and 0037: its functions know the administrator by
/// a live session and by their password, checked against a verifier the service's role cannot read); this desk checks
/// what a proposal says before it is stored, checks the password as a sign-in is, and writes each step's audit event
/// in the step's transaction.
public struct AdminDesk: Sendable {
    let database: Database
    /// The sign-in protection: an administrator's password confirming a step is throttled and audited as a sign-in is,
    /// and one-time passwords are hashed on its gate's threads, never on the cooperative pool.
    let signIn: SignInProtection
    /// The form catalogue's ids, when this instance has one: a seal is mapped only to forms that exist.
    let forms: Set<String>?

    public init(database: Database, signIn: SignInProtection, forms: Set<String>? = nil) {
        self.database = database
        self.signIn = signIn
        self.forms = forms
    }

    public typealias Acting = ActingUser

    /// A proposal as an administrator sends it: its kind, what it is about (a user id, a branch code, `BRANCH/TERMINAL`),
    /// and what it says (``AdminProposalShape``).
    public struct Proposal: Sendable, Decodable {
        public let kind: AdminChange.Kind
        public let target: String
        public let details: [String: AdminDetail]?

        public init(kind: AdminChange.Kind, target: String, details: [String: AdminDetail]?) {
            (self.kind, self.target, self.details) = (kind, target, details)
        }
    }

    /// A change as the administrators' list shows it.
    public struct ChangeView: Sendable, Encodable {
        public let id: Int64
        public let kind: AdminChange.Kind
        public let target: String
        public let details: [String: AdminDetail]
        public let proposedBy: String
        public let proposedAt: String
        public let state: AdminChange.State
        public let decidedBy: String?
        public let decidedAt: String?
        public let reason: String?

        init(_ change: AdminChange) {
            id = change.id
            kind = change.kind
            target = change.target
            var said = change.storedDetails
            // A rule set's source is its own document (the rules API shows it): the list names it by digest and size.
            if case .text(let source)? = said.removeValue(forKey: "source") { said["source_bytes"] = .number(Int64(source.utf8.count)) }
            details = said
            proposedBy = change.proposedBy
            proposedAt = change.proposedAt.description
            state = change.state
            decidedBy = change.decidedBy
            decidedAt = change.decidedAt?.description
            reason = change.reason
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, target, details, state, reason
            case proposedBy = "proposed_by"
            case proposedAt = "proposed_at"
            case decidedBy = "decided_by"
            case decidedAt = "decided_at"
        }
    }

    /// An approval's answer: the change as it now stands, and for a new user or a reset the one-time password the
    /// approver hands to the user (shown once, stored only as its hash; the user replaces it at their next sign-in).
    public struct Decided: Sendable, Encodable {
        public let change: ChangeView
        public let oneTimePassword: String?

        enum CodingKeys: String, CodingKey {
            case change
            case oneTimePassword = "one_time_password"
        }
    }

    public func propose(_ proposal: Proposal, by acting: Acting) async throws -> ChangeView {
        let user = acting.user
        try Self.requireAdministrator(user)
        var details = proposal.details ?? [:]
        try AdminProposalShape.check(proposal.kind, target: proposal.target, details: details)
        if proposal.kind == .activateRules, case .text(let source)? = details["source"] {
            details["sha256"] = .text(try Self.checkedRules(source, version: proposal.target))
        }
        if proposal.kind == .mapSeal, let forms, case .list(let named)? = details["forms"],
            let unknown = named.first(where: { $0 != "*" && !forms.contains($0) })
        {
            throw AdminError(.unknownForm, "no form \(unknown) in the catalogue / 凭证目录中没有 \(unknown)")
        }
        let text = String(decoding: try JSONEncoder.sorted.encode(details), as: UTF8.self)
        try await confirm(acting)
        return try await Self.refusals {
            try await database.transaction { tx in
                let id = try await AdminChanges.propose(
                    token: acting.token.value, password: acting.password, kind: proposal.kind, target: proposal.target, details: text, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, action: "admin.proposed", subject: "admin_change:\(id)",
                        payload: [
                            "kind": .string(proposal.kind.rawValue), "target": .string(proposal.target),
                            "details": .object(details.filter { $0.key != "source" }.mapValues(\.canonical)),
                        ]), in: tx)
                guard let change = try await AdminChanges.change(id, in: tx) else { throw AdminError(.unknownChange, "change \(id) vanished") }
                return ChangeView(change)
            }
        }
    }

    /// Approves (the change takes effect in the same transaction) or rejects change `id`.
    public func decide(_ id: Int64, approve: Bool, reason: String?, by acting: Acting) async throws -> Decided {
        let user = acting.user
        try Self.requireAdministrator(user)
        // Counted as PostgreSQL counts (code points), so what passes here passes its CHECK too.
        if let reason, reason.unicodeScalars.count > 200 { throw AdminError(.badChange, "a reason has at most 200 characters / 理由最多 200 字") }
        // Made before the transaction (hashing is slow on purpose); used only by a new user or a reset.
        try await confirm(acting)
        guard let proposed = try await database.read({ try await AdminChanges.change(id, in: $0) }) else {
            throw AdminError(.unknownChange, "no such change / 没有该变更")
        }
        // A rule set is loaded again before it is put in force: one the loader refuses would stop every instance.
        if approve, proposed.kind == .activateRules, let source = Self.ruleSource(proposed) {
            _ = try Self.checkedRules(source, version: proposed.target)
        }
        // Only a new user and a reset get a one-time password (hashing is slow on purpose).
        var oneTime: (password: String, hash: String)?
        if approve, proposed.kind == .createUser || proposed.kind == .resetPassword {
            let password = Self.oneTimePassword()
            oneTime = (password, try await signIn.hashing.run { try PasswordHash.make(password: password).encoded })
        }
        let password = oneTime?.password
        return try await Self.refusals {
            try await database.transaction { tx in
                let previous = proposed.kind == .activateRules ? try await RuleSetStore.active(in: tx)?.version : nil
                let decided = try await AdminChanges.decide(
                    token: acting.token.value, password: acting.password, id: id, approve: approve, reason: reason, oneTime: oneTime, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, action: approve ? "admin.approved" : "admin.rejected", subject: "admin_change:\(id)",
                        payload: [
                            "kind": .string(decided.kind.rawValue), "target": .string(decided.target), "proposed_by": .string(decided.proposedBy),
                            "reason": reason.map { .string($0) } ?? .null,
                        ]), in: tx)
                if approve, decided.kind == .activateRules {
                    // The rules' own history names every activation, whichever way it came.
                    try await AuditLog.append(
                        AuditEvent(
                            actor: user.id, action: "rules.activated", subject: "rules:\(decided.target)",
                            payload: [
                                "sha256": Self.ruleDigest(proposed).map { .string($0) } ?? .null, "previous": previous.map { .string($0) } ?? .null,
                                "admin_change": .integer(id), "proposed_by": .string(decided.proposedBy),
                            ]), in: tx)
                }
                guard let change = try await AdminChanges.change(id, in: tx) else { throw AdminError(.unknownChange, "change \(id) vanished") }
                let handsOver = approve && (decided.kind == .createUser || decided.kind == .resetPassword)
                return Decided(change: ChangeView(change), oneTimePassword: handsOver ? password : nil)
            }
        }
    }

    public func changes(state: AdminChange.State?, before: Int64?, limit: Int, user: UserIdentity) async throws -> [ChangeView] {
        try Self.requireAdministrator(user)
        return try await database.read { tx in
            try await AdminChanges.list(state: state, before: before, limit: max(1, min(limit, 200)), in: tx).map(ChangeView.init)
        }
    }

    /// A proposed rule set must load as the service loads rules, with the loader's words for what is wrong, and carry
    /// the target as its version. Returns its SHA-256 (hex), which the database checks too.
    static func checkedRules(_ source: String, version: String) throws(AdminError) -> String {
        let rules: RuleSet
        do {
            rules = try RuleSet.parse(Data(source.utf8), file: "the proposed rule set")
        } catch {
            throw AdminError(.badRules, error.description)
        }
        guard rules.version == version else {
            throw AdminError(.badRules, "the rule set says version \(rules.version), the proposal \(version) / 规则版本与提议不符")
        }
        return SHA256Hash.sha256(of: Array(source.utf8)).hex
    }

    /// One text detail of a change as stored (a rule set's `source` or `sha256`).
    static func text(_ key: String, of change: AdminChange) -> String? {
        guard case .text(let value)? = change.storedDetails[key] else { return nil }
        return value
    }

    static func ruleSource(_ change: AdminChange) -> String? { text("source", of: change) }
    static func ruleDigest(_ change: AdminChange) -> String? { text("sha256", of: change) }

    /// The rule text of a proposed `rules.activate` change, for the second administrator to read before approving.
    public func ruleSource(_ id: Int64, user: UserIdentity) async throws -> String {
        try Self.requireAdministrator(user)
        guard let change = try await database.read({ try await AdminChanges.change(id, in: $0) }), change.kind == .activateRules,
            let source = Self.ruleSource(change)
        else { throw AdminError(.unknownChange, "no proposed rule set with that id / 没有该规则提议") }
        return source
    }

    /// The administrator's password, typed again for this step: checked as a sign-in is (throttled; a wrong one is
    /// audited and counts towards the lockout).
    func confirm(_ acting: Acting) async throws { try await acting.confirm(database, protection: signIn) }

    static func requireAdministrator(_ user: UserIdentity) throws {
        guard user.role == .securityAdmin else {
            throw AdminError(.notAdministrator, "only a security administrator changes users / 仅安全管理员可变更用户")
        }
    }

    /// What the database refused, as the administrator's error.
    static func refusals<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError where error.constraint != nil {
            switch error.constraint {
            case "user_password_confirms":
                throw AccessError(
                    .passwordNotConfirmed,
                    "the database cannot confirm your password: have it set again (countersign users set-password) / 数据库无法确认您的密码，请重新设置")
            case "admin_proposal_expired":
                throw AdminError(
                    .proposalExpired, "proposed more than 72 hours ago: withdraw it and propose it again / 该变更提出已超过 72 小时，请撤回后重新提出")
            case "admin_proposer_gone":
                throw AdminError(.proposerGone, "the proposer is no longer an active security administrator / 提出人已不是在职安全管理员")
            case "admin_no_change": throw AdminError(.noChange, "that would change nothing / 该变更不会产生任何变化")
            case "admin_signed_in": throw AdminError(.notAdministrator, "only a signed-in security administrator changes users / 仅已登录的安全管理员可变更用户")
            case "admin_changes_four_eyes":
                throw AdminError(.fourEyes, "a second administrator approves what the first proposed / 须由另一名管理员复核批准")
            case "admin_not_own_account": throw AdminError(.ownAccount, "administrators do not change their own account / 管理员不能变更自己的账户")
            // Also a user added (by the owner's bootstrap) between the proposal and its approval.
            case "admin_rules_version_used":
                throw AdminError(.rulesVersionUsed, "that version was in force with other content: give the changed rules a new version / 请使用新版本号")
            case "admin_unknown_seal": throw AdminError(.unknownSeal, "no active seal by that id / 没有该有效印章")
            case "admin_user_busy":
                throw AdminError(.userBusy, "the user is at work (online, paused, or in an open counter session): change them later / 该用户正在工作，请稍后变更")
            case "admin_seal_overlap":
                throw AdminError(.sealOverlap, "another active seal of the branch already stamps one of these forms / 本网点已有其他印章用于这些凭证")
            case "admin_branch_exists", "branches_pkey": throw AdminError(.branchExists, "that branch code is taken / 该网点代码已存在")
            case "admin_user_exists", "users_pkey": throw AdminError(.userExists, "that user id is taken / 该用户编号已存在")
            case "admin_unknown_user": throw AdminError(.unknownUser, "no such user / 没有该用户")
            case "admin_unknown_branch": throw AdminError(.unknownBranch, "no such branch / 没有该网点")
            case "admin_bad_details": throw AdminError(.badChange, "the change's details do not fit its kind / 变更内容与类型不符")
            case "admin_changes_one_open":
                throw AdminError(.alreadyProposed, "the same change is already waiting for approval / 相同变更已在等待复核")
            case "admin_change_unknown": throw AdminError(.unknownChange, "no such change / 没有该变更")
            case "admin_change_decided": throw AdminError(.alreadyDecided, "that change was already decided / 该变更已处理")
            default: throw error
            }
        }
    }

    /// Sixteen characters from an alphabet without look-alikes (no 0/O, 1/l/I), meeting the password rules.
    public static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
            if PasswordPolicy.problems(candidate, user: "").isEmpty { return candidate }
        }
    }
}

extension AdminChange {
    /// The details as stored (the database made them from what ``AdminDetail`` encodes, so they decode back).
    var storedDetails: [String: AdminDetail] {
        (try? JSONDecoder().decode([String: AdminDetail].self, from: Data(details.utf8))) ?? [:]
    }
}

extension JSONEncoder {
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
