/// A one-page PDF with classic cross-reference tables, written by hand so that a test can append exactly the
/// revision it wants to judge — an honest signature, or an attacker's change. The signatures' /Contents hold hex
/// digits but no CMS: the reader's checks come before any cryptography.
struct MiniPDF {
    private(set) var bytes: [UInt8] = []
    /// The next free object number (the trailer's /Size).
    private(set) var size = 5
    private(set) var lastXref = 0
    /// Where the latest signature's placeholders are, to forge them.
    private(set) var lastGap: Range<Int> = 0..<0
    private var acroForm: Int?
    private var fields: [Int] = []
    private var annotations: [Int] = []

    static let catalog = 1, pages = 2, page = 3, content = 4

    init(text: String = "PAY 100.00") {
        let stream = "BT /F1 12 Tf 72 700 Td (\(text)) Tj ET"
        append(
            [
                (1, "<</Type /Catalog /Pages 2 0 R>>"),
                (2, "<</Type /Pages /Kids [3 0 R] /Count 1>>"),
                (3, "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R>>"),
                (4, "<</Length \(stream.utf8.count)>>\nstream\n\(stream)\nendstream"),
            ], header: true)
    }

    mutating func newObject() -> Int {
        defer { size += 1 }
        return size
    }

    /// One revision: the objects, then an xref section with one subsection per object, then the trailer.
    mutating func append(_ objects: [(Int, String)], freed: [Int] = [], root: Int = catalog, header: Bool = false) {
        if header { bytes = Array("%PDF-1.7\n%\u{E2}\u{E3}\n".utf8) }
        var offsets: [(Int, Int)] = []
        for (number, body) in objects {
            offsets.append((number, bytes.count))
            bytes += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = bytes.count
        var text = "xref\n"
        if header { text += "0 1\n0000000000 65535 f \n" }
        for number in freed { text += "\(number) 1\n0000000000 00001 f \n" }
        for (number, offset) in offsets {
            let digits = String(offset)
            text += "\(number) 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        text += "trailer\n<</Size \(size) /Root \(root) 0 R" + (header ? "" : " /Prev \(lastXref)") + ">>\nstartxref\n\(xref)\n%%EOF\n"
        bytes += Array(text.utf8)
        lastXref = xref
    }

    /// A signature revision as a signer writes it: signature dictionary, widget, the page's /Annots and the form's
    /// /Fields with the widget appended (the form and /AcroForm created on the first signature); /ByteRange then
    /// set to leave out exactly /Contents. `gapExtra` widens the byte range's gap beyond /Contents, as a forger would.
    mutating func sign(field: String, reserve: Int = 64, gapExtra: Int = 0) {
        let signature = newObject()
        let widget = newObject()
        fields.append(widget)
        annotations.append(widget)
        var objects: [(Int, String)] = []
        let fieldList = "[" + fields.map { "\($0) 0 R" }.joined(separator: " ") + "]"
        if let acroForm {
            objects.append((acroForm, "<</Fields \(fieldList) /SigFlags 3>>"))
        } else {
            let form = newObject()
            acroForm = form
            objects.append((form, "<</Fields \(fieldList) /SigFlags 3>>"))
            objects.append((Self.catalog, "<</Type /Catalog /Pages 2 0 R /AcroForm \(form) 0 R>>"))
        }
        let annots = "[" + annotations.map { "\($0) 0 R" }.joined(separator: " ") + "]"
        objects.append((Self.page, "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots \(annots)>>"))
        objects.append((widget, "<</Type /Annot /Subtype /Widget /FT /Sig /T (\(field)) /V \(signature) 0 R /P 3 0 R /Rect [0 0 0 0]>>"))
        let placeholder = "/ByteRange [" + String(repeating: " ", count: 40) + "] /Contents <"
        objects.append(
            (
                signature,
                "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached " + placeholder
                    + String(repeating: "AB", count: reserve) + ">>>"
            ))
        let start = bytes.count
        append(objects)
        let body = Array(bytes[start...])
        let contentsStart = start + Self.find(Array("/Contents <".utf8), in: body) + 10
        let rangeStart = start + Self.find(Array("/ByteRange [".utf8), in: body) + 12
        let gap = contentsStart..<(contentsStart + 2 + reserve * 2 + gapExtra)
        let range = "0 \(gap.lowerBound) \(gap.upperBound) \(bytes.count - gap.upperBound)"
        bytes.replaceSubrange(rangeStart..<rangeStart + range.utf8.count, with: Array(range.utf8))
        lastGap = gap
    }

    /// Overwrites bytes in place (a forger's edit that keeps every offset).
    mutating func overwrite(at offset: Int, with text: String) {
        bytes.replaceSubrange(offset..<offset + text.utf8.count, with: Array(text.utf8))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return -1
    }
}
