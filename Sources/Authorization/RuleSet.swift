import Foundation

/// Authorization rules as versioned data (`Rules/authorization-rules.json`): when a transaction needs
/// authorization, at which level, by how many officers, in which modes, with which material, and its timeouts.
public struct RuleSet: Sendable, Equatable {
    public let version: String
    /// Business hours in the rule set's time zone, as minutes since midnight [start, end).
    public let businessHours: ClosedRange<Int>
    public let utcOffsetMinutes: Int
    /// The words a submission may use; anything else is refused before the rules are consulted.
    public let vocabulary: Vocabulary
    public let rules: [Rule]

    /// The description of rule `id` ("zh · en"), or the id itself when there is no such rule.
    public func describe(_ id: String) -> String { rules.first { $0.id == id }?.description ?? id }

    public struct Vocabulary: Sendable, Equatable {
        public let transactionCodes: Set<String>
        /// Currencies with two decimals (minor units are hundredths).
        public let currencies: Set<String>
        public let accountTypes: Set<String>
        public let customerRisks: Set<String>
        public let channels: Set<String>
    }

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
        /// Bands per currency (`amounts` in the file): a currency without a band does not match. This is how one
        /// rule covers foreign-currency amounts — a USD 80,000 withdrawal is held to its own USD band, not let
        /// through because the CNY band does not apply.
        public var amountBands: [String: Band]?
        public var accountTypes: Set<String>?
        public var customerRisks: Set<String>?
        public var channels: Set<String>?
        public var outsideBusinessHours: Bool?
    }

    /// [minimum, below) in minor units of one currency; nil bounds are open.
    public struct Band: Sendable, Equatable {
        public let minimum: Int64?
        public let below: Int64?

        public init(minimum: Int64?, below: Int64?) {
            self.minimum = minimum
            self.below = below
        }

        public func contains(_ amount: Int64) -> Bool {
            (minimum.map { amount >= $0 } ?? true) && (below.map { amount < $0 } ?? true)
        }
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

extension RuleSet.Requirement: Codable {
    enum CodingKeys: String, CodingKey {
        case level, officers, modes, material, timeouts
    }
}

extension RuleSet.Timeouts: Codable {
    enum CodingKeys: String, CodingKey {
        case unclaimedSeconds = "unclaimed_seconds"
        case leaseSeconds = "lease_seconds"
        case tellerWaitSeconds = "teller_wait_seconds"
    }
}
