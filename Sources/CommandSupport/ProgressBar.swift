import Foundation

/// A progress bar on standard error for long batch commands: redrawn in place on a terminal; on anything else
/// (a log file, CI) one line per tenth of the way, so the output stays readable.
public final class ProgressBar {
    let total: Int
    let label: String
    private var done = 0
    private var lastTenth = -1
    private let interactive = isatty(STDERR_FILENO) == 1
    private let started = Date()

    public init(total: Int, label: String) {
        self.total = max(total, 0)
        self.label = label
    }

    /// `note` is what the count so far means (e.g. "12 renewed").
    public func advance(by count: Int, note: String) {
        done = min(total, done + count)
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(started)
        let line = "\(label) \(done)/\(total) \(String(format: "%3.0f%%", fraction * 100)) \(note) \(String(format: "%.0f s", elapsed))"
        if interactive {
            let width = 30
            let filled = Int(fraction * Double(width))
            write("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(line)")
        } else if Int(fraction * 10) > lastTenth {
            lastTenth = Int(fraction * 10)
            write(line + "\n")
        }
    }

    public func finish() {
        if interactive { write("\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
