import Foundation
import Testing

@testable import PDFReader

/// What the reader decides about a signature before any cryptography: does /ByteRange leave out exactly its own
/// /Contents, and did the revisions after it change only what a later signature may change?
@Suite struct SignatureCoverageTests {
    @Test func anHonestlySignedFileIsCoveredWhole() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Customer")
        let signatures = try SignedPDF(pdf.bytes).signatures
        #expect(signatures.count == 1)
        #expect(signatures[0].field == "Customer")
        #expect(signatures[0].coversWholeFile)
        #expect(signatures[0].coverageProblem == nil)
        #expect(signatures[0].cms == [UInt8](repeating: 0xAB, count: 64))
    }

    @Test func aSecondSignatureIsAnAllowedChangeForTheFirst() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Customer")
        pdf.sign(field: "Seal")
        let signatures = try SignedPDF(pdf.bytes).signatures
        #expect(signatures.map(\.field) == ["Customer", "Seal"])
        #expect(!signatures[0].coversWholeFile)
        #expect(signatures[0].coverageProblem == nil)
        #expect(signatures[0].laterChangeProblem == nil)
        #expect(signatures[1].coversWholeFile)
    }

    /// Signature wrapping: the byte range's gap is wider than /Contents, so unsigned bytes after the CMS are part of
    /// what a reader parses.
    @Test func aGapWiderThanContentsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal", gapExtra: 40)
        let signature = try #require(try SignedPDF(pdf.bytes).signatures.first)
        #expect(signature.coverageProblem != nil)
    }

    /// The gap is exactly /Contents in the signer's file, but a forger closed the hex string early and wrote PDF
    /// syntax into the rest of the unsigned gap.
    @Test func syntaxInsideTheGapIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal", reserve: 64)
        pdf.overwrite(at: pdf.lastGap.lowerBound + 21, with: "> /Forged (PAY 9,999,999.00) /Pad <")
        #expect(try SignedPDF(pdf.bytes).signatures.first?.coverageProblem != nil)
    }

    @Test func aByteRangeNotStartingAtZeroIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let text = String(decoding: pdf.bytes, as: UTF8.self)
        let at = try #require(text.utf8.firstRange(of: "/ByteRange [0 ".utf8)).lowerBound
        pdf.overwrite(at: text.utf8.distance(from: text.utf8.startIndex, to: at) + 12, with: "1")
        #expect(try SignedPDF(pdf.bytes).signatures.first?.coverageProblem != nil)
    }

    /// A later revision that rewrites the page's content stream: the signed version said 100.00.
    @Test func rewritingSignedContentAfterwardsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let forged = "BT /F1 12 Tf 72 700 Td (PAY 9,999,999.00) Tj ET"
        pdf.append([(MiniPDF.content, "<</Length \(forged.utf8.count)>>\nstream\n\(forged)\nendstream")])
        let signature = try #require(try SignedPDF(pdf.bytes).signatures.first)
        #expect(signature.coverageProblem == nil)
        #expect(!signature.coversWholeFile)
        #expect(signature.laterChangeProblem != nil)
    }

    @Test func addingAPageAfterwardsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let page = pdf.newObject()
        pdf.append([
            (MiniPDF.pages, "<</Type /Pages /Kids [3 0 R \(page) 0 R] /Count 2>>"),
            (page, "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R>>"),
        ])
        #expect(try SignedPDF(pdf.bytes).signatures.first?.laterChangeProblem != nil)
    }

    @Test func changingAPageBeyondItsAnnotationsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let content = pdf.newObject()
        let stream = "BT (PAID) Tj ET"
        pdf.append([
            (content, "<</Length \(stream.utf8.count)>>\nstream\n\(stream)\nendstream"),
            (MiniPDF.page, "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R \(content) 0 R] /Annots [6 0 R]>>"),
        ])
        #expect(try SignedPDF(pdf.bytes).signatures.first?.laterChangeProblem != nil)
    }

    @Test func anotherRootAfterwardsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let catalog = pdf.newObject()
        pdf.append([(catalog, "<</Type /Catalog /Pages 2 0 R /AcroForm 7 0 R>>")], root: catalog)
        #expect(try SignedPDF(pdf.bytes).signatures.first?.laterChangeProblem != nil)
    }

    @Test func deletingASignedObjectAfterwardsIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        pdf.append([], freed: [MiniPDF.content])
        #expect(try SignedPDF(pdf.bytes).signatures.first?.laterChangeProblem != nil)
    }

    /// A later revision may not add an annotation other than a signature widget (a free-text "PAID" stamp, say).
    @Test func addingAnotherAnnotationIsRefused() throws {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let note = pdf.newObject()
        pdf.append([
            (note, "<</Type /Annot /Subtype /FreeText /Rect [0 0 100 100] /Contents (PAID)>>"),
            (MiniPDF.page, "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R \(note) 0 R]>>"),
        ])
        #expect(try SignedPDF(pdf.bytes).signatures.first?.laterChangeProblem != nil)
    }

    @Test func duplicateKeysAreRefused() {
        var pdf = MiniPDF()
        pdf.append([(MiniPDF.catalog, "<</Type /Catalog /Pages 2 0 R /Pages 2 0 R>>")])
        #expect(throws: PDFReadError.self) { try SignedPDF(pdf.bytes) }
    }

    @Test func aLoopInThePrevChainIsRefused() {
        var pdf = MiniPDF()
        pdf.sign(field: "Seal")
        let text = String(decoding: pdf.bytes, as: UTF8.self)
        // Point the last trailer's /Prev at its own section.
        let forged = text.replacingOccurrences(of: "/Prev ", with: "/Prev 9")
        #expect(throws: PDFReadError.self) { try SignedPDF(Array(forged.utf8)) }
    }
}
