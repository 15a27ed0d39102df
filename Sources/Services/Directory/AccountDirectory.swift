import Audit
import Foundation
public import Storage

/// Whom a transaction is about, as the directory knows them: an account, or (for an account being opened) a
/// customer by resident ID.
public enum DirectorySubject: Sendable, Equatable {
    case account(String)
    case customer(String)

    /// Numbers as people write them: full-width digits are digits (NFKC), spaces of any kind and dashes are not
    /// part of them, a resident ID's check letter is upper case.
    var normalized: String {
        func plain(_ text: String) -> String {
            text.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace && $0 != "-" }
        }
        switch self {
        case .account(let number): return "account:" + plain(number)
        case .customer(let id): return "customer:" + plain(id).uppercased()
        }
    }
}

extension AuthorizationError {
    /// A request that states the account type or customer risk: they are the directory's, not the teller's.
    public static var factsFromDirectory: AuthorizationError {
        AuthorizationError(
            .factsFromDirectory,
            "account_type and customer_risk come from the bank's directory, not the request / 账户类型与客户风险等级以本行客户信息为准，不由柜员填写")
    }
}

/// The facts the rules judge a customer by.
public struct CustomerFacts: Sendable, Equatable {
    /// Nil for a customer who has no account yet.
    public let accountType: String?
    public let customerRisk: String

    public init(accountType: String?, customerRisk: String) {
        self.accountType = accountType
        self.customerRisk = customerRisk
    }
}

/// The bank's customer and account records (its core system). Account type and customer risk decide who must
/// authorize a transaction, so they come from here and never from the teller.
public protocol AccountDirectory: Sendable {
    /// Nil when the directory does not know the subject.
    func facts(_ subject: DirectorySubject) async throws -> CustomerFacts?
}

/// The built-in directory in PostgreSQL (migration 0023), found by keyed digests of the numbers.
public struct DatabaseAccountDirectory: AccountDirectory {
    let database: Database
    let tagger: DataKey.Tagger

    public init(database: Database, dataKey: DataKey) {
        self.database = database
        self.tagger = Self.tagger(dataKey)
    }

    static func tagger(_ key: DataKey) -> DataKey.Tagger { key.tagger(purpose: "countersign directory lookup v1") }

    public func facts(_ subject: DirectorySubject) async throws -> CustomerFacts? {
        let lookup = tagger.tag(subject.normalized)
        guard let entry = try await database.read({ try await DirectoryEntries.find(lookup: lookup, in: $0) }) else { return nil }
        return CustomerFacts(accountType: entry.accountType, customerRisk: entry.customerRisk)
    }

    /// Loads entries, as the owner role (`countersign directory load`, the demo seed, tests), with one audit event
    /// (how many, of which kind; never the numbers) in the same transaction.
    public static func load(
        _ entries: [(DirectorySubject, CustomerFacts)], key: DataKey, into database: Database, actor: String = "system:cli"
    ) async throws {
        let tagger = tagger(key)
        let rows = entries.map { subject, facts in
            (
                lookup: tagger.tag(subject.normalized),
                entry: DirectoryEntries.Entry(
                    kind: { if case .account = subject { return "account" } else { return "customer" } }(), accountType: facts.accountType,
                    customerRisk: facts.customerRisk)
            )
        }
        let accounts = rows.filter { $0.entry.kind == "account" }.count
        try await database.transaction { tx in
            try await DirectoryEntries.upsert(rows, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: actor, action: "directory.loaded", subject: "directory",
                    payload: ["accounts": .integer(Int64(accounts)), "customers": .integer(Int64(rows.count - accounts))]),
                in: tx)
        }
    }
}
