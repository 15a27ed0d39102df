import ArgumentParser
import CommandSupport
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
    static let configuration = CommandConfiguration(abstract: "Add the demo branches and users (development databases only).")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let logger = try options.makeLogger()
        // Published passwords never reach a bank's database: production refuses to seed, as `serve` refuses to start.
        guard try ProductionReadiness.environment(ProcessInfo.processInfo.environment) == .development else {
            throw ProductionRefusal(problems: ["the demo users and their published passwords are for development databases only"])
        }
        let added = try await Database.with(try options.ownerDatabase(), logger: logger) { try await DemoSeed.seed($0) }
        print("seed: \(added) rows added")
        print("demo logins (user / password):")
        for user in DemoSeed.users { print("  \(user.id) / \(user.password)  — \(user.role.rawValue), \(user.branch)") }
    }
}
