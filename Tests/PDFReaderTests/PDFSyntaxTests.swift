import Testing

@testable import PDFReader

@Suite struct PDFSyntaxTests {
    @Test func utf16TextStringsAreDecoded() {
        #expect(PDFText.decode(Array("<FEFF7AE0>".utf8)) == "章")
    }

    /// Literal strings as other tools write them: escapes, octal (pyHanko's field names), a continued line, and
    /// UTF-16BE in octal after its byte-order mark; our own UTF-8 text as is.
    @Test func literalStringsHaveTheirEscapesResolved() {
        #expect(PDFText.decode(Array(#"(Signature Timestamp\055b259)"#.utf8)) == "Signature Timestamp-b259")
        #expect(PDFText.decode(Array(#"(a\(b\)c\\d\ne\tf)"#.utf8)) == "a(b)c\\d\ne\tf")
        #expect(PDFText.decode(Array("(one \\\ntwo)".utf8)) == "one two")
        #expect(PDFText.decode(Array(#"(\376\377\172\340)"#.utf8)) == "章")
        #expect(PDFText.decode(Array("(业务专用章)".utf8)) == "业务专用章")
        #expect(PDFText.decode(Array(#"(\7\77\1234)"#.utf8)) == "\u{07}?S4")
        #expect(PDFText.decode(Array(#"(\)"#.utf8)) == "\\")
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
