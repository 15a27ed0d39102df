import Hummingbird

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

    /// All texts in one language, as JSON safe to embed in a `<script type="application/json">` block.
    func json(in language: Language) -> String {
        var object: [String: String] = [:]
        for key in entries.keys { object[key] = self[key, in: language] }
        let keys = object.keys.sorted()
        let members = keys.map { "\(Self.quote($0)):\(Self.quote(object[$0]!))" }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string literal that cannot end the script element (`<` is written as `\u003c`).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
