import ArgumentParser

/// `countersign-bench`: measures a running service and its parts against a real PostgreSQL. Not part of the shipped
/// `countersign` binary; results (with `--json`) go to benchmarks/results/ and from there into docs/benchmarks.md.
@main
struct CountersignBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countersign-bench",
        abstract: "Measure throughput and latency against a real PostgreSQL (results go in docs/benchmarks.md).",
        subcommands: [
            BenchAudit.self, BenchSeal.self, BenchAuthz.self, BenchCounter.self, BenchRequests.self, BenchSupervision.self, BenchReport.self,
        ])
}
