import CPDF
import Foundation
import Synchronization

/// What a bank seal says, drawn as a Chinese bank seal is cut: the bank's (and branch's) name along the upper arc,
/// read clockwise, the star in the middle, the seal's name across below it — all in the CJK font, as filled glyph
/// outlines (the seal carries no font, and looks the same in every viewer).
public struct SealFace: Sendable, Hashable {
    public let ring: String
    public let center: String
    public let fontPath: String

    public init(ring: String, center: String, fontPath: String = VoucherRenderer.defaultFontPath) {
        self.ring = ring
        self.center = center
        self.fontPath = fontPath
    }

    /// The characters along the arc: at most this many, so they stay legible on an 88-point seal.
    static let maximumRing = 20
    static let maximumCenter = 8

    /// The glyphs placed in a seal of radius `outer` centred at (`cx`, `cy`), as content-stream operators (filled in
    /// the current colour).
    func stream(cx: Double, cy: Double, outer: Double) -> String {
        var out = ""
        let ringGlyphs = ring.unicodeScalars.prefix(Self.maximumRing).compactMap { GlyphOutlines.shared.glyph($0, font: fontPath) }
        if !ringGlyphs.isEmpty {
            // Up to 200° of arc, starting lower left and running over the top; fewer characters, a shorter arc.
            let step = ringGlyphs.count > 1 ? min(200.0 / Double(ringGlyphs.count - 1), 30.0) : 0
            // As large as fits: characters a little apart along the arc, none larger than a fifth of the seal.
            let nominal = outer * 0.28
            let size = step > 0 ? min(nominal, 0.9 * (outer * 0.93 - nominal * 0.62) * step * .pi / 180) : nominal
            let radius = outer * 0.93 - size * 0.62
            let span = step * Double(ringGlyphs.count - 1)
            for (index, glyph) in ringGlyphs.enumerated() {
                let degrees = 90 + span / 2 - Double(index) * step
                let angle = degrees * .pi / 180
                let point = (x: cx + radius * cos(angle), y: cy + radius * sin(angle))
                // The glyph's top points outwards: its baseline is the tangent.
                out += Self.place(glyph, at: point, rotation: angle - .pi / 2, size: size, squeeze: 1)
            }
        }
        let centerGlyphs = center.unicodeScalars.prefix(Self.maximumCenter).compactMap { GlyphOutlines.shared.glyph($0, font: fontPath) }
        if !centerGlyphs.isEmpty {
            let size = outer * 0.26
            let natural = centerGlyphs.reduce(0) { $0 + $1.advance } / 1000 * size
            // Longer names are cut narrower, as on a real seal, to stay inside the ring.
            let squeeze = min(1, outer * 1.25 / natural)
            var x = cx - natural * squeeze / 2
            let y = cy - outer * 0.5
            for glyph in centerGlyphs {
                let width = glyph.advance / 1000 * size * squeeze
                out += Self.place(glyph, at: (x + width / 2, y), rotation: 0, size: size, squeeze: squeeze)
                x += width
            }
        }
        return out
    }

    /// One glyph centred on `point`, turned by `rotation` (radians), `size` points high, narrowed by `squeeze`.
    static func place(_ glyph: GlyphOutlines.Glyph, at point: (x: Double, y: Double), rotation: Double, size: Double, squeeze: Double) -> String {
        let s = size / 1000
        let (cos, sin) = (Foundation.cos(rotation), Foundation.sin(rotation))
        // The glyph's middle in its own units: half its advance across, the middle of the CJK em box (−120…880) up.
        let (mx, my) = (glyph.advance / 2, 380.0)
        let a = s * squeeze * cos
        let b = s * squeeze * sin
        let c = -s * sin
        let d = s * cos
        let e = point.x - (a * mx + c * my)
        let f = point.y - (b * mx + d * my)
        let matrix = [a, b, c, d, e, f].map { String(format: "%.4f", $0) }.joined(separator: " ")
        return "q \(matrix) cm\n\(glyph.path)f Q\n"
    }
}

/// Glyph outlines read once per character and font (FreeType through CPDF), in thousandths of an em.
final class GlyphOutlines: Sendable {
    struct Glyph: Sendable {
        let path: String
        let advance: Double
    }

    static let shared = GlyphOutlines()
    /// Misses are kept too (as nil), so a character the font lacks does not reopen the font on every seal.
    private let glyphs = Mutex<[String: Glyph?]>([:])

    /// Nil when the font has no such character (it is left out of the drawing).
    func glyph(_ scalar: Unicode.Scalar, font: String) -> Glyph? {
        let key = "\(font)#\(scalar.value)"
        if let known = glyphs.withLock({ $0[key] }) { return known }
        var path: UnsafeMutablePointer<CChar>?
        var advance = 0.0
        var error = [CChar](repeating: 0, count: 256)
        var glyph: Glyph?
        if cp_glyph_path(font, scalar.value, &path, &advance, &error, error.count) == 0, let path {
            glyph = Glyph(path: String(cString: path), advance: advance)
            cp_free(path)
        }
        glyphs.withLock { if $0.count < 4096 { $0[key] = .some(glyph) } }
        return glyph
    }
}
