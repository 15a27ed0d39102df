import Accounts
import ArgumentParser
import CommandSupport
import Foundation
import Storage

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage users as the owner role.", subcommands: [SetPassword.self])

    /// Replaces a user's password, e.g. the demo passwords before `COUNTERSIGN_ENV=production`. The new password is
    /// read from COUNTERSIGN_NEW_PASSWORD or the first line of standard input, never from the command line (which
    /// other users of the machine can read in the process list).
    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract:
                "Set a user's password (from COUNTERSIGN_NEW_PASSWORD or standard input); ends the user's sessions, who replace it at their next sign-in."
        )

        @OptionGroup var options: GlobalOptions
        @Option(help: "The user id.") var user: String

        func run() async throws {
            let logger = try options.makeLogger()
            let password =
                ProcessInfo.processInfo.environment["COUNTERSIGN_NEW_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
            let problems = PasswordPolicy.problems(password, user: user)
            guard problems.isEmpty else { throw ValidationError("the password does not meet the rules: " + problems.joined(separator: "; ")) }
            let hash = try PasswordHash.make(password: password)
            let changed = try await Database.with(try options.ownerDatabase(), logger: logger) { database in
                try await database.transaction { tx in
                    let recent = try await Directory.recentPasswordHashes(userID: user, limit: PasswordPolicy.historyDepth, in: tx)
                    guard !recent.contains(where: { $0.matches(password) }) else {
                        throw ValidationError("the password is one of the user's last \(PasswordPolicy.historyDepth): choose another")
                    }
                    guard try await Directory.setPassword(userID: user, hash: hash, actor: "system:cli", in: tx) else { return false }
                    // Someone else chose it: the user replaces it at their next sign-in. The database keeps its own
                    // verifier (migration 0037), so that the user can.
                    try await Directory.setVerifier(userID: user, password: password, in: tx)
                    try await tx.query("UPDATE users SET must_change_password = true WHERE id = \(user)", context: "set password")
                    return true
                }
            }
            guard changed else { throw ValidationError("no user \(user)") }
            print("password of \(user) changed; their sessions have ended, and they choose their own at the next sign-in")
        }
    }
}
