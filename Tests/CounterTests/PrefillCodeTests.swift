import Counter
import Testing

@Suite struct PrefillCodeTests {
    @Test func generatedCodesUseOnlyTheUnambiguousAlphabetAndDoNotRepeat() {
        let codes = (0..<2000).map { _ in PrefillCode.generate() }
        #expect(Set(codes.map(\.value)).count == codes.count)
        for code in codes {
            #expect(code.value.count == 8 && code.value.allSatisfy { PrefillCode.alphabet.contains($0) })
            #expect(code.description.count == 9 && code.description.dropFirst(4).first == "-")
        }
        for lookAlike in "01ILOU" { #expect(!PrefillCode.alphabet.contains(lookAlike)) }
        // Every character of the alphabet turns up: the generator is not stuck on a subset.
        #expect(Set(codes.flatMap(\.value)) == Set(PrefillCode.alphabet))
    }

    @Test(arguments: [
        ("ABCD-2345", "ABCD2345"), ("abcd 2345", "ABCD2345"), (" ab-cd-23-45 ", "ABCD2345"), ("ABCD-234", nil), ("ABCD-23456", nil),
        ("ABCD-2340", nil), ("OBCD-2345", nil), ("ABCD_2345", nil), ("ÅBCD-2345", nil),
    ])
    func typedCodes(typed: String, expected: String?) {
        #expect(PrefillCode(typed: typed)?.value == expected)
    }
}
