/// The interceptor's answer for one transaction, with what it saw, so the decision can be explained later.
public struct InterceptorDecision: Sendable, Equatable {
    public let required: Bool
    public let ruleSetVersion: String
    public let matchedRules: [String]
    public let facts: TransactionFacts
    /// Present when authorization is required: the strictest of every matching rule.
    public let requirement: RuleSet.Requirement?
}

/// Decides whether a transaction needs authorization. Pure: the same facts and rules give the same answer.
public struct Interceptor: Sendable {
    public let rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    public func decide(_ facts: TransactionFacts) -> InterceptorDecision {
        let matched = rules.rules.filter { matches($0.match, facts) }
        guard !matched.isEmpty else {
            return InterceptorDecision(required: false, ruleSetVersion: rules.version, matchedRules: [], facts: facts, requirement: nil)
        }
        return InterceptorDecision(
            required: true, ruleSetVersion: rules.version, matchedRules: matched.map(\.id), facts: facts,
            requirement: Self.strictest(matched.map(\.requirement)))
    }

    /// Several rules can apply (a large withdrawal after hours): the highest level, the most officers, only the
    /// modes every rule allows, all the material any rule asks for, and the shortest timeouts.
    static func strictest(_ requirements: [RuleSet.Requirement]) -> RuleSet.Requirement {
        let strictest = requirements.max { ($0.level, $0.officers) < ($1.level, $1.officers) }!
        var modes = requirements.reduce(Set(AuthorizationMode.allCases)) { $0.intersection($1.modes) }
        // Rules that share no mode fall back to the modes of the strictest rule, never to none.
        if modes.isEmpty { modes = Set(strictest.modes) }
        let officers = requirements.map(\.officers).max()!
        if officers > 1 { modes.remove(.local) }
        if modes.isEmpty { modes = [.central] }
        return RuleSet.Requirement(
            level: strictest.level, officers: officers, modes: modes.sorted(),
            material: Array(Set(requirements.flatMap(\.material))).sorted(),
            timeouts: RuleSet.Timeouts(
                unclaimedSeconds: requirements.map(\.timeouts.unclaimedSeconds).min()!,
                leaseSeconds: requirements.map(\.timeouts.leaseSeconds).min()!,
                tellerWaitSeconds: requirements.map(\.timeouts.tellerWaitSeconds).min()!))
    }

    private func matches(_ match: RuleSet.Match, _ facts: TransactionFacts) -> Bool {
        if let codes = match.codes, !codes.contains(facts.code) { return false }
        if let currencies = match.currencies, !currencies.contains(facts.currency) { return false }
        if let minimum = match.amountMinimum, facts.amountMinor < minimum { return false }
        if let maximum = match.amountMaximum, facts.amountMinor >= maximum { return false }
        if let bands = match.amountBands, !(bands[facts.currency]?.contains(facts.amountMinor) ?? false) { return false }
        if let types = match.accountTypes, !types.contains(facts.accountType) { return false }
        if let risks = match.customerRisks, !risks.contains(facts.customerRisk) { return false }
        if let channels = match.channels, !channels.contains(facts.channel) { return false }
        if let outside = match.outsideBusinessHours, outside == rules.businessHours.contains(facts.minuteOfDay) { return false }
        return true
    }
}
