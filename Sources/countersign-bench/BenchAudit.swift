import ArgumentParser
import Audit
import CommandSupport
import Foundation
import Logging
import Storage

/// Hash-chained appends against plain inserts of the same rows, in the same run, at several writer counts.
///
/// It works in a scratch database it creates (as the owner role, which needs CREATEDB) and drops afterwards, so
/// the real audit trail never carries benchmark rows. Writers connect as the application role, as the service does.
struct BenchAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Chained audit appends vs plain inserts.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Comma-separated writer counts.") var writers = "1,8,32"
    @Option(help: "Seconds per measurement.") var seconds = 4.0
    @Option(help: "Times plain and chained alternate at each writer count.") var rounds = 2
    @Option(help: "Chains the events are spread over (branches); 1 measures a naive single chain.") var chains = 64
    @Flag(help: "Also measure a single chain at each writer count.") var singleChain = false
    @Option(help: "Also measure chained appends of this many events per statement (1: skip).") var batch = 1
    @OptionGroup var json: JSONOutput

    func run() async throws {
        let logger = try options.makeLogger()
        let writerCounts = try writers.split(separator: ",").map { text -> Int in
            guard let count = Int(text), (1...256).contains(count) else { throw ValidationError("writer counts must be 1…256") }
            return count
        }
        guard seconds > 0, seconds <= 600, chains >= 1, (1...20).contains(rounds), (1...1000).contains(batch) else {
            throw ValidationError("seconds must be in (0, 600], chains ≥ 1, rounds 1…20, batch 1…1000")
        }
        let owner = try options.ownerDatabase()
        let scratch = "countersign_bench_\(ProcessInfo.processInfo.processIdentifier)"
        let admin = owner.with(database: "postgres")
        try await Database.with(admin, logger: logger) { try await $0.read { try await $0.execute(sql: "CREATE DATABASE \(scratch)") } }
        do {
            try await prepare(owner.with(database: scratch), logger: logger)
            var app = try options.appDatabase().with(database: scratch)
            app.maximumConnections = (writerCounts.max() ?? 1) + 2
            let plan = BenchPlan(
                writerCounts: writerCounts, duration: .milliseconds(Int64(seconds * 1000)), chains: chains, singleChain: singleChain, batch: batch,
                rounds: rounds)
            let (run, verified) = try await Database.with(app, logger: logger) { try await plan.run(on: $0) }
            print(
                "bench audit: \(rounds) × \(seconds) s per mode, events over \(chains) chains, fsync=\(run.settings["fsync"] ?? "?"), \(run.cores) cores"
                    + (batch > 1 ? "; chained batch: \(batch) events per statement (latency per statement)" : ""))
            print(run.table)
            print(verified)
            try json.write(run)
        } catch {
            try? await drop(scratch, admin: admin, logger: logger)
            throw error
        }
        try await drop(scratch, admin: admin, logger: logger)
    }

    private func prepare(_ settings: DatabaseSettings, logger: Logger) async throws {
        try await Database.with(settings, logger: logger) { database in
            try await Migrator(migrations: try Migration.bundled()).migrate(database)
            try await database.read { tx in
                // The same columns, constraints and indexes as audit_events; no link trigger, no chain.
                try await tx.execute(sql: "CREATE TABLE bench_plain_events (LIKE audit_events INCLUDING ALL)")
                try await tx.execute(sql: "GRANT INSERT ON bench_plain_events TO countersign_app")
                try await tx.execute(sql: "SHOW fsync")
            }
        }
    }

    /// The writers' backends outlive their closed connections by a moment, and the owner may not terminate the
    /// application role's backends (`WITH (FORCE)` would need `pg_signal_backend`), so the drop waits for them.
    private func drop(_ scratch: String, admin: DatabaseSettings, logger: Logger) async throws {
        try await Database.with(admin, logger: logger) { database in
            for attempt in 1... {
                do {
                    return try await database.read { try await $0.execute(sql: "DROP DATABASE IF EXISTS \(scratch)") }
                } catch {
                    if attempt == 50 { throw error }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
