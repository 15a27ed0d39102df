/// Number formatting for PDF syntax without `String(format:)`, which on Linux goes through CoreFoundation and
/// showed up in every seal's profile.
enum PDFNumber {
    /// Two decimals, trailing zeros kept off: 12.5 → "12.50", -3 → "-3.00".
    static func fixed2(_ value: Double) -> String {
        let scaled = Int((value * 100).rounded())
        let magnitude = scaled.magnitude
        let fraction = magnitude % 100
        return (scaled < 0 ? "-" : "") + String(magnitude / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// Zero-padded to `width` digits, as cross-reference entries need.
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
