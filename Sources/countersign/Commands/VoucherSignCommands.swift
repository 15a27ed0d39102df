import ArgumentParser
import CommandSupport
import Foundation
import PDFReader
import Services
import Storage
import Vouchers
import Web

/// Options shared by `voucher sign` and `voucher seal`: input, output and the signer's PKCS#12.
struct SigningOptions: ParsableArguments {
    @Option(help: "Input PDF.") var `in`: String
    @Option(help: "Output PDF (must differ from the input).") var out: String
    @Option(help: "Password of the PKCS#12 file. Env: COUNTERSIGN_P12_PASSWORD. Default: the development password")
    var password: String?

    func read() throws -> [UInt8] {
        guard `in` != out else { throw ValidationError("--out must differ from --in") }
        guard let data = FileManager.default.contents(atPath: `in`) else { throw ValidationError("cannot read \(`in`)") }
        guard data.count <= 64 * 1024 * 1024 else { throw ValidationError("\(`in`) is larger than 64 MiB") }
        return Array(data)
    }

    func signer(_ path: String) throws -> Signer {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let secret = password ?? ProcessInfo.processInfo.environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password
        return try Signer.pkcs12(data, password: secret)
    }

    func write(_ pdf: [UInt8]) throws {
        try Data(pdf).write(to: URL(fileURLWithPath: out), options: .atomic)
    }
}

extension VoucherCommand {
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Offline tool for the development PKI: add handwritten strokes as a PAdES signature with a witness key. Not a voucher: the bank's vouchers are made only at the counter, and /verify calls only those genuine."
        )

        @OptionGroup var io: SigningOptions
        @Option(help: "Strokes JSON: [[{\"x\":…,\"y\":…,\"t\":…,\"pressure\":…}, …], …]") var strokes: String
        @Option(help: "Witness PKCS#12.") var p12 = "Certs/witness.p12"

        func run() async throws {
            let pdf = try io.read()
            guard let raw = FileManager.default.contents(atPath: strokes), raw.count <= 2 * 1024 * 1024 else {
                throw ValidationError("cannot read \(strokes) (or it is over 2 MiB)")
            }
            let capture = try JSONDecoder().decode([[StrokePoint]].self, from: raw)
            let signed = try CustomerSignature.sign(pdf, strokes: capture, with: try io.signer(p12), at: Date())
            try io.write(signed)
            print("signed: \(io.out)")
        }
    }

    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Offline tool for the development PKI: stamp a registered e-seal on a PDF (the use is audited). Not a voucher: the bank's vouchers are made only at the counter, and /verify calls only those genuine."
        )

        @OptionGroup var options: GlobalOptions
        @OptionGroup var io: SigningOptions
        @Option(help: "Seal id from the registry (`countersign seals list`).") var seal: String
        @Option(help: "Who applies the seal (recorded in the audit trail).") var actor =
            "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")"

        func run() async throws {
            let pdf = try io.read()
            let password = io.password ?? SealsCommand.password()
            let (seal, actor, file) = (seal, actor, io.in)
            let sealed = try await Database.with(try options.appDatabase(), logger: try options.makeLogger()) { database in
                try await SealUse(database: database, password: password).stamp(
                    pdf, sealID: seal, actor: actor, terminal: nil, subject: "file:\(file)")
            }
            try io.write(sealed)
            print("sealed: \(io.out) with \(seal)")
        }
    }
}

extension VoucherCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every signature of a PDF with its integrity and certificate chain; exit 1 if any fails.")

        @Argument(help: "The PDF to check.") var file: String
        @Option(help: "Trusted root certificates (PEM). Env: COUNTERSIGN_TRUSTED_ROOTS.") var roots: String?
        @Option(help: "Trusted time-stamping roots (PEM); signatures are judged at the time their time-stamp proves. Env: COUNTERSIGN_TSA_ROOTS.")
        var tsaRoots: String?
        @Option(help: "Judge the file as of this time (ISO 8601, e.g. 2036-12-04T00:00:00Z) instead of now: how it will stand then.")
        var at: String?

        func run() async throws {
            let validationTime = try at.map { text in
                guard let date = ISO8601DateFormatter().date(from: text) else { throw ValidationError("--at \(text) is not an ISO 8601 time") }
                return date
            }
            let rootsPath = roots ?? ProcessInfo.processInfo.environment["COUNTERSIGN_TRUSTED_ROOTS"] ?? "Certs/root-ca.pem"
            guard let rootsPEM = try? String(contentsOfFile: rootsPath, encoding: .utf8) else { throw ValidationError("cannot read \(rootsPath)") }
            guard let data = FileManager.default.contents(atPath: file), data.count <= 64 * 1024 * 1024 else {
                throw ValidationError("cannot read \(file) (or it is over 64 MiB)")
            }
            let timeStampRoots = try timeStampRootsPEM()
            let reports: [SignatureReport]
            do {
                reports = try PAdESVerifier.verify(
                    Array(data), trustedRootsPEM: rootsPEM, timeStampRootsPEM: timeStampRoots, at: validationTime, limits: .signing)
            } catch {
                print("\(file) cannot be checked: \(error.message) (\(error.code.rawValue))")
                throw ExitCode(2)
            }
            guard !reports.isEmpty else {
                print("no signatures in \(file)")
                throw ExitCode(1)
            }
            for report in reports {
                print("\(report.field): \(report.isValid ? "VALID" : "INVALID")")
                print("  signer: \(report.signer)")
                if let seal = report.sealID { print("  seal: \(seal)") }
                print("  claimed time: \(report.claimedTime)")
                print("  level: \(report.level)" + (report.provenTime.map { "    proven time: \(ISO8601DateFormatter().string(from: $0))" } ?? ""))
                print("  covers: \(report.coverage.rawValue)")
                print("  intact: \(report.intact ? "yes" : "no")    chain to trusted root: \(report.chainTrusted ? "yes" : "no")")
                print("  later revisions: \(report.laterChangesAllowed ? "only further signatures" : "changed what was signed")")
                if let problem = report.problem { print("  problem: \(problem)") }
            }
            if reports.contains(where: { !$0.isValid }) { throw ExitCode(1) }
        }

        /// The time-stamping roots: as given, or the development TSA's root when it is there.
        func timeStampRootsPEM() throws -> String? {
            let path = tsaRoots ?? ProcessInfo.processInfo.environment["COUNTERSIGN_TSA_ROOTS"] ?? "Certs/tsa-root.pem"
            if tsaRoots == nil && !FileManager.default.fileExists(atPath: path) { return nil }
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
            return pem
        }
    }
}
