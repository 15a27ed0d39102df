import Foundation
import TestSupport

/// Third-party validators the voucher tests trust more than our own code: pyHanko, poppler's pdfsig, qpdf.
enum Oracles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct PyHankoStatus: Decodable {
        let field: String
        let intact: Bool
        let valid: Bool
        let trusted: Bool
        let coverage: String?
        let modification_level: String?
        let bottom_line: Bool
        let summary: String
        /// The signature time-stamp (PAdES B-T), when there is one.
        let timestamp: TimeStampStatus?
    }

    struct TimeStampStatus: Decodable {
        let intact: Bool
        let valid: Bool
        let trusted: Bool
        let time: String
    }

    /// Runs a validator without holding a thread of the concurrency pool (pyHanko takes seconds; the pool has two
    /// threads, and the service tests beside these have timeouts).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run("/usr/bin/env", [executable] + arguments, timeout: .seconds(300))
        return (result.status, result.output + result.errors)
    }

    /// For one-time set-up in a static initializer, which cannot wait: blocks its thread.
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func write(_ pdf: [UInt8], _ name: String = "voucher") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).pdf").path
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every signature of the file as pyHanko's validation sees it, trusting only `rootPEM`.
    static func pyHanko(_ path: String, root: String, moreRoots: [String] = []) async throws -> [PyHankoStatus] {
        let script = repository.appendingPathComponent("Tests/oracles/pyhanko_validate.py").path
        let result = try await run("python3", [script, path, root] + moreRoots)
        guard result.status == 0 else { throw OracleFailure(output: result.output) }
        return try result.output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try JSONDecoder().decode(PyHankoStatus.self, from: Data($0.utf8))
        }
    }

    /// pdfsig's verdict per signature. Its exit code is 0 even on a digest mismatch, so the text is read.
    static func pdfsig(_ path: String, nssDatabase: String) async throws -> [(validation: String, certificate: String)] {
        let output = try await run("pdfsig", ["-nssdir", "sql:\(nssDatabase)", path]).output
        var verdicts: [(String, String)] = []
        var validation = ""
        for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("- Signature Validation:") {
                validation = String(line.dropFirst("- Signature Validation:".count)).trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix("- Certificate Validation:") {
                verdicts.append((validation, String(line.dropFirst("- Certificate Validation:".count)).trimmingCharacters(in: .whitespaces)))
            }
        }
        return verdicts
    }

    /// An NSS database that trusts `rootPEM`, for pdfsig.
    static func nssDatabase(trusting root: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nss-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try runBlocking("certutil", ["-N", "-d", "sql:\(folder)", "--empty-password"])
        let added = try runBlocking("certutil", ["-A", "-d", "sql:\(folder)", "-n", "countersign-dev-root", "-t", "CT,C,C", "-i", root])
        guard added.status == 0 else { throw OracleFailure(output: added.output) }
        return folder
    }

    struct OracleFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { output }
    }
}
