import ArgumentParser
import Audit
import Authorization
import CommandSupport
import Foundation
import Kernel
import Services
import Storage
import Web

/// The authorization rules in force live in the database (migration 0020): the owner role activates a checked rule
/// file, every instance reads it at start, and the database judges every new transaction by it.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Show or activate the authorization rules in force.", subcommands: [Activate.self, Show.self])

    /// The rule set in force, parsed; refuses to start the service without one.
    static func inForce(_ database: Database) async throws -> RuleSet {
        guard let rules = try await RulesInForce.load(database) else {
            throw ValidationError(
                "no authorization rules are in force: run `countersign rules activate Rules/authorization-rules.json` as the owner role")
        }
        return rules
    }

    /// Checks the file with the same loader the service uses, then puts it in force, audited. Running instances
    /// keep the rules they started with until restarted; the database refuses their new transactions meanwhile.
    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rule file and put it in force (owner role); a version is activated once, with one content.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The rule file.") var file: String = "Rules/authorization-rules.json"

        func run() async throws {
            let logger = try options.makeLogger()
            guard let data = FileManager.default.contents(atPath: file), let source = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(file)")
            }
            // The database reads the last of two equal keys, the loader the first: a file must not have two.
            if let key = try StrictJSON.duplicateKey(in: Array(data)) {
                throw ValidationError("\(file): the key \"\(key)\" appears twice in one object")
            }
            let rules = try RuleSet.parse(data, file: (file as NSString).lastPathComponent)
            let outcome = try await Database.with(try options.ownerDatabase(), logger: logger) { database in
                try await database.transaction { tx in
                    try await RuleSetStore.activate(version: rules.version, source: source, actor: "system:cli", at: SystemTime().now(), in: tx)
                }
            }
            switch outcome {
            case .activated: print("rules \(rules.version) are in force (\(rules.rules.count) rules); restart running instances")
            case .alreadyActive: print("rules \(rules.version) are already in force")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version and digest of the rules in force.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let logger = try options.makeLogger()
            let stored = try await Database.with(try options.appDatabase(), logger: logger) { database in
                try await database.read { try await RuleSetStore.active(in: $0) }
            }
            guard let stored else { throw ValidationError("no authorization rules are in force") }
            print("\(stored.version) sha256:\(stored.sha256.hex)")
        }
    }
}
