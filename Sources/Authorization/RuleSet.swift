public import Foundation

/// Authorization rules as versioned data (`Rules/authorization-rules.json`): when a transaction needs
/// authorization, at which level, by how many officers, in which modes, with which material, and its timeouts.
public struct RuleSet: Sendable, Equatable {
    public let version: String
    /// Business hours in the rule set's time zone, as minutes since midnight [start, end).
    public let businessHours: ClosedRange<Int>
    public let utcOffsetMinutes: Int
    public let rules: [Rule]

    public struct Rule: Sendable, Equatable {
        public let id: String
        public let description: String
        public let match: Match
        public let requirement: Requirement
    }

    /// Every condition that is present must hold; an absent one matches anything.
    public struct Match: Sendable, Equatable {
        public var codes: Set<String>?
        public var currencies: Set<String>?
        /// [minimum, maximum) in minor units; nil bounds are open.
        public var amountMinimum: Int64?
        public var amountMaximum: Int64?
        public var accountTypes: Set<String>?
        public var customerRisks: Set<String>?
        public var channels: Set<String>?
        public var outsideBusinessHours: Bool?
    }

    public struct Requirement: Sendable, Equatable {
        public let level: Int
        public let officers: Int
        public let modes: [AuthorizationMode]
        public let material: [String]
        public let timeouts: Timeouts
    }

    public struct Timeouts: Sendable, Equatable {
        /// Unclaimed this long → offered wider (cross-branch → central).
        public let unclaimedSeconds: Int
        /// A claim lasts this long without a decision, then the request returns to the pool.
        public let leaseSeconds: Int
        /// The teller is told after waiting this long.
        public let tellerWaitSeconds: Int
    }
}

/// The four ways a request reaches an officer, narrowest first.
public enum AuthorizationMode: String, Sendable, Codable, CaseIterable, Comparable {
    case local
    case crossTerminal = "cross-terminal"
    case crossBranch = "cross-branch"
    case central

    public static func < (lhs: AuthorizationMode, rhs: AuthorizationMode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
