import Foundation
import Storage
import TestSupport
import Testing

/// A Selenium script of Tests/Browser run against a real `countersign serve` on a fresh, seeded database: the
/// shared part of every browser test. The script's last output line (JSON) and the database are the test's to check;
/// `whileServing` runs after the script, while the service is still up.
enum BrowserCheck {
    struct Run {
        let db: TestDatabase
        let lastLine: String
    }

    static func run(
        _ script: String, arguments: [String] = [], environment extra: [String: String] = [:],
        prepare: (TestDatabase) async throws -> Void = { _ in }, whileServing: (ServiceProcess, Run) async throws -> Void = { _, _ in }
    ) async throws -> Run {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        try await prepare(db)
        var (environment, keyFile) = try await AuthzHarness.serviceEnvironment(directoryIn: db)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        environment.merge(extra) { _, new in new }
        let service = try await ServiceProcess.start(databaseURL: db.url(db.app), environment: environment)
        defer { service.stop() }
        // Debian's python3 has Debian's selenium; the python3 first on PATH may not (see pdf-signing-notes.md).
        let run = try await ChildProcess.run(
            "/usr/bin/python3", [Repository.path("Tests/Browser/\(script)"), "--base", "http://127.0.0.1:\(service.port)"] + arguments,
            timeout: .seconds(180))
        try #require(run.status == 0, "browser check \(script) failed:\n\(run.errors)\(run.output)")
        let result = Run(db: db, lastLine: run.output.split(separator: "\n").last.map(String.init) ?? "")
        try await whileServing(service, result)
        return result
    }
}
