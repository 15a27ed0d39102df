public import Accounts
import Forms
public import Storage

/// An auditor's search of the audit trail as it arrives (query parameters, all optional), checked into an
/// ``AuditEventFilter``: days as for transactions (the bank's, Beijing; today without `from`), and any of actor,
/// action, branch and subject.
public struct AuditTrailQuery: Sendable {
    public var from: String?
    public var to: String?
    public var actor: String?
    public var action: String?
    public var branch: String?
    public var subject: String?
    public var after: String?
    public var limit: String?

    public init() {}

    func filter(today: CivilDate) throws -> AuditEventFilter {
        var days = SearchQuery()
        (days.from, days.to, days.limit) = (from, to, limit)
        let range = try days.filter(today: today)
        var filter = AuditEventFilter(fromMicros: range.fromMicros, untilMicros: range.untilMicros, limit: range.limit)
        for (value, name) in [(actor, "actor"), (branch, "branch")] {
            if let value { try SearchQuery.checkCode(value, name: name) }
        }
        (filter.actor, filter.branch) = (actor, branch)
        if let action {
            guard action.utf8.count <= 64, action.wholeMatch(of: /[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+/) != nil else {
                throw SupervisionError(.badQuery, "action is an event's action such as session.login / 事件类型格式不正确")
            }
            filter.action = action
        }
        if let subject {
            guard (1...128).contains(subject.utf8.count), subject.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw SupervisionError(.badQuery, "subject is what an event is about, such as user:teller1 / 事件对象格式不正确")
            }
            filter.subject = subject
        }
        if let after {
            guard let cursor = AuditEventCursor(after), (filter.fromMicros...filter.untilMicros).contains(cursor.atMicros) else {
                throw SupervisionError(.badQuery, "after is the next value of the previous page / 翻页参数不正确")
            }
            filter.before = cursor
        }
        return filter
    }
}

/// A page of the audit trail: each event checked where it stands in its chain, and the next page's cursor.
public struct AuditTrailPage: Sendable, Encodable {
    let events: [TransactionEvidence.Event]
    let next: String?
}

extension SupervisionDesk {
    /// Audit events across every chain, newest first, each checked where it stands; read in one snapshot so that the
    /// chain heads agree with the events.
    public func searchTrail(_ query: AuditTrailQuery, user: UserIdentity) async throws -> AuditTrailPage {
        try Self.requireAuditor(user)
        let filter = try query.filter(today: VoucherDesk.chinaToday(time.now()))
        let found = try await database.snapshot { try await AuditEventSearch.find(filter, in: $0) }
        let next =
            found.events.count == filter.limit
            ? found.events.last.map { AuditEventCursor(atMicros: $0.record.time.microsecondsSinceEpoch, id: $0.id) } : nil
        return AuditTrailPage(
            events: TransactionEvidence.Event.checked(found.events.map(\.record), around: found.neighbours, heads: found.heads),
            next: next?.description)
    }
}
