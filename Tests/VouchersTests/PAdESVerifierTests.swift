import Foundation
import PDFReader
import Testing
import Vouchers

@Suite struct PAdESVerifierTests {
    static var rootPEM: String { (try? String(contentsOfFile: PAdESSigningTests.root, encoding: .utf8)) ?? "" }

    @Test func listsEverySignatureWithItsCoverage() throws {
        let reports = try PAdESVerifier.verify(try PAdESSigningTests.signedAndSealed(seal: "seal-ec"), trustedRootsPEM: Self.rootPEM)
        #expect(reports.map(\.field) == ["CustomerSignature", "BankSeal"])
        #expect(reports.allSatisfy { $0.isValid })
        #expect(reports.map(\.coverage) == [.earlierRevision, .wholeFile])
        #expect(reports[0].signer.contains("Counter Witness"))
        #expect(reports[1].signer.contains("业务专用章"))
        #expect(reports.allSatisfy { $0.claimedTime.hasPrefix("D:") && $0.claimedTime.hasSuffix("+08'00'") })
    }

    @Test func aChangedByteIsReportedAsNotIntact() throws {
        var pdf = try PAdESSigningTests.signedAndSealed(seal: "seal-rsa")
        pdf[2000] ^= 0x01
        let reports = try PAdESVerifier.verify(pdf, trustedRootsPEM: Self.rootPEM)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { !$0.intact && !$0.isValid })
    }

    @Test func aSignerFromAnotherPKIIsIntactButNotTrusted() throws {
        let other = try String(contentsOfFile: TestPKI.shared.path("root.pem"), encoding: .utf8)
        let reports = try PAdESVerifier.verify(try PAdESSigningTests.signedAndSealed(seal: "seal-rsa"), trustedRootsPEM: other)
        #expect(reports.allSatisfy { $0.intact && !$0.chainTrusted })
    }

    @Test func anUnsignedVoucherHasNoSignaturesAndGarbageIsRefused() throws {
        #expect(try PAdESVerifier.verify(try PAdESSigningTests.voucher(), trustedRootsPEM: Self.rootPEM).isEmpty)
        #expect(throws: PDFReadError.self) {
            try PAdESVerifier.verify(Array("%PDF-1.7 nothing else here at all".utf8), trustedRootsPEM: Self.rootPEM)
        }
    }

    /// Signature wrapping (issue #13): every byte the seal signed is kept, but the CMS's hex string is closed early
    /// and the rest of the unsigned gap carries PDF syntax. The old verifier called this file genuine.
    @Test func syntaxWrittenIntoTheUnsignedGapIsNotIntact() throws {
        var pdf = try PAdESSigningTests.signedAndSealed(seal: "seal-ec")
        let seal = try #require(try SignedPDF(pdf).signatures.last)
        let cmsEnd = seal.ranges[0].upperBound + 1 + 2 * (seal.cms.lastIndex(where: { $0 != 0 }).map { $0 + 1 } ?? 0)
        let forged = Array("> /Forged (PAY 9,999,999.00) /Pad <".utf8)
        pdf.replaceSubrange(cmsEnd + 8..<cmsEnd + 8 + forged.count, with: forged)
        let reports = try PAdESVerifier.verify(pdf, trustedRootsPEM: Self.rootPEM)
        #expect(reports.count == 2)
        #expect(reports[1].field == "BankSeal")
        #expect(!reports[1].intact && !reports[1].isValid)
    }

    /// A revision appended after the seal that rewrites the page's content: both signatures stay intact over their
    /// own bytes, and both are reported as changed afterwards.
    @Test func contentRewrittenAfterSealingIsReported() throws {
        var pdf = try PAdESSigningTests.signedAndSealed(seal: "seal-rsa")
        let structure = try PDFFileStructure(pdf)
        let catalog = try structure.dictionary(structure.root)
        let pages = try structure.dictionary(try #require(catalog["Pages"].flatMap(PDFReference.init)))
        let kids = try #require(pages["Kids"])
        let page = try #require(try PDFScanner.references(inArray: kids).first)
        let content = try #require(try structure.dictionary(page)["Contents"].flatMap(PDFReference.init))
        let stream = "BT /F1 24 Tf 72 300 Td (PAY 9,999,999.00) Tj ET"
        let object = "\(content.number) 0 obj\n<</Length \(stream.utf8.count)>>\nstream\n\(stream)\nendstream\nendobj\n"
        let offset = pdf.count
        let digits = String(offset)
        let xref = "xref\n\(content.number) 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        let trailer =
            "trailer\n<</Size \(structure.size) /Root \(structure.root) /Prev \(structure.startXref)>>\nstartxref\n\(offset + object.utf8.count)\n%%EOF\n"
        pdf += Array((object + xref + trailer).utf8)
        let reports = try PAdESVerifier.verify(pdf, trustedRootsPEM: Self.rootPEM)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.intact && !$0.laterChangesAllowed && !$0.isValid })
    }

    /// 8,000 nested arrays in the trailer overflowed the stack and killed the process (issue #13).
    @Test func deeplyNestedSyntaxIsRefusedWithoutCrashing() throws {
        var pdf = try PAdESSigningTests.signedAndSealed(seal: "seal-ec")
        let keyword = Array("trailer\n<<".utf8)
        let trailer = try #require((0...(pdf.count - keyword.count)).last { pdf[$0..<$0 + keyword.count].elementsEqual(keyword) })
        let insertion = trailer + keyword.count
        pdf.insert(contentsOf: Array(("/Deep " + String(repeating: "[", count: 8000) + " ").utf8), at: insertion)
        #expect(throws: PDFReadError.self) { try PAdESVerifier.verify(pdf, trustedRootsPEM: Self.rootPEM) }
    }
}
