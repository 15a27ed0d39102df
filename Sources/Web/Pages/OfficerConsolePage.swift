import Services

/// The officer console (`/officer`): the page is static apart from its language; `officer.js` signs in, keeps the
/// WebSocket open, and fills the queue, the request under review and the statistics from the API.
enum OfficerConsolePage {
    static func render(_ language: Language) -> String {
        let text = PageText.officerConsole
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        let columns = ["request", "branch", "teller", "code", "amount", "level", "mode", "state", "waiting"]
            .map { "<th scope=\"col\">\(t("col.\($0)"))</th>" }.joined()
        let presence = ["online", "paused", "offline"]
            .map { "<button type=\"button\" class=\"presence\" data-presence=\"\($0)\" aria-pressed=\"false\">\(t("presence.\($0)"))</button>" }
            .joined()
        return HTMLPage.layout(
            title: text["title", in: language], language: language, path: "/officer", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["signin.heading", in: language], text: text, language))
                <section id="console" hidden>
                <div class="toolbar">
                <h1>\(t("title"))</h1>
                <span id="whoami" class="who"></span>
                <span class="group" id="presence" role="group" aria-label="\(t("presence"))">\(presence)</span>
                <span id="link-state" class="link down" data-state="down">\(t("link.down"))</span>
                <button type="button" id="signout">\(t("signout"))</button>
                </div>
                <div class="console-grid">
                <section class="card" id="queue-panel" aria-labelledby="queue-heading">
                <h2 id="queue-heading">\(t("queue")) <span id="queue-count" class="count">0</span></h2>
                <div class="scroll"><table id="queue"><thead><tr><th></th>\(columns)</tr></thead><tbody></tbody></table></div>
                <p id="queue-empty" class="detail">\(t("queue.empty"))</p>
                </section>
                <section class="card" id="detail-panel" aria-labelledby="detail-heading">
                <h2 id="detail-heading">\(t("detail"))</h2>
                <p id="detail-none" class="detail">\(t("detail.none"))</p>
                <div id="detail" hidden></div>
                </section>
                <section class="card" id="stats-panel" aria-labelledby="stats-heading">
                <h2 id="stats-heading">\(t("stats"))</h2>
                <dl id="stats"></dl>
                </section>
                </div>
                </section>
                <div id="viewer" class="viewer" hidden><div class="viewer-box"><button type="button" id="viewer-close">\(t("detail.close"))</button>
                <div id="viewer-content"></div></div></div>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/console.js"></script>
                <script src="/static/officer.js"></script>
                """)
    }
}
