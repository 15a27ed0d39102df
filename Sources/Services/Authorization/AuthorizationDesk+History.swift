import Authorization
import Foundation
public import Storage

extension AuthorizationDesk {
    /// A rule that matched the transaction, in the words of the rule set it was judged by ("zh · en").
    public struct MatchedRule: Sendable, Encodable {
        public let id: String
        public let description: String
    }

    /// What came before the request of `transaction` (its versions and the account's recent transactions), and
    /// why it needs authorization: the matched rules described by the rule set version that judged it — not by the
    /// rules in force now, which may have changed since.
    public func history(transaction: String) async throws -> (RequestHistory, [MatchedRule])? {
        guard let history = try await repository.history(transaction: transaction) else { return nil }
        let judgedBy = try await ruleSet(version: history.ruleSetVersion)
        let rules = history.matchedRules.map { MatchedRule(id: $0, description: judgedBy?.describe($0) ?? $0) }
        return (history, rules)
    }

    /// The rule set `version`: the one in force when it is that, otherwise as stored; nil when it cannot be read.
    func ruleSet(version: String) async throws -> RuleSet? {
        if rules.version == version { return rules }
        guard let source = try await repository.ruleSetSource(version: version) else { return nil }
        return try? RuleSet.parse(Data(source.utf8), file: "rule set \(version) in the database")
    }
}
