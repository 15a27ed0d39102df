import Accounts
import Foundation
import Storage
import Vouchers

/// `COUNTERSIGN_ENV=production`: the service refuses to start with anything that is published in this repository
/// or made for development — users with their demo passwords, seals of the development PKI, the development root as
/// a trusted root, the default PKCS#12 password — or with a CA's private key readable beside it (the service signs
/// with leaf keys only; a CA key there lets whoever reads the service's files mint seals).
enum ProductionReadiness {
    enum Environment: String {
        case development, production
    }

    static func environment(_ values: [String: String]) throws -> Environment {
        let name = values["COUNTERSIGN_ENV"] ?? "development"
        guard let environment = Environment(rawValue: name) else {
            throw ProductionRefusal(problems: ["COUNTERSIGN_ENV must be development or production, not \(name)"])
        }
        return environment
    }

    /// Every reason not to serve a bank from this set-up; empty when there is none.
    static func problems(environment values: [String: String], database: Database) async throws -> [String] {
        var problems: [String] = []
        let p12Password = values["COUNTERSIGN_P12_PASSWORD"]
        if p12Password == nil || p12Password == DevelopmentPKI.password {
            problems.append("COUNTERSIGN_P12_PASSWORD is unset or the development password")
        }
        let roots = values["COUNTERSIGN_TRUSTED_ROOTS"] ?? "Certs/root-ca.pem"
        if let pem = try? String(contentsOfFile: roots, encoding: .utf8), containsDevelopmentCertificate(pem) {
            problems.append("\(roots) trusts the development root CA")
        }
        // The development TSA (in process, its root "NOT FOR PRODUCTION") proves nothing to anyone outside: a bank
        // names its qualified TSA and trusts that TSA's root.
        if (values["COUNTERSIGN_TSA_URL"] ?? "").isEmpty {
            problems.append("COUNTERSIGN_TSA_URL is unset: the in-process development time-stamp authority is for development only")
        }
        // The bank CA's OCSP responder: no seal or witness certificate is used without its answer.
        let ocsp = values["COUNTERSIGN_OCSP_URL"].flatMap { URL(string: $0) }
        if ocsp?.scheme != "http" && ocsp?.scheme != "https" {
            problems.append("COUNTERSIGN_OCSP_URL is unset or not an http(s) URL: the development OCSP responder is for development only")
        }
        let tsaRoots = values["COUNTERSIGN_TSA_ROOTS"] ?? "Certs/tsa-root.pem"
        if let pem = try? String(contentsOfFile: tsaRoots, encoding: .utf8), containsDevelopmentCertificate(pem) {
            problems.append("\(tsaRoots) trusts the development time-stamping root")
        }
        let folders = Set(
            [roots, values["COUNTERSIGN_WITNESS_P12"] ?? "Certs/witness.p12"].map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        for folder in folders.sorted() {
            for name in ["root-ca.key", "issuing-ca.key", "tsa-root.key"] where FileManager.default.isReadableFile(atPath: "\(folder)/\(name)") {
                problems.append("the CA private key \(folder)/\(name) is readable by the service")
            }
        }
        problems += try await database.read { tx in
            var found: [String] = []
            for user in DemoSeed.users {
                if let (_, hash) = try await Directory.loginCandidate(userID: user.id, in: tx), hash.matches(user.password) {
                    found.append("demo user \(user.id) still has its published password (countersign users set-password --user \(user.id))")
                }
            }
            for seal in try await SealStore.all(in: tx) where seal.state == .active && seal.certificateSubject.contains("(DEV") {
                found.append("seal \(seal.id) is a development seal (\(seal.certificateSubject))")
            }
            return found
        }
        return problems
    }

    /// The development PKI writes "NOT FOR PRODUCTION" into its CAs' names; a PEM bundle holding one is a
    /// development trust anchor, whatever the file is called.
    static func containsDevelopmentCertificate(_ pem: String) -> Bool {
        let marker = Array("NOT FOR PRODUCTION".utf8)
        var inside = false
        var base64 = ""
        for line in pem.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("-----BEGIN CERTIFICATE") {
                inside = true
                base64 = ""
            } else if line.hasPrefix("-----END CERTIFICATE") {
                inside = false
                if let der = Data(base64Encoded: base64), Array(der).firstRange(of: marker) != nil { return true }
            } else if inside {
                base64 += line.trimmingCharacters(in: .whitespaces)
            }
        }
        return false
    }
}

struct ProductionRefusal: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { "refusing to start in production:\n  - " + problems.joined(separator: "\n  - ") }
}
