import CPDF
import Foundation
import Synchronization

/// What a visible signature shows, drawn as vector graphics into its appearance stream (no fonts, no images:
/// nothing to embed, nothing to decode per document, and it stays sharp at any zoom).
public enum SignatureAppearance: Sendable {
    /// A handwritten signature: strokes of points in pad coordinates (y grows downwards, as pointer events report).
    case strokes([[StrokePoint]])
    /// A red round bank seal with a five-pointed star, transparent over the voucher text; with a face, the bank's
    /// name along the arc and the seal's name across (without, ticks stand in for them).
    case seal(SealFace?)

    /// The content stream for a box of `width` × `height` points.
    func contentStream(width: Double, height: Double) -> String {
        switch self {
        case .strokes(let strokes): return Self.strokeStream(strokes, width: width, height: height)
        case .seal(let face): return SealStreamCache.shared.stream(width: width, height: height, face: face)
        }
    }

    /// The appearance stream's bytes as written into the PDF, and its filter: the seal's drawing with a face is
    /// compressed once (FlateDecode) and copied into every voucher; the rest is small and written as it is.
    func streamObject(width: Double, height: Double) -> (bytes: [UInt8], filter: String?) {
        if case .seal(let face?) = self, let deflated = SealStreamCache.shared.deflated(width: width, height: height, face: face) {
            return (deflated, "FlateDecode")
        }
        return (Array(contentStream(width: width, height: height).utf8), nil)
    }

    private static func number(_ value: Double) -> String { PDFNumber.fixed2(value) }

    private static func strokeStream(_ strokes: [[StrokePoint]], width: Double, height: Double) -> String {
        let points = strokes.flatMap { $0 }
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(), let minY = points.map(\.y).min(),
            let maxY = points.map(\.y).max()
        else { return "" }
        // Fit the ink's bounding box into the field with a margin, keeping its aspect ratio.
        let margin = 4.0
        let scale = min((width - 2 * margin) / max(maxX - minX, 1), (height - 2 * margin) / max(maxY - minY, 1))
        let offsetX = (width - (maxX - minX) * scale) / 2
        let offsetY = (height - (maxY - minY) * scale) / 2
        var out = "q 0.05 0.1 0.35 RG 1 J 1 j\n"
        for stroke in strokes where !stroke.isEmpty {
            for (index, point) in stroke.enumerated() {
                let x = offsetX + (point.x - minX) * scale
                let y = height - (offsetY + (point.y - minY) * scale)
                // Pressure sets the pen width, as ink on paper would.
                if index == 0 {
                    out += "\(number(0.6 + 1.6 * point.pressure)) w \(number(x)) \(number(y)) m\n"
                } else {
                    out += "\(number(x)) \(number(y)) l\n"
                }
            }
            if stroke.count == 1 {
                out += "\(number(offsetX + (stroke[0].x - minX) * scale + 0.5)) \(number(height - (offsetY + (stroke[0].y - minY) * scale))) l\n"
            }
            out += "S\n"
        }
        return out + "Q\n"
    }

    fileprivate static func sealStream(width: Double, height: Double, face: SealFace?) -> String {
        let size = min(width, height)
        let (cx, cy) = (width / 2, height / 2)
        let outer = size / 2 - 2
        var out = "q 0.86 0.08 0.08 RG 0.86 0.08 0.08 rg\n"
        out += "\(number(size * 0.035)) w " + circle(cx, cy, outer) + "S\n"
        if face == nil { out += "\(number(size * 0.012)) w " + circle(cx, cy, outer * 0.86) + "S\n" }
        // Five-pointed star: outer points on radius R, inner on R × 0.382.
        let radius = outer * (face == nil ? 0.36 : 0.3)
        // With a face the star sits a little high, leaving room for the seal's name below it.
        let starY = face == nil ? cy : cy + outer * 0.04
        var star = ""
        for index in 0..<10 {
            let r = index % 2 == 0 ? radius : radius * 0.382
            let angle = Double.pi / 2 + Double(index) * Double.pi / 5
            let x = cx + r * cos(angle)
            let y = starY + r * sin(angle)
            star += "\(number(x)) \(number(y)) \(index == 0 ? "m" : "l")\n"
        }
        out += star + "h f\n"
        if let face { return out + face.stream(cx: cx, cy: cy, outer: outer) + "Q\n" }
        // Short radial ticks stand in for the seal's ring of characters.
        for index in 0..<24 where index % 6 != 3 {
            let angle = Double.pi / 2 + Double(index) * Double.pi / 12
            let (inner, outerTick) = (outer * 0.64, outer * 0.78)
            out += "\(number(size * 0.018)) w \(number(cx + inner * cos(angle))) \(number(cy + inner * sin(angle))) m "
            out += "\(number(cx + outerTick * cos(angle))) \(number(cy + outerTick * sin(angle))) l S\n"
        }
        return out + "Q\n"
    }

    /// A circle as four cubic Béziers.
    private static func circle(_ cx: Double, _ cy: Double, _ r: Double) -> String {
        let k = 0.5523 * r
        return "\(number(cx + r)) \(number(cy)) m "
            + "\(number(cx + r)) \(number(cy + k)) \(number(cx + k)) \(number(cy + r)) \(number(cx)) \(number(cy + r)) c "
            + "\(number(cx - k)) \(number(cy + r)) \(number(cx - r)) \(number(cy + k)) \(number(cx - r)) \(number(cy)) c "
            + "\(number(cx - r)) \(number(cy - k)) \(number(cx - k)) \(number(cy - r)) \(number(cx)) \(number(cy - r)) c "
            + "\(number(cx + k)) \(number(cy - r)) \(number(cx + r)) \(number(cy - k)) \(number(cx + r)) \(number(cy)) c\n"
    }
}

/// The seal's drawing depends only on its box and its face: computed once per seal and size, not once per document.
final class SealStreamCache: Sendable {
    static let shared = SealStreamCache()
    private let streams = Mutex<[String: String]>([:])

    private let compressed = Mutex<[String: [UInt8]]>([:])

    /// One drawing per box and face.
    static func key(width: Double, height: Double, face: SealFace?) -> String {
        "\(width)x\(height)/\(face.map { "\($0.fontPath)|\($0.ring)|\($0.center)" } ?? "")"
    }

    /// The drawing compressed; nil if compressing failed (the caller writes it uncompressed).
    func deflated(width: Double, height: Double, face: SealFace) -> [UInt8]? {
        let key = Self.key(width: width, height: height, face: face)
        if let bytes = compressed.withLock({ $0[key] }) { return bytes }
        let text = Array(stream(width: width, height: height, face: face).utf8)
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cp_deflate(text, text.count, &output, &length) == 0, let output else { return nil }
        defer { cp_free(output) }
        let bytes = Array(UnsafeBufferPointer(start: output, count: length))
        compressed.withLock { if $0.count < 256 { $0[key] = bytes } }
        return bytes
    }

    func stream(width: Double, height: Double, face: SealFace?) -> String {
        let key = Self.key(width: width, height: height, face: face)
        if let stream = streams.withLock({ $0[key] }) { return stream }
        // Drawn outside the lock: the first drawing of a face reads glyph outlines from the font.
        let stream = SignatureAppearance.sealStream(width: width, height: height, face: face)
        streams.withLock { if $0.count < 256 { $0[key] = stream } }
        return stream
    }
}

/// One sample of a handwritten stroke: position in pad pixels, time in milliseconds since the first point, pressure 0…1.
public struct StrokePoint: Codable, Sendable, Equatable {
    public let x: Double
    public let y: Double
    public let t: Double
    public let pressure: Double

    public init(x: Double, y: Double, t: Double, pressure: Double) {
        self.x = x
        self.y = y
        self.t = t
        self.pressure = pressure
    }
}
