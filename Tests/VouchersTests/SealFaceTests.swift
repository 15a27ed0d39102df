import Foundation
import TestSupport
import Testing

@testable import Vouchers

/// Issue #14, part 6: the visible seal is drawn like a Chinese bank seal — the bank's name along the arc and the
/// seal's name across, in the CJK font (as glyph outlines, so the seal needs no font), drawn once per seal.
@Suite struct SealFaceTests {
    static let face = SealFace(ring: "示例银行北京分行营业部", center: "业务专用章")

    @Test func everyCharacterIsDrawnFromTheFontAndTheDrawingIsMadeOncePerSeal() throws {
        let stream = SignatureAppearance.seal(Self.face).contentStream(width: 88, height: 88)
        // One placed, filled glyph per character: eleven along the arc, five across.
        #expect(stream.components(separatedBy: " cm\n").count - 1 == 16)
        #expect(stream.contains(" c\n") && stream.hasSuffix("Q\n"), "outlines are Bézier paths")
        #expect(stream == SignatureAppearance.seal(Self.face).contentStream(width: 88, height: 88))
        // The arc runs left to right over the top: the first character sits left of the centre, the last right.
        let positions = stream.components(separatedBy: "\n").filter { $0.hasSuffix(" cm") }.map {
            $0.split(separator: " ").compactMap { Double($0) }
        }
        #expect(positions.count == 16 && positions[0].count == 6)
        let glyph = try #require(GlyphOutlines.shared.glyph("示", font: VoucherRenderer.defaultFontPath))
        func centre(_ m: [Double]) -> (Double, Double) {
            (m[0] * glyph.advance / 2 + m[2] * 380 + m[4], m[1] * glyph.advance / 2 + m[3] * 380 + m[5])
        }
        let (first, middle, last) = (centre(positions[0]), centre(positions[5]), centre(positions[10]))
        #expect(first.0 < 44 && last.0 > 44 && middle.1 > 70, "\(first) \(middle) \(last)")
        // Inside the box.
        for m in positions { #expect((0...88).contains(centre(m).0) && (0...88).contains(centre(m).1)) }
        // Without a face the seal keeps its plain drawing.
        #expect(!SignatureAppearance.seal(nil).contentStream(width: 88, height: 88).contains(" cm\n"))
    }

    @Test func aCharacterTheFontLacksIsLeftOut() {
        #expect(GlyphOutlines.shared.glyph("😀", font: VoucherRenderer.defaultFontPath) == nil)
        #expect(GlyphOutlines.shared.glyph("银", font: "/nonexistent.ttf") == nil)
        let stream = SealFace(ring: "示例😀银行", center: "章").stream(cx: 44, cy: 44, outer: 42)
        #expect(stream.components(separatedBy: " cm\n").count - 1 == 5)
    }

    /// Kept for decades in every voucher, the face's outlines are written compressed (FlateDecode, drawn and
    /// compressed once per seal): the face costs a few kilobytes per file, not tens.
    @Test func theFaceIsWrittenCompressed() throws {
        let signed = try CustomerSignature.sign(
            try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try PAdESSigningTests.signer("witness"), at: Date())
        let seal = try PAdESSigningTests.signer("seal-ec")
        let plain = try BankSeal.stamp(signed, with: seal, name: "业务专用章", at: Date())
        let faced = try BankSeal.stamp(signed, with: seal, name: "业务专用章", face: Self.face, at: Date())
        let text = SignatureAppearance.seal(Self.face).contentStream(width: 88, height: 88).utf8.count
        #expect(text > 20_000, "the outlines as text: \(text) bytes")
        #expect(faced.count - plain.count < text / 2, "the face adds \(faced.count - plain.count) bytes")
        let tail = String(decoding: faced[signed.count...], as: UTF8.self)
        #expect(tail.contains("/Filter /FlateDecode"))
    }

    /// A sealed voucher with the face, rendered to an image for people to look at (test-artifacts/seal/).
    @Test func theSealedVoucherShowsTheSeal() async throws {
        let signed = try CustomerSignature.sign(
            try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try PAdESSigningTests.signer("witness"), at: Date())
        let sealed = try BankSeal.stamp(signed, with: try PAdESSigningTests.signer("seal-ec"), name: "业务专用章", face: Self.face, at: Date())
        let path = try Oracles.write(sealed)
        let statuses = try await Oracles.pyHanko(path, root: PAdESSigningTests.root)
        #expect(statuses.count == 2 && statuses.allSatisfy(\.valid))
        let folder = Repository.artifacts("seal")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let image = try await ChildProcess.run("/usr/bin/env", ["pdftoppm", "-png", "-r", "200", "-singlefile", path, folder + "/sealed-voucher"])
        #expect(image.status == 0, "\(image.errors)")
    }
}
