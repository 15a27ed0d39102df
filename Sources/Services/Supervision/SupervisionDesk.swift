public import Accounts
import Audit
import Counter
import Forms
import Foundation
public import Kernel
public import Storage

/// Post-transaction supervision (事后监督, issue #18, part 4): auditors search transactions, read one transaction's
/// whole story (its evidence page), draw random samples of a day to review, and raise findings that the branch
/// answers and the auditor closes. Reading a transaction's evidence opens the customer's data, so each reading is
/// itself an audit event; samples and findings are written by the database's functions (migration 0041), each
/// with its audit event in the same transaction.
public struct SupervisionDesk: Sendable {
    let database: Database
    let dataKey: DataKey
    let time: any TimeSource
    /// Describes the rules a transaction matched in the words of the rule set that judged it.
    let authorization: AuthorizationDesk
    /// Checks the password each recorded step is confirmed with.
    let signIn: SignInProtection

    public init(database: Database, dataKey: DataKey, time: any TimeSource, authorization: AuthorizationDesk, signIn: SignInProtection) {
        (self.database, self.dataKey, self.time, self.authorization, self.signIn) = (database, dataKey, time, authorization, signIn)
    }

    static func requireAuditor(_ user: UserIdentity) throws {
        guard user.role == .auditor else {
            throw SupervisionError(.forbidden, "post-transaction supervision is the auditors' / 事后监督仅限稽核人员")
        }
    }

    // MARK: Search

    public func search(_ query: SearchQuery, user: UserIdentity) async throws -> SearchPage {
        try Self.requireAuditor(user)
        let filter = try query.filter(today: VoucherDesk.chinaToday(time.now()))
        let found = try await database.read { try await TransactionSearch.find(filter, in: $0) }
        let next = found.count == filter.limit ? found.last.map { TransactionCursor(submittedMicros: $0.submittedMicros, id: $0.id) } : nil
        return SearchPage(transactions: found.map(SearchPage.Row.init), next: next?.description)
    }

    // MARK: Evidence

    /// The evidence page of transaction `id`. Its records are read in one snapshot (so the chain heads agree with the
    /// events), and the reading is recorded in the audit trail before anything is shown.
    public func evidence(_ id: String, user: UserIdentity, terminal: String?) async throws -> TransactionEvidence {
        try Self.requireAuditor(user)
        guard SearchQuery.isTransactionID(id) else { throw SupervisionError(.transactionNotFound, "there is no transaction \(id) / 没有该交易") }
        let (records, customer, findings) = try await database.snapshot { tx in
            guard let records = try await EvidenceStore.read(transaction: id, in: tx) else {
                throw SupervisionError(.transactionNotFound, "there is no transaction \(id) / 没有该交易")
            }
            return (
                records, try await CounterStore.customerSide(transaction: id, in: tx),
                try await Findings.list(state: nil, branch: nil, transaction: id, before: nil, limit: 100, in: tx)
            )
        }
        try await database.transaction { tx in
            try await AuditLog.append(
                AuditEvent(actor: user.id, branch: user.branch, terminal: terminal, action: "evidence.viewed", subject: "txn:\(id)"), in: tx)
        }
        let judgedBy = try await authorization.ruleSet(version: records.facts.ruleSetVersion)
        // A record that does not open or match its digest is shown as such, not as a failed page: that is exactly
        // when the auditor needs the rest of the story.
        var opened: TransactionEvidence.Customer?
        var problems: [String] = []
        if let customer {
            do {
                let (view, strokes) = try CustomerSide.open(customer, transaction: id, dataKey: dataKey)
                opened = TransactionEvidence.Customer(view: view, strokes: strokes)
            } catch {
                problems.append("the customer's confirmation or signature does not open or match its digest")
            }
        }
        return TransactionEvidence(
            records, rules: records.facts.matchedRules.map { .init(id: $0, description: judgedBy?.describe($0) ?? $0) },
            customer: opened, counterSession: customer != nil, problems: problems, findings: findings.map(FindingView.init))
    }

    // MARK: Samples

    public func drawSample(day: String, branch: String?, size: Int, by acting: ActingUser) async throws -> SampleView {
        let user = acting.user
        try Self.requireAuditor(user)
        guard CivilDate(iso: day) != nil else { throw SupervisionError(.badQuery, "day is YYYY-MM-DD / 日期格式为 YYYY-MM-DD") }
        guard (1...200).contains(size) else { throw SupervisionError(.badQuery, "a sample has 1 to 200 transactions / 抽样笔数为 1–200") }
        if let branch { try SearchQuery.checkCode(branch, name: "branch") }
        try await acting.confirm(database, protection: signIn)
        return try await Self.refusals {
            try await database.transaction { tx in
                let id = try await AuditSamples.draw(
                    token: acting.token.value, password: acting.password, day: day, branch: branch, size: size, in: tx)
                guard let sample = try await AuditSamples.sample(id, in: tx) else { throw SupervisionError(.sampleNotFound, "sample \(id) vanished") }
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, terminal: acting.terminal, action: "sample.drawn", subject: "sample:\(id)",
                        payload: [
                            "day": .string(day), "branch": branch.map { .string($0) } ?? .null, "requested": .integer(Int64(size)),
                            "transactions": .array(sample.items.map { .string($0.transaction) }),
                        ]), in: tx)
                return SampleView(sample)
            }
        }
    }

    public func reviewed(sample: Int64, transaction: String, by acting: ActingUser) async throws -> SampleView {
        let user = acting.user
        try Self.requireAuditor(user)
        guard SearchQuery.isTransactionID(transaction) else { throw SupervisionError(.sampleItem, "\(transaction) was not drawn / 该交易不在此抽样中") }
        try await acting.confirm(database, protection: signIn)
        return try await Self.refusals {
            try await database.transaction { tx in
                try await AuditSamples.review(token: acting.token.value, password: acting.password, sample: sample, transaction: transaction, in: tx)
                try await AuditLog.append(
                    AuditEvent(
                        actor: user.id, branch: user.branch, terminal: acting.terminal, action: "sample.reviewed", subject: "sample:\(sample)",
                        payload: ["transaction": .string(transaction)]), in: tx)
                guard let found = try await AuditSamples.sample(sample, in: tx) else {
                    throw SupervisionError(.sampleNotFound, "no sample \(sample)")
                }
                return SampleView(found)
            }
        }
    }

    public func samples(user: UserIdentity) async throws -> [SampleView] {
        try Self.requireAuditor(user)
        return try await database.read { try await AuditSamples.recent(limit: 20, in: $0) }.map(SampleView.init)
    }

    // MARK: Findings

    public func raise(transaction: String, description: String, by acting: ActingUser) async throws -> FindingView {
        try Self.requireAuditor(acting.user)
        try Self.checkText(description, name: "description")
        guard SearchQuery.isTransactionID(transaction) else {
            throw SupervisionError(.transactionNotFound, "there is no transaction \(transaction) / 没有该交易")
        }
        return try await step(acting, text: description) { tx in
            (
                "finding.raised",
                try await Findings.raise(
                    token: acting.token.value, password: acting.password, transaction: transaction, description: description, in: tx)
            )
        }
    }

    public func answer(finding id: Int64, answer: String, by acting: ActingUser) async throws -> FindingView {
        guard acting.user.role == .supervisor else {
            throw SupervisionError(.forbidden, "a finding is answered by its branch's supervisor / 差错由所属网点主管答复")
        }
        try Self.checkText(answer, name: "answer")
        return try await step(acting, text: answer) { tx in
            try await Findings.answer(token: acting.token.value, password: acting.password, id: id, answer: answer, in: tx)
            return ("finding.answered", id)
        }
    }

    /// Closes a finding (an answered one; an open one is withdrawn), or returns its answer to the branch.
    public func conclude(finding id: Int64, close: Bool, note: String, by acting: ActingUser) async throws -> FindingView {
        try Self.requireAuditor(acting.user)
        try Self.checkText(note, name: "note")
        return try await step(acting, text: note) { tx in
            let step = try await Findings.conclude(
                token: acting.token.value, password: acting.password, id: id, close: close, note: note, in: tx)
            return ("finding.\(step)", id)
        }
    }

    /// Auditors see every finding; a branch's supervisor sees their branch's.
    public func findings(state: Finding.State?, before: Int64?, user: UserIdentity) async throws -> [FindingView] {
        let branch: String?
        switch user.role {
        case .auditor: branch = nil
        case .supervisor: branch = user.branch
        default: throw SupervisionError(.forbidden, "findings are the auditors' and the branches' supervisors' / 差错仅限稽核人员和网点主管")
        }
        return try await database.read {
            try await Findings.list(state: state, branch: branch, transaction: nil, before: before, limit: 50, in: $0)
        }.map(FindingView.init)
    }

    /// One step of a finding (its audit action and the finding's id, from `body`) and its audit event, in one
    /// transaction, after the password is confirmed.
    private func step(_ acting: ActingUser, text: String, _ body: @Sendable (Transaction) async throws -> (String, Int64)) async throws
        -> FindingView
    {
        try await acting.confirm(database, protection: signIn)
        return try await Self.refusals {
            try await database.transaction { tx in
                let (action, id) = try await body(tx)
                guard let finding = try await Findings.finding(id, in: tx) else { throw SupervisionError(.findingNotFound, "no finding \(id)") }
                try await AuditLog.append(
                    AuditEvent(
                        actor: acting.user.id, branch: acting.user.branch, terminal: acting.terminal, action: action, subject: "finding:\(id)",
                        payload: ["transaction": .string(finding.transaction), "branch": .string(finding.branch), "text": .string(text)]), in: tx)
                return FindingView(finding)
            }
        }
    }

    static func checkText(_ text: String, name: String) throws {
        // Counted as PostgreSQL counts (code points), so what passes here passes its CHECK too.
        guard (1...2000).contains(text.unicodeScalars.count), !text.allSatisfy(\.isWhitespace),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        else {
            throw SupervisionError(.badQuery, "\(name) has 1 to 2000 characters, no control characters / 内容为 1–2000 字，不含控制字符")
        }
    }

    /// What the database refused, as the supervisor's or auditor's error.
    static func refusals<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError where error.constraint != nil {
            switch error.constraint {
            case "user_signed_in", "supervision_role", "user_password_change_required":
                throw SupervisionError(.forbidden, "not yours to do / 无权执行此操作")
            case "user_password_confirms":
                throw AccessError(
                    .passwordNotConfirmed,
                    "the database cannot confirm your password: have it set again (countersign users set-password) / 数据库无法确认您的密码，请重新设置")
            case "audit_finding_own_decision":
                throw SupervisionError(.ownDecision, "you decided on that transaction: another supervisor answers / 您曾授权该交易，请由其他主管答复")
            case "audit_finding_transaction": throw SupervisionError(.transactionNotFound, "there is no such transaction / 没有该交易")
            case "audit_finding_branch":
                throw SupervisionError(.findingNotFound, "no such finding for your branch / 本网点没有该差错")
            case "audit_finding_state", "audit_findings_steps":
                throw SupervisionError(.findingState, "the finding is not at that step / 该差错不在此处理环节")
            case "audit_sample_item_open":
                throw SupervisionError(.sampleItem, "not drawn in that sample, or reviewed already / 该交易不在此抽样中或已复核")
            case "audit_samples_branch_code_fkey": throw SupervisionError(.badQuery, "no such branch / 没有该网点")
            default: throw error
            }
        }
    }
}
