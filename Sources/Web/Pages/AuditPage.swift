import Services

/// The auditors' console (`/audit`, issue #18, part 4): search, one transaction's evidence, samples and findings. A
/// branch's supervisor signs in here too and sees only the findings panel, to answer their branch's. Static apart
/// from its language; `audit.js` does the rest.
enum AuditPage {
    static func render(_ language: Language) -> String {
        let text = PageText.audit
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        func head(_ keys: [String]) -> String { keys.map { "<th scope=\"col\">\(t("col.\($0)"))</th>" }.joined() }
        func field(_ key: String, _ name: String, _ attributes: String = #"maxlength="64""#) -> String {
            #"<label>\#(t("search." + key)) <input name="\#(name)" id="search-\#(name)" \#(attributes)></label>"#
        }
        let states = ["needs_authorization", "ready", "committed", "abandoned"].map { #"<option value="\#($0)">\#(t("state." + $0))</option>"# }
        return HTMLPage.layout(
            title: text["title", in: language], language: language, path: "/audit", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["signin.heading", in: language], text: text, language, terminal: false))
                <section id="console" hidden>
                <div class="toolbar">
                <h1>\(t("title"))</h1>
                <span id="whoami" class="who"></span>
                <span class="group" role="group">
                <button type="button" id="nav-search" data-panel="search-panel">\(t("nav.search"))</button>
                <button type="button" id="nav-trail" data-panel="trail-panel">\(t("nav.trail"))</button>
                <button type="button" id="nav-samples" data-panel="samples-panel">\(t("nav.samples"))</button>
                <button type="button" id="nav-findings" data-panel="findings-panel">\(t("nav.findings"))</button>
                </span>
                <button type="button" id="signout">\(t("signout"))</button>
                </div>
                <section id="search-panel" class="card" aria-labelledby="nav-search" hidden>
                <form id="search-form" class="inline">
                \(field("from", "from", #"type="date" required"#)) \(field("to", "to", #"type="date""#))
                \(field("branch", "branch")) \(field("teller", "teller")) \(field("officer", "officer"))
                \(field("code", "code", #"maxlength="41""#))
                \(field("min", "min", #"inputmode="decimal" maxlength="20" pattern="[0-9]+(\.[0-9]{1,2})?""#))
                \(field("max", "max", #"inputmode="decimal" maxlength="20" pattern="[0-9]+(\.[0-9]{1,2})?""#))
                \(field("currency", "currency", #"maxlength="3" pattern="[A-Z]{3}" autocapitalize="characters""#))
                \(field("id", "id", #"maxlength="17" pattern="[TVR][0-9]{16}""#))
                <label>\(t("search.state")) <select name="state" id="search-state"><option value="">\(t("search.any"))</option>\(states.joined())</select></label>
                <button type="submit" id="search-submit" class="primary">\(t("search.submit"))</button>
                </form>
                <div class="scroll"><table id="results"><thead><tr>\(head(["time", "branch", "teller", "code", "amount", "state", "officers", "voucher", "open"]))</tr></thead><tbody></tbody></table></div>
                <p id="results-none" class="detail" hidden>\(t("search.none"))</p>
                <button type="button" id="search-more" hidden>\(t("search.more"))</button>
                </section>
                <section id="evidence-panel" class="card" aria-labelledby="evidence-heading" hidden>
                <div class="toolbar"><h2 id="evidence-heading" tabindex="-1">\(t("evidence.title"))</h2><span id="evidence-mark" class="outcome" role="status"></span>
                <button type="button" id="evidence-back">\(t("evidence.back"))</button></div>
                <div id="evidence" class="console-grid"></div>
                </section>
                <section id="trail-panel" class="card" aria-labelledby="nav-trail" hidden>
                <form id="trail-form" class="inline">
                <label>\(t("search.from")) <input type="date" name="from" id="trail-from" required></label>
                <label>\(t("search.to")) <input type="date" name="to" id="trail-to"></label>
                <label>\(t("trail.actor")) <input name="actor" id="trail-actor" maxlength="64"></label>
                <label>\(t("trail.action")) <input name="action" id="trail-action" maxlength="64" pattern="[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)+"></label>
                <label>\(t("search.branch")) <input name="branch" id="trail-branch" maxlength="64"></label>
                <label>\(t("trail.subject")) <input name="subject" id="trail-subject" maxlength="128"></label>
                <button type="submit" id="trail-submit" class="primary">\(t("search.submit"))</button>
                </form>
                <div class="scroll"><table id="trail"><thead><tr>\(head(["at", "actor", "branch", "action", "subject", "chain", "checked"]))</tr></thead><tbody></tbody></table></div>
                <p id="trail-none" class="detail" hidden>\(t("trail.none"))</p>
                <button type="button" id="trail-more" hidden>\(t("search.more"))</button>
                </section>
                <section id="samples-panel" class="card" aria-labelledby="nav-samples" hidden>
                <form id="sample-form" class="inline">
                <label>\(t("samples.day")) <input type="date" name="day" id="sample-day" required></label>
                <label>\(t("samples.branch")) <input name="branch" id="sample-branch" maxlength="64"></label>
                <label>\(t("samples.size")) <input type="number" name="size" id="sample-size" min="1" max="200" value="10" required></label>
                <label>\(t("confirm.password")) <input type="password" name="password" id="sample-password" maxlength="256" required autocomplete="current-password"></label>
                <button type="submit" id="sample-submit" class="primary">\(t("samples.draw"))</button>
                </form>
                <div id="samples"></div>
                </section>
                <section id="findings-panel" class="card" aria-labelledby="nav-findings" hidden>
                <label>\(t("findings.filter")) <select id="findings-state"><option value="">\(t("search.any"))</option>
                <option value="raised">\(t("finding.raised"))</option><option value="answered">\(t("finding.answered"))</option>
                <option value="closed">\(t("finding.closed"))</option></select></label>
                <div id="findings"></div>
                </section>
                </section>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/console.js"></script>
                <script src="/static/audit.js"></script>
                """)
    }
}
