import Services

/// The reports page (`/reports`, issue #18, part 5): a period's figures as a table and a chart (Chart.js from
/// Debian's libjs-chart.js, served by the service), with CSV and XLSX downloads. Static apart from its language;
/// `reports.js` does the rest.
enum ReportsPage {
    static func render(_ language: Language) -> String {
        let text = PageText.reports
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        func options(_ prefix: String, _ values: [String]) -> String {
            values.map { #"<option value="\#($0)">\#(t(prefix + $0))</option>"# }.joined()
        }
        let columns = [
            "key", "code", "currency", "transactions", "committed", "amount", "authorization_rate", "return_rate", "reject_rate",
            "timeouts", "latency",
        ]
        return HTMLPage.layout(
            title: text["title", in: language], language: language, path: "/reports", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["signin.heading", in: language], text: text, language, terminal: false))
                <section id="console" hidden>
                <div class="toolbar">
                <h1>\(t("title"))</h1>
                <span id="whoami" class="who"></span>
                <button type="button" id="signout">\(t("signout"))</button>
                </div>
                <section class="card">
                <form id="report-form" class="inline">
                <label>\(t("form.period")) <select name="period" id="report-period">\(options("period.", ["day", "month", "quarter", "year"]))</select></label>
                <label>\(t("form.date")) <input type="date" name="date" id="report-date" required></label>
                <label>\(t("form.by")) <select name="by" id="report-by">\(options("by.", ["branch", "teller", "officer"]))</select></label>
                <label>\(t("form.branch")) <input name="branch" id="report-branch" maxlength="64"></label>
                <button type="submit" id="report-submit" class="primary">\(t("form.submit"))</button>
                </form>
                <p id="report-through" class="detail" role="status"></p>
                <p><button type="button" id="download-csv">\(t("download.csv"))</button>
                <button type="button" id="download-xlsx">\(t("download.xlsx"))</button></p>
                </section>
                <section class="card" aria-labelledby="chart-heading">
                <h2 id="chart-heading">\(t("chart"))</h2>
                <div class="chart"><canvas id="report-chart" role="img" aria-label="\(t("chart"))"></canvas></div>
                </section>
                <section class="card">
                <div class="scroll"><table id="report-table"><thead><tr>\(columns.map { "<th scope=\"col\">\(t("col." + $0))</th>" }.joined())</tr></thead><tbody></tbody></table></div>
                </section>
                </section>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/vendor/chart.js"></script>
                <script src="/static/console.js"></script>
                <script src="/static/reports.js"></script>
                """)
    }
}
