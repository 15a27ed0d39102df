import ArgumentParser
import Audit
import CommandSupport
import Storage

extension AuditCommand {
    /// Many concurrent writers appending to a few chains: used by the tests to run two processes at once.
    struct Stress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append test events from many concurrent writers (test and operations use).", shouldDisplay: false)

        @OptionGroup var options: GlobalOptions
        @Option(help: "Concurrent writers.") var writers = 32
        @Option(help: "Events per writer.") var events = 20
        @Option(help: "Comma-separated chains to spread events over.") var chains = "central"
        @Option(help: "Label written into each event's payload.") var label = "stress"

        func run() async throws {
            let logger = try options.makeLogger()
            var settings = try options.appDatabase()
            settings.maximumConnections = writers
            let chainList = chains.split(separator: ",").map(String.init)
            guard !chainList.isEmpty, writers > 0, events > 0 else { throw ValidationError("writers, events and chains must not be empty") }
            let (writers, events, label) = (writers, events, label)
            try await Database.with(settings, logger: logger) { database in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for index in 0..<events {
                                let chain = chainList[(writer + index) % chainList.count]
                                try await database.transaction { tx in
                                    try await AuditLog.append(
                                        AuditEvent(
                                            chain: chain, actor: "system:stress", action: "test.stress", subject: "writer:\(writer)",
                                            payload: ["label": .string(label), "index": .integer(Int64(index))]),
                                        in: tx)
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            print("appended \(writers * events) events")
        }
    }
}
