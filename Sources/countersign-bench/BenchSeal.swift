import ArgumentParser
import Dispatch
import Forms
import Foundation
import Synchronization
import Vouchers

/// Seals many copies of a voucher in one process on every core, as the service would, and compares with pyHanko.
struct BenchSeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: "E-seal throughput: RSA, ECDSA, a 20-page file, PAdES B-B, B-T and B-LTA, pyHanko at each level.")

    @Option(help: "Documents per measurement.") var documents = 2000
    @Option(help: "Documents for pyHanko (it is slow).") var pyhankoDocuments = 40
    @Option(help: "Folder of the development PKI.") var certs = "Certs"
    @Option(help: "The pyHanko comparison script.") var pyhankoScript = "benchmarks/compare_pyhanko.py"
    @Flag(help: "Skip the pyHanko comparison.") var noPyhanko = false

    @OptionGroup var json: JSONOutput

    /// One measured case: its latencies and how long all of it took with one worker per core.
    struct Measurement {
        let name: String
        let documents: Int
        let seconds: Double
        let latencies: Latencies
        var perSecond: Double { Double(documents) / seconds }
    }

    func run() async throws {
        guard (1...1_000_000).contains(documents), (1...10_000).contains(pyhankoDocuments) else { throw ValidationError("documents out of range") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let (form, data) = try loadExample()
        let customerSigned = try CustomerSignature.sign(
            try VoucherRenderer().render(form: form, data: data), strokes: Self.sampleStrokes, with: try signer("witness"), at: Date())
        let long = try BenchmarkDocuments.longDocument(pages: 20)
        print(
            "bench seal: \(cores) cores; 1-page voucher \(customerSigned.count / 1024) KB (already customer-signed), 20-page file \(long.count / 1024) KB"
        )
        var results: [Measurement] = []
        for (name, input, stem, count) in [
            ("1-page voucher, RSA-2048, B-B", customerSigned, "seal-rsa", documents),
            ("1-page voucher, ECDSA P-256, B-B", customerSigned, "seal-ec", documents),
            ("20-page 1 MB file, RSA-2048, B-B", long, "seal-rsa", max(documents / 4, 1)),
        ] {
            results.append(try measure(name, input: input, seal: try signer(stem), documents: count, cores: cores))
        }
        // PAdES B-T: the same RSA seal with a signature time-stamp from the in-process development TSA.
        results.append(
            try await measureTimeStamped(
                "1-page voucher, RSA-2048, B-T", input: customerSigned, seal: try signer("seal-rsa"), stamper: try timeStamper(),
                documents: documents, cores: cores))
        // PAdES B-LTA, as the service seals: the B-T seal, then each signature's certificate asked about (the
        // development PKI's OCSP responder in process), the DSS and the archive time-stamp.
        results.append(
            try await measureTimeStamped(
                "1-page voucher, RSA-2048, B-LTA", input: customerSigned, seal: try signer("seal-rsa"), stamper: try timeStamper(),
                revocation: try revocationCheck(), documents: documents, cores: cores))
        var pyHanko: [Int: Double] = [:]
        if !noPyhanko {
            pyHanko[0] = try comparePyHanko(input: customerSigned, level: "B-B")
            pyHanko[3] = try comparePyHanko(input: customerSigned, level: "B-T", tsa: ["\(certs)/tsa.pem", "\(certs)/tsa.key"])
            pyHanko[4] = try comparePyHanko(input: customerSigned, level: "B-LTA", tsa: ["\(certs)/tsa.pem", "\(certs)/tsa.key", certs])
        }
        let run = BenchRun(
            bench: "seal", settings: ["documents": "\(documents)", "pyHanko documents": noPyhanko ? "skipped" : "\(pyhankoDocuments)"],
            cases: results.enumerated().map { index, result in
                var extra = ["per core": result.perSecond / Double(cores)]
                if let theirs = pyHanko[index] {
                    extra["pyHanko per s"] = theirs
                    extra["× pyHanko (per core)"] = result.perSecond / Double(cores) / theirs
                }
                return BenchCase(result.name, result.latencies, count: result.documents, seconds: result.seconds, extra: extra)
            })
        print(run.table)
        print(String(format: "peak RSS: %.0f MB", Self.peakResidentMegabytes()))
        try json.write(run)
    }

    /// The development TSA in process, as `serve` runs it, with its replies checked against its root.
    private func timeStamper() throws -> TimeStamper {
        guard let roots = try? String(contentsOfFile: "\(certs)/tsa-root.pem", encoding: .utf8) else {
            throw ValidationError("\(certs)/tsa-root.pem is missing: run `countersign certs init --if-missing` (or `make run`) first")
        }
        return TimeStamper(authority: LocalTimeStampAuthority(signer: try signer("tsa")), trustedRootsPEM: roots)
    }

    /// The development PKI's OCSP responder and CRLs in process, as `serve` uses them in development.
    private func revocationCheck() throws -> RevocationCheck {
        struct InProcess: RevocationAuthority {
            let responder: OCSPResponder
            let lists: [[UInt8]]
            func answer(_ request: [UInt8]) async throws -> [UInt8] { try responder.respond(to: request, revoked: []) }
            func revocationLists() async throws -> [[UInt8]] { lists }
        }
        func read(_ name: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: "\(certs)/\(name)") else {
                throw ValidationError("\(certs)/\(name) is missing: run `countersign certs init --if-missing` (or `make run`) first")
            }
            return data
        }
        let responder = OCSPResponder(signer: try signer("ocsp"), issuerPEM: String(decoding: try read("issuing-ca.pem"), as: UTF8.self))
        return RevocationCheck(
            authority: InProcess(responder: responder, lists: [Array(try read("root-ca.crl")), Array(try read("tsa-root.crl"))]),
            trustedRootsPEM: String(decoding: try read("root-ca.pem"), as: UTF8.self))
    }

    /// As ``measure(_:input:seal:documents:cores:)`` with a signature time-stamp on every seal: a query, the TSA's
    /// signed reply, its check (signature and chain) and the token added to the CMS — one worker per core.
    private func measureTimeStamped(
        _ name: String, input: [UInt8], seal: Signer, stamper: TimeStamper, revocation: RevocationCheck? = nil, documents: Int, cores: Int
    ) async throws -> Measurement {
        let latencies = LatencyRecorder()
        let face = SealFace(ring: "示例银行北京分行营业部", center: "业务专用章")
        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<cores {
                group.addTask {
                    var index = worker
                    while index < documents {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        let sealed = try await BankSeal.stamp(input, with: seal, name: "业务专用章", face: face, at: Date(), timeStamper: stamper)
                        if let revocation { _ = try await LongTermEvidence.archive(sealed, revocation: revocation, timeStamper: stamper, at: Date()) }
                        latencies.record(seconds: Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                        index += cores
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Measurement(name: name, documents: documents, seconds: seconds, latencies: latencies.latencies)
    }

    private func measure(_ name: String, input: [UInt8], seal: Signer, documents: Int, cores: Int) throws -> Measurement {
        let latencies = LatencyRecorder()
        // The seal as the service draws it: the bank's name along the arc, the seal's name across.
        let face = SealFace(ring: "示例银行北京分行营业部", center: "业务专用章")
        let started = DispatchTime.now().uptimeNanoseconds
        // One worker per core, each sealing its share; a shared immutable signer, one output per document.
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var index = worker
            while index < documents {
                let begin = DispatchTime.now().uptimeNanoseconds
                do {
                    _ = try BankSeal.stamp(input, with: seal, name: "业务专用章", face: face, at: Date())
                    latencies.record(seconds: Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                } catch {
                    latencies.fail()
                }
                index += cores
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let measured = latencies.latencies
        guard measured.failures == 0 else { throw ValidationError("\(measured.failures) of \(documents) seals failed in \(name)") }
        return Measurement(name: name, documents: documents, seconds: seconds, latencies: measured)
    }

    /// pyHanko's seals per second at `level` on the same input, one process; nil when pyHanko cannot run here.
    private func comparePyHanko(input: [UInt8], level: String, tsa: [String] = []) throws -> Double? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-voucher-\(UUID().uuidString).pdf").path
        try Data(input).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", pyhankoScript, path, "\(certs)/seal-rsa.p12", DevelopmentPKI.password, "\(pyhankoDocuments)"] + tsa
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct PyHanko: Decodable {
            let per_second: Double
            let p50_ms: Double
        }
        guard process.terminationStatus == 0, let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
            let result = try? JSONDecoder().decode(PyHanko.self, from: Data(line.utf8))
        else {
            print("pyHanko comparison at \(level): not available (install pyhanko, or pass --no-pyhanko)")
            return nil
        }
        print(
            String(
                format: "pyHanko %@, same input, RSA-2048, visible stamp, 1 process: %.1f docs/s (p50 %.1f ms)", level as NSString, result.per_second,
                result.p50_ms))
        return result.per_second
    }

    private func loadExample() throws -> (FormDefinition, VoucherData) {
        let catalogue = try FormCatalogue.load(URL(fileURLWithPath: "Forms"))
        return (try catalogue.form("cash-withdrawal"), try catalogue.example("cash-withdrawal"))
    }

    private func signer(_ stem: String) throws -> Signer {
        guard let data = FileManager.default.contents(atPath: "\(certs)/\(stem).p12") else {
            throw ValidationError("\(certs)/\(stem).p12 is missing: run `countersign certs init` (or `make run`) first")
        }
        return try Signer.pkcs12(data, password: DevelopmentPKI.password)
    }

    static let sampleStrokes: [[StrokePoint]] = (0..<3).map { stroke in
        (0..<40).map { index in
            let t = Double(index) / 39
            return StrokePoint(
                x: 40 + Double(stroke) * 90 + t * 70, y: 60 + 25 * sin(t * 6.28 + Double(stroke)), t: Double(index * 12), pressure: 0.5)
        }
    }

    /// VmHWM from /proc: the most memory this process has held at once.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        let kilobytes = Double(line.split(separator: " ").compactMap { Double($0) }.first ?? 0)
        return kilobytes / 1024
    }
}
