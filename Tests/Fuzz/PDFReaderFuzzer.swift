// libFuzzer entry point for the PDF reader: everything `/api/v1/verify` does with an upload before the CMS
// (OpenSSL) is asked — the cross-reference chain, the form's signature fields, byte-range coverage and the
// analysis of later revisions. Built by scripts/fuzz.sh together with Sources/PDFReader/*.swift; not part of the
// package.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPDFReader(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let pdf = try? SignedPDF(bytes) else { return 0 }
    for signature in pdf.signatures {
        // Whatever the reader accepts must describe bytes inside the file.
        for range in signature.ranges { precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count) }
        if signature.coverageProblem == nil { precondition(signature.ranges.count == 2 && signature.ranges[0].lowerBound == 0) }
    }
    return 0
}
