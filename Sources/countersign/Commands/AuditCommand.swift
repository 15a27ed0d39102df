import ArgumentParser
import Audit
import CommandSupport
import Foundation
import Kernel
import Storage

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and checkpoint the tamper-evident audit trail.",
        subcommands: [Verify.self, Checkpoint.self, Keygen.self, Stress.self])

    /// Where the checkpoint key lives unless told otherwise: outside the database, beside the development PKI.
    static func defaultKeyPath() -> String {
        ProcessInfo.processInfo.environment["COUNTERSIGN_CHECKPOINT_KEY"] ?? "Certs/audit-checkpoint.key"
    }
}

extension AuditCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every hash of every chain; exit 1 at the first broken link of any chain.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "A signed checkpoint file: also detect a rewrite of the chains up to it.") var checkpoint: String?
        @Option(help: "Key (or .pub) that must have signed the checkpoint. Env: COUNTERSIGN_CHECKPOINT_KEY.") var key: String?

        func run() async throws {
            let logger = try options.makeLogger()
            var pinned: AuditCheckpoint?
            if let checkpoint {
                guard let data = FileManager.default.contents(atPath: checkpoint) else { throw ValidationError("cannot read \(checkpoint)") }
                let parsed = try AuditCheckpoint.decode(data)
                try parsed.verifySignature(trustedKey: try CheckpointSigningKey.loadPublicKey(path: key ?? AuditCommand.defaultKeyPath()))
                pinned = parsed
            }
            let report = try await Database.with(try options.appDatabase(), logger: logger) { [pinned] database in
                try await AuditVerification.verify(database, checkpoint: pinned)
            }
            for chain in report.chains {
                print(
                    "chain \(chain.chain): \(chain.rows) events verified, head seq \(chain.head?.seq ?? 0) \(chain.head?.hash.hex.prefix(16) ?? "")")
            }
            let total = report.chains.reduce(0) { $0 + $1.rows }
            guard report.isIntact else {
                for failure in report.breaks { print("BROKEN: \(failure)") }
                print("FAILED: \(report.breaks.count) broken chain(s); \(total) events checked")
                throw ExitCode(1)
            }
            let pinnedText = pinned.map { " and match checkpoint of \($0.createdAt) (\($0.heads.count) chains)" } ?? ""
            print("OK: \(report.chains.count) chains, \(total) events: every hash recomputed and linked\(pinnedText)")
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every chain's head, signed with a key that is not in the database, to a file.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Signing key file. Env: COUNTERSIGN_CHECKPOINT_KEY. Default: Certs/audit-checkpoint.key") var key: String?
        @Option(help: "Output file. Default: <data-dir>/checkpoints/audit-<time>.json") var out: String?

        func run() async throws {
            let logger = try options.makeLogger()
            let signingKey = try CheckpointSigningKey.load(path: key ?? AuditCommand.defaultKeyPath())
            let settings = try options.appDatabase()
            // Heads are taken only from a chain that verifies: never sign a state that is already broken.
            let report = try await Database.with(settings, logger: logger) { try await AuditVerification.verify($0) }
            guard report.isIntact else {
                for failure in report.breaks { print("BROKEN: \(failure)") }
                print("refusing to checkpoint a broken audit trail")
                throw ExitCode(1)
            }
            let now = Timestamp.now()
            let checkpoint = try AuditCheckpoint.sign(
                heads: report.chains.compactMap(\.head), database: settings.description, at: now, with: signingKey)
            let path = out ?? "\(options.dataDirectory)/checkpoints/audit-\(now.microsecondsSinceEpoch).json"
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try checkpoint.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
            let events = report.chains.reduce(0) { $0 + $1.rows }
            print("checkpoint written: \(path) (\(checkpoint.heads.count) chains, \(events) events, at \(now))")
        }
    }

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the Ed25519 checkpoint signing key (and its .pub).")

        @Option(help: "Key file to create. Env: COUNTERSIGN_CHECKPOINT_KEY. Default: Certs/audit-checkpoint.key") var key: String?
        @Flag(help: "Succeed quietly if the key already exists.") var ifMissing = false

        func run() async throws {
            let path = key ?? AuditCommand.defaultKeyPath()
            if FileManager.default.fileExists(atPath: path) {
                if ifMissing { return }
                throw ValidationError("\(path) exists; refusing to replace a key that may have signed checkpoints")
            }
            let generated = CheckpointSigningKey.generate()
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            guard FileManager.default.createFile(atPath: path, contents: Data(generated.fileText.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(path)")
            }
            try Data((generated.publicKeyBase64 + "\n").utf8).write(to: URL(fileURLWithPath: path + ".pub"))
            print("checkpoint key written: \(path) (public key \(path).pub)")
        }
    }
}
