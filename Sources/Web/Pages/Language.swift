import Audit
import Foundation
import Hummingbird
import Kernel
import Services

/// The two languages every page speaks. Chinese is the default at a Chinese bank counter; `?lang=en` switches.
enum Language: String, Sendable {
    case zh
    case en

    init(_ request: Request) {
        self = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) ?? .zh
    }

    /// The `lang` attribute of the page.
    var htmlCode: String { self == .zh ? "zh-CN" : "en" }

    /// The other language, for the switch link.
    var other: Language { self == .zh ? .en : .zh }

    /// The label of the link to the other language, on a page in this one: the other language's own name.
    var switchLabel: String { self == .zh ? "English" : "中文" }
}

/// A table of page texts in both languages, keyed by a short id that the page's script uses too.
struct PageText: Sendable {
    let entries: [String: (zh: String, en: String)]

    init(_ entries: [String: (zh: String, en: String)]) { self.entries = entries }

    /// A missing key is a programming error that tests catch; the page shows the key rather than crash.
    subscript(_ key: String, in language: Language) -> String {
        guard let entry = entries[key] else { return key }
        return language == .zh ? entry.zh : entry.en
    }

    /// All texts in one language, as JSON safe to embed in a `<script type="application/json">` block: the audit
    /// trail's canonical JSON, with `<`, `>` and `&` escaped so the text cannot end the element (they can only
    /// occur inside strings there).
    func json(in language: Language) -> String {
        let object = CanonicalJSON.object(Dictionary(uniqueKeysWithValues: entries.keys.map { ($0, CanonicalJSON.string(self[$0, in: language])) }))
        return object.canonicalText.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
