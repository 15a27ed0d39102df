public import Authorization
import Foundation
public import Storage
import Synchronization

/// The authorization rules this instance judges by: those in force in the database when it started, replaced by
/// the database's when the owner activates another version. The database refuses a transaction judged by rules
/// no longer in force (migration 0020); the desk then reloads them here and judges again, so a running instance
/// follows an activation at its next transaction, without a restart.
public final class RulesInForce: Sendable {
    private let current: Mutex<Interceptor>

    public init(_ rules: RuleSet) {
        current = Mutex(Interceptor(rules: rules))
    }

    public var interceptor: Interceptor { current.withLock { $0 } }
    public var rules: RuleSet { interceptor.rules }

    /// Reads the rules in force from the database; nil when none are (the database refuses every transaction then).
    public static func load(_ database: Database) async throws -> RuleSet? {
        guard let stored = try await database.read({ try await RuleSetStore.active(in: $0) }) else { return nil }
        return try RuleSet.parse(Data(stored.source.utf8), file: "rule set \(stored.version) in the database")
    }

    /// Replaces the rules with those in force now (as `load` reads them). Returns whether they changed.
    @discardableResult
    func reload(using load: () async throws -> RuleSet?) async throws -> Bool {
        guard let fresh = try await load() else { return false }
        return current.withLock { interceptor in
            guard interceptor.rules != fresh else { return false }
            interceptor = Interceptor(rules: fresh)
            return true
        }
    }

    /// The constraint the database names when a transaction was judged by rules no longer in force.
    static let staleConstraint = "authz_rule_set_in_force"
}
