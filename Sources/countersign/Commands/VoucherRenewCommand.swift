import ArgumentParser
import CommandSupport
import Foundation
import Services
import Storage
import Web

extension VoucherCommand {
    /// Archive renewal of the stored vouchers (issue #16, part 5).
    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a fresh archive time-stamp to sealed vouchers whose newest one's certificate expires within the window (audited).",
            discussion: """
                Uses the service's TSA and CA (COUNTERSIGN_TSA_URL or the development TSA; COUNTERSIGN_OCSP_URL and \
                COUNTERSIGN_CRL_URLS, or the development PKI in COUNTERSIGN_PKI_DIR). Each voucher is renewed in its own \
                transaction with its audit event; stopping midway loses nothing, and running again carries on.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "Renew when the newest archive time-stamp's certificate expires within this many days.") var withinDays = 365
        @Option(help: "Vouchers read per batch.") var batch = 50
        @Option(help: "Start after this voucher id (the last one a stopped run printed); by default from the first.") var after = ""
        @Option(help: "Who is renewing (recorded in the audit trail).") var actor = "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")"

        func validate() throws {
            guard (1...36_500).contains(withinDays) else { throw ValidationError("--within-days must be 1–36500") }
            guard (1...1000).contains(batch) else { throw ValidationError("--batch must be 1–1000") }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let logger = try options.makeLogger()
            let mode = try ProductionReadiness.environment(environment)
            let (horizon, batch, actor, after) = (Date().addingTimeInterval(Double(withinDays) * 86_400), batch, actor, after)
            let summary = try await Database.with(try options.appDatabase(), logger: logger) { database in
                let timeStamping = try TimeStamping.configure(environment: environment)
                let pki = Serve.pkiPublication(database: database, mode: mode, environment: environment, logger: logger)
                guard let revocation = Serve.revocationCheck(pki: pki, environment: environment, logger: logger) else {
                    throw ValidationError("no CA to ask for the renewal's revocation data: set COUNTERSIGN_OCSP_URL and COUNTERSIGN_CRL_URLS")
                }
                let renewal = ArchiveRenewal(database: database, timeStamper: timeStamping.stamper, revocation: revocation, actor: actor)
                let progress = ProgressBar(total: try await renewal.candidates(horizon: horizon, after: after), label: "renewing")
                var (cursor, renewed, skipped) = (after, 0, [(voucher: String, why: String)]())
                while true {
                    let done: ArchiveRenewal.Batch
                    do { done = try await renewal.renewBatch(after: cursor, horizon: horizon, limit: batch) } catch let stop as ArchiveRenewal.Stopped
                    {
                        progress.finish()
                        print("stopped: \(stop); renewed \(renewed) so far" + (cursor.isEmpty ? "" : "; vouchers up to \(cursor) were looked at"))
                        throw ExitCode(1)
                    }
                    guard let last = done.cursor else { break }
                    (cursor, renewed, skipped) = (last, renewed + done.renewed, skipped + done.skipped)
                    progress.advance(by: done.looked, note: "\(renewed) renewed")
                }
                progress.finish()
                return (renewed, skipped)
            }
            for (voucher, why) in summary.1.prefix(20) { print("skipped \(voucher): \(why)") }
            if summary.1.count > 20 { print("… and \(summary.1.count - 20) more skipped") }
            print("renewed \(summary.0) voucher(s); skipped \(summary.1.count)")
        }
    }
}
