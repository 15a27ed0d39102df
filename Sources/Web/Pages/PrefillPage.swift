import Forms
import Foundation
import Services

/// The customer's pages (no login, phone first): the list of forms, and one form rendered from its definition.
/// Only the customer's fields appear; `prefill.js` asks the service to check as the customer types and submits.
enum PrefillPage {
    static func index(_ catalogue: FormCatalogue, _ language: Language) -> String {
        let text = PageText.prefill
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        let lang = language == .en ? "?lang=en" : ""
        let sections = ["personal", "foreign_exchange"].map { category in
            let items = catalogue.forms.values.filter { $0.category == category }.sorted { $0.id < $1.id }.map { form in
                "<li><a href=\"/f/\(form.id)\(lang)\">\(HTMLPage.escape(label(form.title, language)))</a></li>"
            }
            return "<h2>\(t("category.\(category)"))</h2><ul class=\"forms\">\(items.joined())</ul>"
        }
        return HTMLPage.layout(
            title: text["index.title", in: language], language: language, path: "/f",
            body: "<h1>\(t("index.title"))</h1><p>\(t("index.intro"))</p>\(sections.joined())")
    }

    static func form(_ form: FormDefinition, _ language: Language) -> String {
        let text = PageText.prefill
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        let fields = form.fields.filter { $0.filledBy == .customer }.map { field(form, $0, language) }.joined(separator: "\n")
        let back = language == .en ? "/f?lang=en" : "/f"
        return HTMLPage.layout(
            title: label(form.title, language), language: language, path: "/f/\(form.id)",
            body: """
                <p><a href="\(back)">← \(t("back"))</a></p>
                <h1>\(HTMLPage.escape(label(form.title, language)))</h1>
                <form id="prefill" class="card prefill" data-form="\(form.id)" novalidate autocomplete="off">
                \(fields)
                <p id="form-problem" class="problem" role="alert"></p>
                <button type="submit" id="prefill-submit" class="primary wide">\(t("submit"))</button>
                </form>
                <section id="done" class="card done" hidden aria-live="polite">
                <h2>\(t("done.title"))</h2>
                <p>\(t("done.code"))</p>
                <p id="done-code" class="code"></p>
                <img id="done-qr" class="qr" alt="QR" hidden>
                <p>\(t("done.show"))</p>
                <p>\(t("done.expires")) <strong id="done-expires"></strong></p>
                <p class="detail">\(t("done.private"))</p>
                <p><a id="done-again" href="/f/\(form.id)\(language == .en ? "?lang=en" : "")">\(t("done.again"))</a></p>
                </section>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/prefill.js"></script>
                """)
    }

    /// Printed at the branch: scan to open the form on a phone.
    static func poster(_ form: FormDefinition, link: String, _ language: Language) -> String {
        let text = PageText.prefill
        let qr = "/qr?text=" + (link.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return HTMLPage.layout(
            title: label(form.title, language), language: language, path: "/f/\(form.id)/poster",
            body: """
                <section class="poster">
                <h1>\(HTMLPage.escape(form.title.zh))<br><small>\(HTMLPage.escape(form.title.en))</small></h1>
                <img class="qr big" src="\(HTMLPage.escape(qr))" alt="\(HTMLPage.escape(link))">
                <p class="scan">\(HTMLPage.escape(text["scan", in: .zh])) · \(HTMLPage.escape(text["scan", in: .en]))</p>
                <p class="detail">\(HTMLPage.escape(link))</p>
                </section>
                """)
    }

    static func label(_ text: LocalizedText, _ language: Language) -> String { language == .zh ? text.zh : text.en }

    /// One input, its unit or words line, and the line its problems appear on.
    static func field(_ form: FormDefinition, _ field: FormField, _ language: Language) -> String {
        let id = "f-\(field.id)"
        let name = HTMLPage.escape(field.id)
        let required = field.required ? " <span class=\"req\">*</span>" : ""
        let control: String
        switch field.type {
        case .enumeration, .currency:
            let choices =
                (field.options ?? Currency.decimals.keys.sorted().map { FormField.EnumOption(value: $0, label: LocalizedText(zh: $0, en: $0)) })
                .map { "<option value=\"\(HTMLPage.escape($0.value))\">\(HTMLPage.escape(label($0.label, language)))</option>" }.joined()
            control =
                "<select id=\"\(id)\" name=\"\(name)\"><option value=\"\">\(HTMLPage.escape(PageText.prefill["choose", in: language]))</option>\(choices)</select>"
        default:
            let (kind, mode, length): (String, String?, Int) =
                switch field.type {
                case .amount: ("text", "decimal", 20)
                case .account: ("text", "numeric", 32)
                // type text (with the phone keypad): the tel type is refused the autocomplete token by axe-core.
                case .mobile: ("text", "tel", 20)
                case .date: ("date", nil, 10)
                case .residentID: ("text", nil, 20)
                default: ("text", nil, field.maxLength ?? FormField.defaultMaximumLength)
                }
            let inputMode = mode.map { " inputmode=\"\($0)\"" } ?? ""
            // The customer's own phone may fill in their own number; nothing else is remembered by the browser.
            let autocomplete = field.type == .mobile ? "tel-national" : "off"
            control =
                "<input id=\"\(id)\" name=\"\(name)\" type=\"\(kind)\"\(inputMode) maxlength=\"\(length)\" autocomplete=\"\(autocomplete)\" spellcheck=\"false\">"
        }
        let unit = field.type == .amount ? (field.currency.map { "<span class=\"unit\">\($0)</span>" } ?? "") : ""
        let words = field.type == .amount ? "<p class=\"words\" id=\"w-\(name)\" aria-live=\"polite\"></p>" : ""
        return """
            <div class="field" data-field="\(name)" data-type="\(field.type.rawValue)">
            <label for="\(id)">\(HTMLPage.escape(label(field.label, language)))\(required)</label>
            <div class="control">\(control)\(unit)</div>\(words)
            <p class="problem" id="p-\(name)" role="alert"></p>
            </div>
            """
    }
}
