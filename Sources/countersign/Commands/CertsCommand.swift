import ArgumentParser
import CommandSupport
import Foundation
import Services
import Storage
import Vouchers
import Web

struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "The development PKI (test only, never for production).", subcommands: [Init.self, CRL.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Generate a development root, issuing CA, e-seal (RSA, EC) and witness certificates with PKCS#12 files, a time-stamping authority, an OCSP responder and each CA's CRL."
        )

        @Option(help: "Folder to write into.") var dir = "Certs"
        @Flag(help: "Do nothing if the PKI is already there; add what an older PKI lacks.") var ifMissing = false
        @Flag(help: "Replace an existing development PKI (vouchers signed under the old root stop validating).") var force = false
        @Option(help: "Where the certificates say their CRLs and OCSP answers are published (the service's address).")
        var baseURL = DevelopmentPKI.defaultBaseURL

        func run() async throws {
            guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil, !baseURL.hasSuffix("/") else {
                throw ValidationError("--base-url must be an http(s) URL without a trailing slash, e.g. \(DevelopmentPKI.defaultBaseURL)")
            }
            let folder = URL(fileURLWithPath: dir)
            let present = Set(DevelopmentPKI.files.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) })
            if ifMissing, present.count == DevelopmentPKI.files.count { return }
            // An older PKI: what it lacks (the time-stamping authority, the revocation data) is added, the rest stays.
            if !force, present.isSuperset(of: DevelopmentPKI.signingFiles) {
                var written: [String] = []
                if present.isDisjoint(with: DevelopmentPKI.timeStampingFiles) {
                    written += try DevelopmentPKI.addTimeStamping(in: folder, baseURL: baseURL)
                }
                if present.isDisjoint(with: DevelopmentPKI.revocationFiles) {
                    written += try DevelopmentPKI.addRevocation(in: folder)
                    print("note: certificates made before now name no CRL or OCSP address; --force makes a PKI whose certificates do")
                }
                guard !written.isEmpty else {
                    throw ValidationError("the development PKI in \(folder.path) is incomplete; use --force")
                }
                print("added to the development PKI in \(folder.path): \(written.joined(separator: ", "))")
                return
            }
            if !force, !present.isEmpty {
                throw ValidationError(
                    "the development PKI in \(folder.path) is incomplete (\(present.count) of \(DevelopmentPKI.files.count) files); use --force")
            }
            let written = try DevelopmentPKI.create(in: folder, replace: force, baseURL: baseURL)
            print("development PKI written to \(folder.path): \(written.joined(separator: ", "))")
            print("PKCS#12 password: \(DevelopmentPKI.password)  (development only)")
        }
    }

    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl",
            abstract: "Sign and publish each development CA's CRL from the seal registry's revocations (needs the CA keys).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Folder of the development PKI.") var dir = "Certs"

        func run() async throws {
            let folder = URL(fileURLWithPath: dir)
            let revoked = try await Database.with(try options.appDatabase(), logger: try options.makeLogger()) { database in
                try await PKIPublication.publishRevocationLists(folder: folder, database: database)
            }
            print("CRLs published in \(folder.path): \(DevelopmentPKI.revocationLists.joined(separator: ", ")); revoked: \(revoked.count)")
        }
    }
}
