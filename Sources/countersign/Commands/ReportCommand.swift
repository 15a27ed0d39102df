import ArgumentParser
import CommandSupport
import Forms
import Storage

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The reports' rolled-up figures.", subcommands: [Roll.self])
}

extension ReportCommand {
    /// The service rolls today every few minutes; this fills in the days before it started (a restored database, a
    /// synthetic year, a day rolled again after a correction).
    struct Roll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll up the days from --from to --to (the bank's days, YYYY-MM-DD) and their months, quarters and years.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "The first day.") var from: String
        @Option(help: "The last day (default: --from).") var to: String?

        func run() async throws {
            guard let first = CivilDate(iso: from), let last = CivilDate(iso: to ?? from), first <= last else {
                throw ValidationError("--from and --to are days (YYYY-MM-DD), --from not after --to")
            }
            let logger = try options.makeLogger()
            let days = last.daysSince1970 - first.daysSince1970 + 1
            try await Database.with(try options.appDatabase(), logger: logger) { database in
                let progress = ProgressBar(total: days, label: "days rolled")
                var day = first
                while day <= last {
                    try await database.transaction { try await ReportStore.roll(day: day.description, in: $0) }
                    progress.advance(by: 1, note: day.description)
                    day = day.adding(days: 1)
                }
                progress.finish()
            }
            print("report roll: \(days) day(s) from \(first) to \(last)")
        }
    }
}
