import Foundation
import Testing

@testable import countersign_bench

/// Issue #17, part 5: one statistics type for every bench, and docs/benchmarks.md's figures generated from the
/// benches' JSON — in step with what is committed in benchmarks/results/.
@Suite struct BenchReportTests {
    @Test func percentilesComeFromTheHistogramWithinItsPrecision() {
        var latencies = Latencies()
        for ms in 1...1000 { latencies.record(seconds: Double(ms) / 1000) }
        latencies.fail()
        #expect(latencies.count == 1000 && latencies.failures == 1)
        // Three significant digits: within 0.1 % of the exact order statistic.
        #expect(abs(latencies.milliseconds(atPercentile: 50) - 500) <= 0.5)
        #expect(abs(latencies.milliseconds(atPercentile: 99) - 990) <= 1)
        #expect(abs(latencies.maxMilliseconds - 1000) <= 1)
        var other = Latencies()
        other.record(.seconds(2))
        latencies.add(other)
        #expect(latencies.count == 1001 && abs(latencies.maxMilliseconds - 2000) <= 2)
        #expect(Latencies().milliseconds(atPercentile: 99) == 0)
    }

    @Test func aCaseReportsItsRateAndPercentiles() throws {
        var latencies = Latencies()
        for _ in 0..<100 { latencies.record(seconds: 0.004) }
        let measured = BenchCase("x", latencies, seconds: 2, extra: ["per core": 25])
        #expect(measured.count == 100 && measured.perSecond == 50 && abs(measured.p50Ms - 4) < 0.01)
        let json = try JSONEncoder().encode(BenchRun(bench: "seal", settings: ["documents": "100"], cases: [measured]))
        let back = try JSONDecoder().decode(BenchRun.self, from: json)
        #expect(back.cases.first?.extra["per core"] == 25 && back.cases.first?.perSecond == 50)
        let section = BenchReport.section(back, named: "seal", cpu: nil)
        #expect(section.contains("| x | 100 | 50 | 4.00 |") && section.contains("per core"))
    }

    /// The generated block of docs/benchmarks.md is what `countersign-bench report` makes of benchmarks/results/
    /// now: a result committed without `make bench-report` (or figures edited by hand) fails here.
    @Test func theDocumentsFiguresAreTheCommittedResults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("benchmarks-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: copy) }
        let committed = try String(contentsOf: root.appendingPathComponent("docs/benchmarks.md"), encoding: .utf8)
        try committed.write(to: copy, atomically: true, encoding: .utf8)
        let report = try BenchReport.parse(["--results", root.appendingPathComponent("benchmarks/results").path, "--into", copy.path])
        try report.run()
        #expect(try String(contentsOf: copy, encoding: .utf8) == committed, "run `make bench-report` and commit docs/benchmarks.md")
    }
}
