import Foundation
import Histogram
import Synchronization

/// The one statistics type of the benchmarks: latencies in an HdrHistogram (microseconds, three significant
/// digits, up to ten minutes), with the count of failures beside them. Percentiles come from the histogram, so a
/// run of millions costs a fixed few kilobytes and recording never sorts or allocates.
struct Latencies: Sendable {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private(set) var failures = 0

    init() {}

    mutating func record(seconds: Double) { _ = histogram.record(UInt64(max(0, (seconds * 1_000_000).rounded()))) }
    mutating func record(_ elapsed: Duration) { record(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) }
    mutating func fail() { failures += 1 }
    mutating func add(_ other: Latencies) {
        histogram.add(other.histogram)
        failures += other.failures
    }

    var count: Int { Int(histogram.totalCount) }

    /// The latency at percentile `p` (0…100), in milliseconds; 0 with nothing recorded.
    func milliseconds(atPercentile p: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(p)) / 1000
    }

    var maxMilliseconds: Double { count == 0 ? 0 : Double(histogram.max) / 1000 }
}

/// Latencies recorded from many tasks or threads at once.
final class LatencyRecorder: Sendable {
    private let state = Mutex(Latencies())

    func record(_ elapsed: Duration) { state.withLock { $0.record(elapsed) } }
    func record(seconds: Double) { state.withLock { $0.record(seconds: seconds) } }
    func fail() { state.withLock { $0.fail() } }
    var count: Int { state.withLock { $0.count } }
    var latencies: Latencies { state.withLock { $0 } }
}
