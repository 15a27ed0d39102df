import ArgumentParser
import Foundation
import Hummingbird
import Storage
import Web

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Address to listen on. Env: COUNTERSIGN_HOST. Default: 127.0.0.1") var host: String?
    @Option(help: "Port to listen on. Env: COUNTERSIGN_PORT. Default: 8080") var port: Int?
    @Option(help: "Largest request body in bytes. Env: COUNTERSIGN_MAX_BODY_BYTES. Default: 1048576") var maxBodyBytes: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = try options.makeLogger()
        var configuration = WebConfiguration()
        configuration.host = host ?? environment["COUNTERSIGN_HOST"] ?? configuration.host
        configuration.port = try port ?? environment["COUNTERSIGN_PORT"].map { try Self.integer($0, "COUNTERSIGN_PORT") } ?? configuration.port
        configuration.maximumBodyBytes =
            try maxBodyBytes ?? environment["COUNTERSIGN_MAX_BODY_BYTES"].map { try Self.integer($0, "COUNTERSIGN_MAX_BODY_BYTES") }
            ?? configuration.maximumBodyBytes
        let settings = try options.appDatabase()

        // Refuse to serve on a schema this build does not match, or with a role that could rewrite the audit trail.
        try await Database.with(settings, logger: logger) { database in
            try await Migrator(migrations: try Migration.bundled()).requireCurrent(database)
            try await PrivilegeCheck.requireAppendOnly(database)
        }
        logger.info("starting", metadata: ["database": "\(settings)", "address": "\(configuration.host):\(configuration.port)"])
        let database = Database(settings: settings, logger: logger)
        let app = CountersignApp.buildApplication(database: database, configuration: configuration, logger: logger)
        try await app.runService()
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw ValidationError("\(name) must be a positive integer") }
        return value
    }
}
