import ArgumentParser
import CommandSupport
import Foundation
import Services
import Storage
import Web

/// The built-in customer and account directory (migration 0023), the stand-in for a bank's core system: account
/// type and customer risk decide who must authorize, so they are loaded here, never typed by tellers.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "Load customers and accounts into the built-in directory.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace the entries of a directory file (owner role; numbers are stored only as keyed digests).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The directory file.") var file: String = "Seeds/demo-directory.json"

        func run() async throws {
            let logger = try options.makeLogger()
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let entries = try DirectoryFile.parse(data)
            let environment = ProcessInfo.processInfo.environment
            let key = try DataKey.load(path: environment["COUNTERSIGN_DATA_KEY"] ?? "Certs/data-encryption.key")
            try await Database.with(try options.ownerDatabase(), logger: logger) { database in
                try await DatabaseAccountDirectory.load(entries, key: key, into: database)
            }
            print("directory: \(entries.count) entries loaded from \(file)")
        }
    }
}
