import Foundation
import Testing

@testable import Vouchers

@Suite struct PDFSyntaxTests {
    @Test(arguments: [
        (12.5, "12.50"), (0, "0.00"), (-3, "-3.00"), (595.28, "595.28"), (0.005, "0.01"), (-0.25, "-0.25"), (1234567.891, "1234567.89"),
    ])
    func fixedDecimals(value: Double, text: String) {
        #expect(PDFNumber.fixed2(value) == text)
    }

    @Test func paddedIntegers() {
        #expect(PDFNumber.padded(42, width: 10) == "0000000042")
        #expect(PDFNumber.padded(12_345_678_901, width: 10) == "12345678901")
    }

    @Test(arguments: [
        (0.0, "(D:19700101080000+08'00')"),
        (1_795_000_000.9, "(D:20261118190640+08'00')"),  // TZ=Asia/Shanghai date -d @1795000000
        (951_753_600.0, "(D:20000229000000+08'00')"),
        (-1.0, "(D:19700101075959+08'00')"),
    ])
    func signingTimesInChinaStandardTime(seconds: Double, text: String) {
        #expect(SignatureUpdate.pdfDate(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func textStringsUseUTF16ForNonASCII() {
        #expect(SignatureUpdate.textString("BankSeal") == "(BankSeal)")
        #expect(SignatureUpdate.textString("章") == "<FEFF7AE0>")
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
