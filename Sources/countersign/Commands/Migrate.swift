import ArgumentParser
import CommandSupport
import Forms
import Foundation
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations as the owner role.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "List what would be applied and change nothing.") var dryRun = false

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.ownerDatabase()
        let migrator = Migrator(migrations: try Migration.bundled())
        let applied = try await Database.with(settings, logger: logger) { try await migrator.migrate($0, dryRun: dryRun) }
        let verb = dryRun ? "would apply" : "applied"
        if applied.isEmpty { print("migrations: up to date (\(migrator.migrations.count) files) on \(settings)") }
        for migration in applied { print("\(verb) \(migration.fileName)") }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add the demo branches and users, or (--synthetic) a made-up year to measure on (development databases only).")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Seed a synthetic year: branches SB…, tellers st…, officers so…, transactions T8… with their audit events.")
    var synthetic = false
    @Option(help: "Synthetic branches (at most 999).") var branches = 100
    @Option(help: "Synthetic tellers, spread over the branches.") var tellers = 2000
    @Option(help: "Synthetic centre officers.") var officers = 50
    @Option(help: "Synthetic transactions.") var transactions = 5_000_000
    @Option(help: "Days the transactions spread over.") var days = 365
    @Option(help: "The last day (YYYY-MM-DD; default yesterday in Beijing).") var lastDay: String?
    @Option(help: "Transactions per database transaction.") var batch = 50_000

    func validate() throws {
        guard (1...999).contains(branches), tellers >= branches, tellers <= 99_999, (1...999).contains(officers),
            (1...99_999_999).contains(transactions), (1...3660).contains(days), (1000...500_000).contains(batch)
        else {
            throw ValidationError(
                "branches 1…999, tellers from branches to 99,999, officers 1…999, transactions up to 99,999,999, days 1…3,660, batch 1,000…500,000")
        }
        if let lastDay, CivilDate(iso: lastDay) == nil { throw ValidationError("--last-day is YYYY-MM-DD") }
    }

    func run() async throws {
        let logger = try options.makeLogger()
        // Published passwords never reach a bank's database: production refuses to seed, as `serve` refuses to start.
        guard try ProductionReadiness.environment(ProcessInfo.processInfo.environment) == .development else {
            throw ProductionRefusal(problems: ["the demo users and their published passwords are for development databases only"])
        }
        if synthetic {
            let yesterday = CivilDate(daysSince1970: Int((Date().timeIntervalSince1970 + 8 * 3600) / 86_400) - 1)!
            let plan = SyntheticYear.Plan(
                branches: branches, tellers: tellers, officers: officers, transactions: transactions, days: days,
                lastDay: lastDay ?? yesterday.description)
            try await Database.with(try options.ownerDatabase(), logger: logger) { database in
                try await SyntheticSeed(plan: plan, batch: batch).run(database, logger: logger)
            }
            return
        }
        let added = try await Database.with(try options.ownerDatabase(), logger: logger) { try await DemoSeed.seed($0) }
        print("seed: \(added) rows added")
        print("demo logins (user / password):")
        for user in DemoSeed.users { print("  \(user.id) / \(user.password)  — \(user.role.rawValue), \(user.branch)") }
    }
}
