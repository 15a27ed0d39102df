import Vouchers

/// Inputs for `countersign-bench seal` that are not vouchers: a long multi-page document.
enum BenchmarkDocuments {
    /// A `pages`-page A4 document of dense text, about `pages` × 50 KB, like a long contract attached to a voucher.
    static func longDocument(pages: Int, fontPath: String = VoucherRenderer.defaultFontPath) throws(VoucherError) -> [UInt8] {
        let canvas = try PDFCanvas(width: 595.28, height: 841.89, fontPath: fontPath)
        var generator = SplitMix64(seed: 2026)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for page in 0..<pages {
            if page > 0 { try canvas.newPage() }
            try canvas.text("合同附件 Contract annex — page \(page + 1) of \(pages)", x: 40, y: 800, size: 12)
            // Pseudo-random text compresses poorly, which keeps the file near the size a scanned annex would have.
            for line in 0..<280 {
                let text = String((0..<150).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
                try canvas.text(text, x: 20, y: 780 - Double(line) * 2.75, size: 2.4)
            }
        }
        return try canvas.write(title: "Countersign benchmark document")
    }
}

/// A small deterministic generator, so every run signs the same bytes.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
