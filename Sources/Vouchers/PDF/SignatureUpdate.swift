import Foundation
import Kernel
import PDFReader

/// The objects of one signature revision and their serialization (ISO 32000-1 §7.5.6 incremental updates,
/// §12.7.4.5 signature fields, §12.8 digital signatures): a signature, or a document time-stamp (ISO 32000-2
/// §12.8.5, ETSI EN 319 142-1 §5.4: /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, an invisible widget).
struct SignatureUpdate {
    enum Kind {
        case signature
        case documentTimeStamp
    }

    static let byteRangeWidth = 40

    struct Layout {
        /// Offset of the '<' that opens /Contents, and of the byte after its '>'.
        let contentsStart: Int
        let contentsEnd: Int
        /// Offset of the /ByteRange placeholder's first character inside the brackets.
        let byteRangeStart: Int
    }

    private let structure: PDFFileStructure
    private let request: SignatureRequest
    private let kind: Kind
    private let reserve: Int
    /// Object number → body bytes (everything between "n 0 obj" and "endobj").
    private var objects: [(Int, [UInt8])] = []
    private var signatureObject = 0
    private var size: Int

    init(structure: PDFFileStructure, request: SignatureRequest, kind: Kind = .signature, reserve: Int) throws(VoucherError) {
        self.structure = structure
        self.request = request
        self.kind = kind
        self.reserve = reserve
        self.size = structure.size
        try build()
    }

    private mutating func newObject() -> Int {
        defer { size += 1 }
        return size
    }

    private mutating func build() throws(VoucherError) {
        var catalog = try dictionary(structure.root)
        let pageReference = try firstPage(catalog)
        var page = try dictionary(pageReference)

        signatureObject = newObject()
        let widget = newObject()
        let appearance = newObject()

        // The form: add the new field to /Fields, creating the AcroForm on the first signature.
        var catalogChanged = false
        var fields: [PDFReference] = []
        var acroForm = PDFDictionary(entries: [])
        var acroFormReference: PDFReference?
        if let raw = catalog["AcroForm"] {
            if let reference = PDFReference(raw) {
                acroFormReference = reference
                acroForm = try dictionary(reference)
            } else {
                var scanner = PDFScanner(raw)
                acroForm = try Self.parse { () throws(PDFSyntaxError) in try scanner.dictionary() }
            }
            if let rawFields = acroForm["Fields"] {
                fields = try Self.parse { () throws(PDFSyntaxError) in try PDFScanner.references(inArray: rawFields) }
            }
        }
        try ensureUniqueName(fields)
        fields.append(PDFReference(number: widget))
        acroForm["Fields"] = Self.array(fields)
        acroForm["SigFlags"] = Array("3".utf8)
        if let acroFormReference {
            objects.append((acroFormReference.number, acroForm.serialized))
        } else {
            let number = newObject()
            objects.append((number, acroForm.serialized))
            catalog["AcroForm"] = PDFReference(number: number).bytes
            catalogChanged = true
        }
        // PDF 1.7 with the ETSI extension level that announces PAdES.
        if catalog["Extensions"] == nil {
            catalog["Extensions"] = Array("<</ESIC <</BaseVersion /1.7 /ExtensionLevel 2>>>>".utf8)
            catalogChanged = true
        }
        if catalogChanged { objects.append((structure.root.number, catalog.serialized)) }

        // The page: add the widget to /Annots (rewriting the array object if the page refers to one).
        var annotations: [PDFReference] = []
        if let raw = page["Annots"] {
            if let reference = PDFReference(raw) {
                let array = try Self.read { () throws(PDFReadError) in try structure.rawObject(reference) }
                annotations = try Self.parse { () throws(PDFSyntaxError) in try PDFScanner.references(inArray: array) }
                objects.append((reference.number, Self.array(annotations + [PDFReference(number: widget)])))
            } else {
                annotations = try Self.parse { () throws(PDFSyntaxError) in try PDFScanner.references(inArray: raw) }
                page["Annots"] = Self.array(annotations + [PDFReference(number: widget)])
                objects.append((pageReference.number, page.serialized))
            }
        } else {
            page["Annots"] = Self.array([PDFReference(number: widget)])
            objects.append((pageReference.number, page.serialized))
        }

        let r = kind == .signature ? request.rect : (x: 0, y: 0, width: 0, height: 0)
        let rect = "[\(Self.number(r.x)) \(Self.number(r.y)) \(Self.number(r.x + r.width)) \(Self.number(r.y + r.height))]"
        // Print (4) + Locked (128): shown and printed, not movable.
        let widgetText =
            "<</Type /Annot /Subtype /Widget /FT /Sig /T \(Self.textString(request.fieldName)) /V \(signatureObject) 0 R /F 132 "
            + "/P \(pageReference) /Rect \(rect) /AP <</N \(appearance) 0 R>>>>"
        objects.append((widget, Array(widgetText.utf8)))

        let (stream, filter) = kind == .signature ? request.appearance.streamObject(width: r.width, height: r.height) : ([], nil)
        let streamHead =
            "<</Type /XObject /Subtype /Form /BBox [0 0 \(Self.number(r.width)) \(Self.number(r.height))]"
            + (filter.map { " /Filter /\($0)" } ?? "") + " /Length \(stream.count)>>\nstream\n"
        objects.append((appearance, Array(streamHead.utf8) + stream + Array("\nendstream".utf8)))

        var signature: String
        switch kind {
        case .signature:
            signature = "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M \(Self.pdfDate(request.time))"
            if let name = request.signerName { signature += " /Name \(Self.textString(name))" }
            if let reason = request.reason { signature += " /Reason \(Self.textString(reason))" }
            for (key, value) in request.extraEntries.sorted(by: { $0.key < $1.key }) { signature += " /\(key) \(Self.textString(value))" }
        case .documentTimeStamp:
            // The time is the token's, and nothing else is claimed.
            signature = "<</Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161"
        }
        signature += " /ByteRange [" + String(repeating: " ", count: Self.byteRangeWidth) + "] /Contents <"
        // The placeholder is built as bytes: String(repeating:) appends character by character and cost a third
        // of a seal's time here.
        objects.append((signatureObject, Array(signature.utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: reserve * 2) + Array(">>>".utf8)))
    }

    /// Appends the revision to `output` and says where the placeholders landed.
    mutating func append(to output: inout [UInt8]) -> Layout {
        let starts = RevisionWriter.append(objects, size: size, after: structure, to: &output)
        let body = objects.first { $0.0 == signatureObject }!.1
        let bodyStart = starts[signatureObject]!
        let byteRangeStart = bodyStart + Self.find(Array("/ByteRange [".utf8), in: body) + 12
        let contentsStart = bodyStart + Self.find(Array("/Contents <".utf8), in: body) + 10
        return Layout(contentsStart: contentsStart, contentsEnd: contentsStart + 2 + reserve * 2, byteRangeStart: byteRangeStart)
    }

    private func firstPage(_ catalog: PDFDictionary) throws(VoucherError) -> PDFReference {
        guard var node = catalog["Pages"].flatMap(PDFReference.init) else { throw VoucherError(.badInput, "the catalog has no /Pages") }
        for _ in 0..<16 {
            let dictionary = try dictionary(node)
            if dictionary.text("Type")?.trimmingCharacters(in: .whitespaces) == "/Page" { return node }
            guard let kids = dictionary["Kids"],
                let first = try Self.parse({ () throws(PDFSyntaxError) in try PDFScanner.references(inArray: kids) }).first
            else { throw VoucherError(.badInput, "the page tree is empty") }
            node = first
        }
        throw VoucherError(.badInput, "the page tree is too deep")
    }

    private func ensureUniqueName(_ fields: [PDFReference]) throws(VoucherError) {
        let name = Self.textString(request.fieldName)
        for field in fields where (try? dictionary(field))?.text("T") == name {
            throw VoucherError(.badInput, "the document already has a field named \(request.fieldName)")
        }
    }

    private func dictionary(_ reference: PDFReference) throws(VoucherError) -> PDFDictionary {
        try Self.read { () throws(PDFReadError) in try structure.dictionary(reference) }
    }

    static func read<T>(_ body: () throws(PDFReadError) -> T) throws(VoucherError) -> T {
        do { return try body() } catch { throw VoucherError(.badInput, error.description) }
    }

    static func parse<T>(_ body: () throws(PDFSyntaxError) -> T) throws(VoucherError) -> T {
        do { return try body() } catch { throw VoucherError(.badInput, "unreadable PDF structure: \(error)") }
    }

    static func array(_ references: [PDFReference]) -> [UInt8] {
        Array(("[" + references.map(\.description).joined(separator: " ") + "]").utf8)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return 0
    }

    static func number(_ value: Double) -> String { PDFNumber.fixed2(value) }

    /// A text string: plain ASCII as a literal string, anything else as UTF-16BE with a byte-order mark (§7.9.2.2).
    static func textString(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0 != "(" && $0 != ")" && $0 != "\\" }) {
            return "(\(text))"
        }
        return "<FEFF" + text.utf16.map { String(format: "%04X", $0) }.joined() + ">"
    }

    /// D:YYYYMMDDHHmmSS+08'00' in China Standard Time, as the branch's clocks show.
    static func pdfDate(_ date: Date) -> String {
        let t = Timestamp(date).civil(offsetMinutes: 8 * 60)
        let (year, month, day, secondOfDay) = (Int(t.year), Int(t.month), Int(t.day), Int(t.hour * 3600 + t.minute * 60 + t.second))
        let p = PDFNumber.padded
        let clock = p(secondOfDay / 3600, 2) + p(secondOfDay % 3600 / 60, 2) + p(secondOfDay % 60, 2)
        return "(D:\(p(year, 4))\(p(month, 2))\(p(day, 2))\(clock)+08'00')"
    }
}
