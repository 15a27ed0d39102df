import ArgumentParser
import CommandSupport
import Foundation
import Services
import Storage
import Vouchers
import Web

struct SealsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seals", abstract: "The registry of the bank's e-seals.", subcommands: [List.self, Import.self, Revoke.self])

    static func password() -> String { ProcessInfo.processInfo.environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered seals: id, name, branch, algorithm, validity, state.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let seals = try await Database.with(try options.appDatabase(), logger: try options.makeLogger()) { database in
                try await database.read { try await SealStore.all(in: $0) }
            }
            print("ID\tNAME\tBRANCH\tALGORITHM\tVALID FROM\tVALID UNTIL\tSTATE")
            for seal in seals {
                let from = seal.validFrom.description
                let until = seal.validUntil.description
                print("\(seal.id)\t\(seal.nameZH) \(seal.nameEN)\t\(seal.branch)\t\(seal.algorithm)\t\(from)\t\(until)\t\(seal.state)")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register (or refresh) the seals of a registry file, as the owner role.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Registry file.") var registry = "Seals/registry.json"

        func run() async throws {
            let file = try SealRegistryFile.load(URL(fileURLWithPath: registry))
            let imported = try await Database.with(try options.ownerDatabase(), logger: try options.makeLogger()) { database in
                try await file.importSeals(into: database, password: SealsCommand.password(), actor: "system:seals-import")
            }
            print("seals registered: \(imported.map(\.id).joined(separator: ", "))")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a seal for good (audited).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Seal id.") var seal: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String
        @Option(help: "Who is revoking (recorded in the audit trail).") var actor = "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")"
        @Option(help: "Development PKI folder whose CRLs to re-publish when its CA keys are there.") var pkiDir = "Certs"

        func run() async throws {
            guard (1...200).contains(reason.count) else { throw ValidationError("--reason must be 1–200 characters") }
            let (seal, reason, actor) = (seal, reason, actor)
            let folder = URL(fileURLWithPath: pkiDir)
            // The OCSP responder says so at once (it reads the registry); the CRL only once its CA signs a new one.
            let publishes = FileManager.default.isReadableFile(atPath: folder.appendingPathComponent("issuing-ca.key").path)
            let revoked = try await Database.with(try options.appDatabase(), logger: try options.makeLogger()) { database in
                let revoked = try await database.transaction { try await SealStore.revoke(seal, reason: reason, actor: actor, in: $0) }
                if revoked, publishes { try await PKIPublication.publishRevocationLists(folder: folder, database: database) }
                return revoked
            }
            guard revoked else {
                print("no active seal \(seal)")
                throw ExitCode(1)
            }
            print("seal \(seal) revoked" + (publishes ? "; CRLs re-published in \(folder.path)" : "; publish the CRL with the CA's holder"))
        }
    }
}
