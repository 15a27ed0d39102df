import Services

/// The authorization centre's dashboard (`/centre`, issue #18): static apart from its language; `centre.js` signs in
/// and refreshes the figures from `GET /api/v1/authz/dashboard` every few seconds.
enum CentrePage {
    static func render(_ language: Language) -> String {
        let text = PageText.centre
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        func head(_ keys: [String]) -> String { keys.map { "<th scope=\"col\">\(t("col.\($0)"))</th>" }.joined() }
        return HTMLPage.layout(
            title: text["title", in: language], language: language, path: "/centre", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["signin.heading", in: language], text: text, language, terminal: false))
                <section id="console" hidden>
                <div class="toolbar">
                <h1>\(t("title"))</h1>
                <span id="whoami" class="who"></span>
                <span id="updated" class="detail" aria-live="polite"></span>
                <button type="button" id="signout">\(t("signout"))</button>
                </div>
                <div class="console-grid">
                <section class="card" aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">\(t("waiting"))</h2>
                <dl id="waiting"></dl>
                </section>
                <section class="card" aria-labelledby="queue-heading">
                <h2 id="queue-heading">\(t("queue")) <span id="queue-count" class="count">0</span></h2>
                <div class="scroll"><table id="queue"><thead><tr>\(head(["level", "mode", "state", "count"]))</tr></thead><tbody></tbody></table></div>
                </section>
                <section class="card" aria-labelledby="officers-heading">
                <h2 id="officers-heading">\(t("officers"))</h2>
                <div class="scroll"><table id="officers"><thead><tr>\(head(["officer", "branch", "status", "holding", "decided"]))</tr></thead><tbody></tbody></table></div>
                </section>
                <section class="card" aria-labelledby="today-heading">
                <h2 id="today-heading">\(t("today"))</h2>
                <dl id="today"></dl>
                <h3 id="hours-heading">\(t("hours"))</h3>
                <div class="scroll"><table id="hours" aria-labelledby="hours-heading"><thead><tr>\(head(["hour", "requests", "decisions", "committed"]))</tr></thead><tbody></tbody></table></div>
                <p id="hours-empty" class="detail">\(t("hours.none"))</p>
                </section>
                </div>
                </section>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/console.js"></script>
                <script src="/static/centre.js"></script>
                """)
    }
}
