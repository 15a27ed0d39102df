import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput against a real PostgreSQL (results go in docs/benchmarks.md).",
        subcommands: [BenchAudit.self, BenchSeal.self, BenchAuthz.self, BenchCounter.self, BenchRequests.self])
}
