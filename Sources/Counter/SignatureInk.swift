import Foundation

/// What a handwritten signature from the customer screen must be before it is kept: strokes of points in the
/// pad's own coordinates (0…1 across and down), times in milliseconds from the first touch, pressure 0…1 — and
/// enough ink to be a signature rather than a tap or a stray line.
public enum SignatureInk {
    public struct Point: Sendable, Equatable {
        public let x: Double
        public let y: Double
        public let t: Double
        public let pressure: Double

        public init(x: Double, y: Double, t: Double, pressure: Double) {
            (self.x, self.y, self.t, self.pressure) = (x, y, t, pressure)
        }
    }

    public enum Problem: Error, Sendable, Equatable {
        /// Out of bounds, too many points or strokes, time running backwards.
        case malformed(String)
        /// Empty, a dot or a short line.
        case tooLittleInk
    }

    /// The strokes as captured, stored (encrypted) and digested, in the one encoding every record of them uses —
    /// the capture's row and audit event, the voucher's row and the digest inside the signed PDF: one line per
    /// point, "x y t pressure" in fractions of the pad with fixed decimals, strokes separated by empty lines; stable
    /// across languages and JSON encoders.
    public static func canonical(_ strokes: [[Point]]) -> [UInt8] {
        func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
        let text = strokes.map { stroke in
            stroke.map { "\(fixed($0.x, 5)) \(fixed($0.y, 5)) \(fixed($0.t, 1)) \(fixed($0.pressure, 3))" }.joined(separator: "\n")
        }.joined(separator: "\n\n")
        return Array(text.utf8)
    }

    /// The strokes back from ``canonical(_:)``; nil when the text is not in that form.
    public static func parse(canonical bytes: [UInt8]) -> [[Point]]? {
        let text = String(decoding: bytes, as: UTF8.self)
        var strokes: [[Point]] = []
        for block in text.components(separatedBy: "\n\n") {
            var stroke: [Point] = []
            for line in block.split(separator: "\n") {
                let numbers = line.split(separator: " ").compactMap { Double($0) }
                guard numbers.count == 4 else { return nil }
                stroke.append(Point(x: numbers[0], y: numbers[1], t: numbers[2], pressure: numbers[3]))
            }
            guard !stroke.isEmpty else { return nil }
            strokes.append(stroke)
        }
        return strokes
    }

    public static let maximumStrokes = 60
    public static let maximumPoints = 5000
    /// Ten minutes: longer than anyone signs.
    public static let maximumMilliseconds = 600_000.0
    /// Pen travel, in pad widths, and how much of the pad's width the signature must span.
    public static let minimumLength = 0.6
    public static let minimumWidth = 0.15

    public static func check(_ strokes: [[Point]]) throws(Problem) {
        guard strokes.count <= maximumStrokes else { throw .malformed("at most \(maximumStrokes) strokes") }
        guard strokes.reduce(0, { $0 + $1.count }) <= maximumPoints else { throw .malformed("at most \(maximumPoints) points") }
        var length = 0.0
        var (left, right) = (Double.infinity, -Double.infinity)
        for stroke in strokes {
            for (index, point) in stroke.enumerated() {
                guard (0...1).contains(point.x), (0...1).contains(point.y), (0...1).contains(point.pressure),
                    (0...maximumMilliseconds).contains(point.t)
                else { throw .malformed("coordinates and pressure are 0…1, times 0…\(Int(maximumMilliseconds)) ms") }
                if index > 0 {
                    let previous = stroke[index - 1]
                    guard point.t >= previous.t else { throw .malformed("time runs backwards within a stroke") }
                    length += ((point.x - previous.x) * (point.x - previous.x) + (point.y - previous.y) * (point.y - previous.y)).squareRoot()
                }
                left = min(left, point.x)
                right = max(right, point.x)
            }
        }
        guard length >= minimumLength, right - left >= minimumWidth else { throw .tooLittleInk }
    }
}
