import ArgumentParser
import Foundation

/// One measured case of a benchmark, as it is printed and as `--json` writes it.
struct BenchCase: Codable, Sendable {
    let name: String
    let count: Int
    /// Per second over the measured window (nil for one-at-a-time measurements).
    let perSecond: Double?
    let p50Ms: Double
    let p90Ms: Double
    let p99Ms: Double
    let maxMs: Double
    let failures: Int
    /// What else the case reports: per core, a ratio to a baseline, pyHanko's rate.
    var extra: [String: Double] = [:]

    init(_ name: String, _ latencies: Latencies, count: Int? = nil, seconds: Double?, extra: [String: Double] = [:]) {
        self.name = name
        self.count = count ?? latencies.count
        self.perSecond = seconds.map { Double(count ?? latencies.count) / $0 }
        self.p50Ms = latencies.milliseconds(atPercentile: 50)
        self.p90Ms = latencies.milliseconds(atPercentile: 90)
        self.p99Ms = latencies.milliseconds(atPercentile: 99)
        self.maxMs = latencies.maxMilliseconds
        self.failures = latencies.failures
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case name, count, failures, extra
        case perSecond = "per_second"
        case p50Ms = "p50_ms"
        case p90Ms = "p90_ms"
        case p99Ms = "p99_ms"
        case maxMs = "max_ms"
    }
}

/// A benchmark run: what ran, where, with which settings, and its cases.
struct BenchRun: Codable, Sendable {
    let bench: String
    let date: String
    let cores: Int
    let settings: [String: String]
    var cases: [BenchCase]

    init(bench: String, settings: [String: String], cases: [BenchCase] = []) {
        self.bench = bench
        self.date = ISO8601DateFormatter().string(from: Date())
        self.cores = ProcessInfo.processInfo.activeProcessorCount
        self.settings = settings
        self.cases = cases
    }

    /// The cases as a fixed-width table, as each bench prints them.
    var table: String {
        var lines = ["case                                    count   per s    p50 ms   p90 ms   p99 ms   max ms  failures"]
        for c in cases {
            lines.append(
                c.name.padding(toLength: 38, withPad: " ", startingAt: 0)
                    + String(
                        format: " %7d %7@ %8.2f %8.2f %8.2f %8.2f %8d", c.count, (c.perSecond.map { String(format: "%.0f", $0) } ?? "–") as NSString,
                        c.p50Ms, c.p90Ms, c.p99Ms, c.maxMs, c.failures))
        }
        return lines.joined(separator: "\n")
    }
}

/// `--json PATH`: where a bench also writes its run, for `countersign-bench report`.
struct JSONOutput: ParsableArguments {
    @Option(name: .customLong("json"), help: "Also write the results as JSON to this file (benchmarks/results/…).") var path: String?

    func write(_ run: BenchRun) throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(run).write(to: URL(fileURLWithPath: path))
    }
}
