import Accounts
import ArgumentParser
import Audit
import CommandSupport
import Foundation
import Services
import Storage

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Security administrators (changes of users are then made by two of them, through the API).",
        subcommands: [Bootstrap.self])

    /// The first security administrators of a new installation, as the owner role: dual control needs two, and until
    /// there are two nobody could approve anything. Once two are active this refuses; every later change (a third
    /// administrator included) is proposed by one and approved by another. The one-time password is printed once and
    /// must be replaced at the first sign-in.
    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add one of the first two security administrators (refused once two are active); prints a one-time password.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "The new administrator's user id.") var user: String
        @Option(help: "Their display name.") var name: String
        @Option(help: "Their branch (usually the head office).") var branch: String

        func run() async throws {
            let logger = try options.makeLogger()
            try CredentialCheck.validate(user: user, password: "x")
            guard (1...100).contains(name.unicodeScalars.count) else { throw ValidationError("--name has 1–100 characters") }
            let password = AdminDesk.oneTimePassword()
            let hash = try PasswordHash.make(password: password)
            try await Database.with(try options.ownerDatabase(), logger: logger) { database in
                try await database.transaction { tx in
                    // Serialises two bootstraps at once: the count below and the insert happen under one lock.
                    try await tx.query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE", context: "bootstrap")
                    let active =
                        try await tx.query(
                            "SELECT count(*)::int FROM users WHERE role = 'security_admin' AND active", context: "bootstrap"
                        ).collect().first?.decode(Int.self) ?? 0
                    guard active < 2 else {
                        throw ValidationError("two security administrators are active: add more through a proposal and a second approval")
                    }
                    guard
                        try await Directory.addUser(
                            id: user, name: name, branch: branch, role: .securityAdmin, hash: hash, actor: "system:cli", in: tx)
                    else { throw ValidationError("user \(user) exists") }
                    try await tx.query("UPDATE users SET must_change_password = true WHERE id = \(user)", context: "bootstrap")
                    try await Directory.setVerifier(userID: user, password: password, in: tx)
                }
            }
            print("security administrator \(user) added; one-time password (shown once, replaced at the first sign-in): \(password)")
        }
    }
}
