import Foundation
import Storage
import TestSupport
import Testing
import Vouchers

/// `COUNTERSIGN_ENV=production` refuses to serve with what this repository publishes or makes for development
/// (issue #13). The same set-up in development starts; production names every problem and exits.
@Suite struct ProductionModeTests {
    @Test func productionRefusesDemoUsersDevelopmentSealsTheDevelopmentRootAndReadableCAKeys() async throws {
        let db = try await TestDatabase.fresh()
        // The demo users through the CLI, as `make run` seeds them: ten real scrypt hashes in a child process,
        // not on the test runner's cooperative threads (two here, shared by every test running beside this one).
        let seeded = try await ChildProcess.run(
            CountersignBinary.path, ["seed", "--owner-url", db.url(db.owner), "--log-level", "error"], timeout: .seconds(120))
        #expect(seeded.status == 0, "\(seeded.errors)")
        let registry = try SealRegistryTests.registry()
        try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        let (service, keyFile) = try await AuthzHarness.serviceEnvironment(directoryIn: db)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        var environment = service
        environment["COUNTERSIGN_TRUSTED_ROOTS"] = SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path
        environment["COUNTERSIGN_P12_PASSWORD"] = nil
        environment["COUNTERSIGN_TSA_ROOTS"] = SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path
        func serve(_ mode: String) async throws -> ChildProcess.Result {
            var values = environment
            values["COUNTERSIGN_ENV"] = mode
            return try await ChildProcess.run(
                CountersignBinary.path, ["serve", "--database-url", db.url(db.app), "--port", "0", "--log-level", "warning"],
                // A guard against a hang, not a speed requirement: under the whole suite on two cores, start-up has taken over 20 s.
                environment: values, timeout: .seconds(90))
        }
        let refused = try await serve("production")
        #expect(refused.status != 0 && refused.status != SIGTERM, "production exits by itself")
        for problem in [
            "COUNTERSIGN_P12_PASSWORD", "trusts the development root CA", "root-ca.key is readable", "demo user super1",
            "seal BR001-BUSINESS is a development seal", "COUNTERSIGN_TSA_URL is unset", "trusts the development time-stamping root",
            "COUNTERSIGN_OCSP_URL is unset",
        ] {
            #expect(refused.errors.contains(problem), "\(problem) in \(refused.errors)")
        }
        #expect(try await serve("staging").errors.contains("COUNTERSIGN_ENV must be development or production"))
        // The same set-up passes the start-up checks in development (and runs until the test stops it).
        let development = try await ChildProcess.run(
            CountersignBinary.path, ["serve", "--database-url", db.url(db.app), "--port", "0", "--log-level", "info"],
            environment: environment, timeout: .seconds(30))
        #expect((development.output + development.errors).contains("starting"), "\(development.errors)")
        #expect(!(development.output + development.errors).contains("refusing"))
    }
}
