/// The interactive-form objects a signature touches, read the same way by the signer and by the checks.
enum FormObjects {
    /// The catalog's /AcroForm, whether it is written inline or as a reference; nil when there is none.
    static func acroForm(of catalog: PDFDictionary, in structure: PDFFileStructure, at offsets: [Int: Int]? = nil) throws(PDFReadError)
        -> PDFDictionary?
    {
        guard let raw = catalog["AcroForm"] else { return nil }
        if let reference = PDFReference(raw) {
            return try structure.dictionary(reference, at: (offsets ?? structure.offsets)[reference.number])
        }
        var scanner = PDFScanner(raw, limits: structure.limits)
        do { return try scanner.dictionary() } catch { throw .from(error) }
    }
}
