import PDFReader

/// One incremental update (ISO 32000-1 §7.5.6): objects appended after the file's last byte, a classic
/// cross-reference section for them, and a trailer that links to the previous section. What a signature, a DSS and
/// a document time-stamp each append.
enum RevisionWriter {
    /// Appends `objects` (number → body, everything between "n 0 obj" and "endobj") and returns where each body
    /// starts in `output`. `size` is the trailer's /Size: one more than the highest object number in the file.
    static func append(_ objects: [(Int, [UInt8])], size: Int, after structure: PDFFileStructure, to output: inout [UInt8]) -> [Int: Int] {
        var offsets: [(Int, Int)] = []
        var bodies: [Int: Int] = [:]
        for (number, body) in objects.sorted(by: { $0.0 < $1.0 }) {
            offsets.append((number, output.count))
            let head = Array("\(number) 0 obj\n".utf8)
            bodies[number] = output.count + head.count
            output += head + body + Array("\nendobj\n".utf8)
        }
        let xrefOffset = output.count
        var xref = "xref\n"
        // Consecutive object numbers share a subsection.
        var index = 0
        while index < offsets.count {
            var end = index
            while end + 1 < offsets.count, offsets[end + 1].0 == offsets[end].0 + 1 { end += 1 }
            xref += "\(offsets[index].0) \(end - index + 1)\n"
            for (_, offset) in offsets[index...end] { xref += PDFNumber.padded(offset, width: 10) + " 00000 n \n" }
            index = end + 1
        }
        var trailer = "trailer\n<</Size \(size) /Root \(structure.root)"
        if let info = structure.info { trailer += " /Info \(info)" }
        if let id = structure.id { trailer += " /ID " + String(decoding: id, as: UTF8.self) }
        trailer += " /Prev \(structure.startXref)>>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        output += Array((xref + trailer).utf8)
        return bodies
    }
}
