import Counter
import Testing

@Suite struct SignatureInkTests {
    typealias P = SignatureInk.Point

    /// A zigzag across most of the pad: a plausible signature.
    static let signature: [[P]] = [
        (0..<40).map { P(x: 0.1 + Double($0) * 0.02, y: $0 % 2 == 0 ? 0.3 : 0.7, t: Double($0) * 12, pressure: 0.5) }
    ]

    @Test func aSignatureIsAccepted() throws {
        try SignatureInk.check(Self.signature)
    }

    @Test(arguments: [
        ("nothing", [[P]]()),
        ("a tap", [[P(x: 0.5, y: 0.5, t: 0, pressure: 0.5)]]),
        ("a short line", [[P(x: 0.1, y: 0.5, t: 0, pressure: 0.5), P(x: 0.3, y: 0.5, t: 40, pressure: 0.5)]]),
        ("scribble in one spot", [(0..<200).map { P(x: 0.5 + ($0 % 2 == 0 ? 0.01 : 0), y: 0.5, t: Double($0), pressure: 0.5) }]),
    ])
    func tooLittleInkIsRefused(name: String, strokes: [[P]]) {
        #expect(throws: SignatureInk.Problem.tooLittleInk, "\(name)") { try SignatureInk.check(strokes) }
    }

    @Test func malformedStrokesAreRefused() {
        var outside = Self.signature
        outside[0][3] = P(x: 1.5, y: 0.5, t: 36, pressure: 0.5)
        var backwards = Self.signature
        backwards[0][5] = P(x: 0.2, y: 0.3, t: 1, pressure: 0.5)
        let tooMany = Array(repeating: Self.signature[0], count: 61)
        for strokes in [outside, backwards, tooMany] {
            #expect(throws: SignatureInk.Problem.self) { try SignatureInk.check(strokes) }
            #expect((try? SignatureInk.check(strokes)) == nil)
        }
    }
}
