import Testing

@testable import PDFReader

@Suite struct NestingTests {
    /// 8,000 nested arrays in a trailer killed the service with a stack overflow (issue #13).
    @Test(arguments: ["[", "<<", "<</A ", "[<</A ["])
    func deepNestingIsRefusedNotFollowed(opener: String) {
        let deep = String(repeating: opener, count: 8000)
        let file =
            "%PDF-1.7\n1 0 obj\n<<>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R /Size 2 /X \(deep)>>\nstartxref\n29\n%%EOF\n"
        #expect(throws: PDFReadError.self) { try SignedPDF(Array(file.utf8)) }
        do {
            _ = try SignedPDF(Array(file.utf8))
        } catch {
            #expect(error.code == .tooComplex || error.code == .damaged)
        }
    }
}
