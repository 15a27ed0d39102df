import ArgumentParser
import Foundation
import Vouchers

struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "The development PKI (test only, never for production).", subcommands: [Init.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Generate a development root, issuing CA, e-seal (RSA, EC) and witness certificates with PKCS#12 files, and a time-stamping authority."
        )

        @Option(help: "Folder to write into.") var dir = "Certs"
        @Flag(help: "Do nothing if the PKI is already there.") var ifMissing = false
        @Flag(help: "Replace an existing development PKI (vouchers signed under the old root stop validating).") var force = false

        func run() async throws {
            let folder = URL(fileURLWithPath: dir)
            let present = DevelopmentPKI.files.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
            if ifMissing, present.count == DevelopmentPKI.files.count { return }
            // A PKI made before time-stamps: only the time-stamping authority is added, the rest stays.
            if !force, Set(present) == Set(DevelopmentPKI.signingFiles) {
                let written = try DevelopmentPKI.addTimeStamping(in: folder)
                print("development time-stamping authority added to \(folder.path): \(written.joined(separator: ", "))")
                return
            }
            if !force, !present.isEmpty, present.count < DevelopmentPKI.files.count {
                throw ValidationError(
                    "the development PKI in \(folder.path) is incomplete (\(present.count) of \(DevelopmentPKI.files.count) files); use --force")
            }
            let written = try DevelopmentPKI.create(in: folder, replace: force)
            print("development PKI written to \(folder.path): \(written.joined(separator: ", "))")
            print("PKCS#12 password: \(DevelopmentPKI.password)  (development only)")
        }
    }
}
