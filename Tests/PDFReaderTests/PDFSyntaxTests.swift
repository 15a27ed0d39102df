import Testing

@testable import PDFReader

@Suite struct PDFSyntaxTests {
    @Test func utf16TextStringsAreDecoded() {
        #expect(PDFText.decode(Array("<FEFF7AE0>".utf8)) == "章")
    }

    @Test func dictionariesRoundTripTheirRawValues() throws {
        var scanner = PDFScanner(Array("<</Type/Page/Parent 3 0 R/MediaBox[ 0 0 595.28 419.53]/Resources<</Font<</Ft5 5 0 R>>>>/T(a\\)b(c))>>".utf8))
        var dictionary = try scanner.dictionary()
        #expect(dictionary.text("Parent") == "3 0 R")
        #expect(dictionary.text("MediaBox") == "[ 0 0 595.28 419.53]")
        #expect(dictionary.text("T") == "(a\\)b(c))")
        dictionary["Annots"] = Array("[7 0 R]".utf8)
        var reread = PDFScanner(dictionary.serialized)
        #expect(try reread.dictionary().text("Annots") == "[7 0 R]")
        #expect(try PDFScanner.references(inArray: Array("[ 4 0 R 12 0 R]".utf8)) == [PDFReference(number: 4), PDFReference(number: 12)])
    }
}
