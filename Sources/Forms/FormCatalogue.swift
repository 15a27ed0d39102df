public import Foundation

/// The form catalogue (`Forms/`): every `<id>.json` read and checked once, with its `<id>.example.json`.
/// Loaded at start; lookups afterwards touch no disk.
public struct FormCatalogue: Sendable {
    public let folder: URL
    public let forms: [String: FormDefinition]

    public static func load(_ folder: URL) throws(FormError) -> FormCatalogue {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw FormError(.badDefinition, "cannot read the form catalogue \(folder.path)")
        }
        var forms: [String: FormDefinition] = [:]
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasSuffix(".example.json") {
            let form = try FormDefinition.load(folder.appendingPathComponent(name))
            guard "\(form.id).json" == name else {
                throw FormError(.badDefinition, "\(name) defines form '\(form.id)'; the file must be \(form.id).json")
            }
            forms[form.id] = form
        }
        return FormCatalogue(folder: folder, forms: forms)
    }

    public func form(_ id: String) throws(FormError) -> FormDefinition {
        guard let form = forms[id] else { throw FormError(.unknownForm, "there is no form '\(id)'") }
        return form
    }
}
