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
    }
}
