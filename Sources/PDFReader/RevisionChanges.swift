/// What the revisions after a signature changed, judged against what signing one more field may change — the
/// "form filling and signing" level of pyHanko's difference analysis, narrowed to the updates a signer writes:
/// new objects, a signature widget appended to the page's /Annots and to the form's /Fields, /SigFlags, and in the
/// catalog only /AcroForm (when the form is new), /Extensions and /DSS. Anything else — a page's content, another
/// page, an object of the signed version rewritten, deleted or a hole in it filled, another /Root — means the file a
/// reader shows is not the one that was signed.
struct RevisionChanges {
    let signed: PDFFileStructure
    let current: PDFFileStructure

    /// Catalog keys a later signature (or, for long-term validation, a later DSS) may add or change.
    static let catalogKeys: Set<String> = ["AcroForm", "Extensions", "DSS"]
    /// Keys of a form dictionary that a new signature form may have.
    static let newFormKeys: Set<String> = ["Fields", "SigFlags", "DA", "DR"]

    /// Nil when every change is one that signing explains; otherwise what was changed, in words.
    func disallowed() -> String? {
        do {
            try check()
            return nil
        } catch {
            return error.message
        }
    }

    struct Refusal: Error { let message: String }

    private func check() throws(Refusal) {
        let newer = current.sections.prefix { $0.offset != signed.startXref }
        for section in newer {
            guard section.trailer["Root"].flatMap(PDFReference.init) == signed.root else {
                throw Refusal(message: "a later revision names another document root")
            }
            if let number = section.freed.first(where: { signed.offsets[$0] != nil }) {
                throw Refusal(message: "a later revision deletes object \(number) of the signed version")
            }
        }
        let rewritten = Set(newer.flatMap { $0.written.keys })
        for number in rewritten.sorted() {
            guard let old = signed.offsets[number] else {
                if number < signed.size { throw Refusal(message: "a later revision fills object \(number), a hole in the signed version") }
                continue
            }
            if current.offsets[number] != old { try changed(PDFReference(number: number)) }
        }
    }

    /// An object of the signed version that a later revision wrote again.
    private func changed(_ reference: PDFReference) throws(Refusal) {
        let oldCatalog = try read { () throws(PDFReadError) in try signed.dictionary(signed.root) }
        if reference == signed.root {
            return try catalog(from: oldCatalog, to: read { () throws(PDFReadError) in try current.dictionary(reference) })
        }
        if oldCatalog["AcroForm"].flatMap(PDFReference.init) == reference {
            let old = try read { () throws(PDFReadError) in try signed.dictionary(reference) }
            return try form(from: old, to: read { () throws(PDFReadError) in try current.dictionary(reference) })
        }
        let oldRaw = try read { () throws(PDFReadError) in try signed.rawObject(reference) }
        if oldRaw.first == UInt8(ascii: "[") {
            // An indirect /Annots array: only signature widgets may be appended.
            let newRaw = try read { () throws(PDFReadError) in try current.rawObject(reference) }
            return try appended(from: oldRaw, to: newRaw, what: "object \(reference.number)")
        }
        let old = try read { () throws(PDFReadError) in try signed.dictionary(reference) }
        guard old.name("Type") == "Page" else { throw Refusal(message: "a later revision changes object \(reference.number) of the signed version") }
        let new = try read { () throws(PDFReadError) in try current.dictionary(reference) }
        try sameExcept(["Annots"], old, new, what: "a page")
        if old["Annots"].flatMap(PDFReference.init) != nil || new["Annots"].flatMap(PDFReference.init) != nil {
            guard old["Annots"] == new["Annots"] else { throw Refusal(message: "a later revision replaces a page's annotations") }
        } else {
            try appended(from: old["Annots"] ?? Array("[]".utf8), to: new["Annots"] ?? Array("[]".utf8), what: "a page's annotations")
        }
    }

    private func catalog(from old: PDFDictionary, to new: PDFDictionary) throws(Refusal) {
        try sameExcept(Self.catalogKeys, old, new, what: "the catalog")
        guard old["AcroForm"] != new["AcroForm"] else { return }
        if old["AcroForm"] == nil, let raw = new["AcroForm"] {
            // A form created after signing: it may hold only signature fields that are new themselves.
            let form = try read { () throws(PDFReadError) in try FormObjects.acroForm(of: new, in: current) }
            guard let form, form.keys.isSubset(of: Self.newFormKeys) else {
                throw Refusal(message: "a later revision adds a form that is not a signature form")
            }
            if let reference = PDFReference(raw), signed.offsets[reference.number] != nil || reference.number < signed.size {
                throw Refusal(message: "a later revision makes an old object the form")
            }
            return try appended(from: Array("[]".utf8), to: form["Fields"] ?? Array("[]".utf8), what: "the form's fields")
        }
        guard let oldForm = try read({ () throws(PDFReadError) in try FormObjects.acroForm(of: old, in: signed) }),
            let newForm = try read({ () throws(PDFReadError) in try FormObjects.acroForm(of: new, in: current) }),
            PDFReference(old["AcroForm"] ?? []) == nil, PDFReference(new["AcroForm"] ?? []) == nil
        else { throw Refusal(message: "a later revision replaces the document's form") }
        try form(from: oldForm, to: newForm)
    }

    private func form(from old: PDFDictionary, to new: PDFDictionary) throws(Refusal) {
        try sameExcept(["Fields", "SigFlags"], old, new, what: "the form")
        if let flags = new["SigFlags"], PDFScanner.integer(flags).map({ (1...3).contains($0) }) != true {
            throw Refusal(message: "a later revision sets unknown signature flags")
        }
        try appended(from: old["Fields"] ?? Array("[]".utf8), to: new["Fields"] ?? Array("[]".utf8), what: "the form's fields")
    }

    /// `new` is the array `old` with signature widgets appended; each appended one is an object the signed version
    /// did not have.
    private func appended(from old: [UInt8], to new: [UInt8], what: String) throws(Refusal) {
        let before = try read { () throws(PDFReadError) in try references(old) }
        let after = try read { () throws(PDFReadError) in try references(new) }
        guard after.count >= before.count, Array(after.prefix(before.count)) == before else {
            throw Refusal(message: "a later revision removes or reorders \(what)")
        }
        for reference in after.dropFirst(before.count) {
            guard signed.offsets[reference.number] == nil, reference.number >= signed.size else {
                throw Refusal(message: "a later revision adds an old object to \(what)")
            }
            let widget = try read { () throws(PDFReadError) in try current.dictionary(reference) }
            // A widget merged with its signature field; actions would run code the signer never saw.
            guard widget.name("FT") == "Sig", widget.name("Subtype") == "Widget", widget["A"] == nil, widget["AA"] == nil else {
                throw Refusal(message: "a later revision adds something other than a signature field to \(what)")
            }
        }
    }

    private func sameExcept(_ keys: Set<String>, _ old: PDFDictionary, _ new: PDFDictionary, what: String) throws(Refusal) {
        for key in old.keys.union(new.keys) where !keys.contains(key) && old[key] != new[key] {
            throw Refusal(message: "a later revision changes /\(key) of \(what)")
        }
    }

    private func references(_ raw: [UInt8]) throws(PDFReadError) -> [PDFReference] {
        do { return try PDFScanner.references(inArray: raw, limits: current.limits) } catch { throw .from(error) }
    }

    private func read<T>(_ body: () throws(PDFReadError) -> T) throws(Refusal) -> T {
        do { return try body() } catch { throw Refusal(message: "a later revision leaves the file unreadable: \(error.message)") }
    }
}
