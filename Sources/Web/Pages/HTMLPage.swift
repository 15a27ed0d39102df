import HTTPTypes
import Services

/// Server-rendered pages: a shared layout, escaped text, no client-side framework.
enum HTMLPage {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `body` must already be escaped HTML. With `path`, the header links to the same page in the other language;
    /// `wide` pages (consoles) use the whole screen.
    /// A `kiosk` page (the customer screen) has no way off it: the brand is not a link.
    static func layout(
        title: String, language: Language = .zh, path: String? = nil, wide: Bool = false, kiosk: Bool = false, body: String
    ) -> String {
        let languageSwitch = path.map { #"<a class="lang" href="\#($0)?lang=\#(language.other.rawValue)">\#(language.switchLabel)</a>"# } ?? ""
        let brand = kiosk ? #"<span class="brand">Countersign 无纸化柜面</span>"# : #"<a href="/" class="brand">Countersign 无纸化柜面</a>"#
        return """
            <!doctype html>
            <html lang="\(language.htmlCode)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Countersign</title>
            <link rel="stylesheet" href="/static/site.css">
            <link rel="icon" href="data:,">
            </head>
            <body>
            <header>\(brand)\(languageSwitch)</header>
            <main\(wide ? #" class="wide""# : "")>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// The consoles' sign-in form (user, password, and the terminal where one is signed in at one); the script behind
    /// it posts to /api/v1/sessions. `text` holds the heading and the "signin.*" labels of the page's own text table.
    static func signInForm(heading: String, text: PageText, _ language: Language, terminal: Bool = true) -> String {
        func t(_ key: String) -> String { escape(text[key, in: language]) }
        let terminalField =
            terminal
            ? #"<label>\#(t("signin.terminal")) <input name="terminal" id="signin-terminal" required maxlength="64" pattern="[A-Za-z0-9._\-]+"></label>"#
                + "\n" : ""
        return """
            <section id="signin" class="card signin" hidden>
            <h1>\(escape(heading))</h1>
            <form id="signin-form" autocomplete="off">
            <label>\(t("signin.user")) <input name="user" id="signin-user" required maxlength="64" autocapitalize="none"></label>
            <label>\(t("signin.password")) <input name="password" id="signin-password" type="password" required maxlength="256"></label>
            \(terminalField)<button type="submit" id="signin-submit" class="primary">\(t("signin.submit"))</button>
            </form>
            </section>
            """
    }

    static func errorPage(status: HTTPResponse.Status, code: String, message: String, requestID: String) -> String {
        layout(
            title: "\(status.code) \(status.reasonPhrase)",
            body: """
                <h1>\(status.code) · \(escape(status.reasonPhrase))</h1>
                <p class="message">\(escape(message))</p>
                <p class="detail">错误代码 Error code: <code>\(escape(code))</code><br>
                请求编号 Request id: <code>\(escape(requestID))</code></p>
                <p><a href="/">返回首页 Back to the start page</a></p>
                """)
    }

    static func home(version: String) -> String {
        layout(
            title: "Countersign",
            body: """
                <h1>Countersign</h1>
                <p>无纸化柜面与集中授权服务 · Paperless counter and centralized authorization.</p>
                <ul>
                <li><a href="/f">/f</a> — 客户预填 pre-fill a form (customers, on a phone)</li>
                <li><a href="/teller">/teller</a> — 柜员工作台 teller console</li>
                <li><a href="/screen/T01">/screen/T01</a> — 客户确认屏 the customer screen of terminal T01</li>
                <li><a href="/verify">/verify</a> — 凭证验真 check a voucher (anyone)</li>
                <li><a href="/officer">/officer</a> — 授权工作台 authorization console (officers, supervisors)</li>
                <li><a href="/centre">/centre</a> — 授权中心看板 the authorization centre's dashboard (its supervisors, auditors)</li>
                <li><a href="/audit">/audit</a> — 事后监督 post-transaction supervision (auditors; branch supervisors answer findings)</li>
                <li><a href="/reports">/reports</a> — 业务报表 reports by day, month, quarter, year (auditors, branch supervisors)</li>
                <li><a href="/admin">/admin</a> — 用户管理（双人复核） user administration under dual control (security administrators)</li>
                <li><a href="/health">/health</a> — 服务与数据库状态 service and database status</li>
                <li><a href="/metrics">/metrics</a> — Prometheus 指标 metrics</li>
                <li><a href="/openapi.yaml">/openapi.yaml</a> — HTTP API (OpenAPI 3.1)</li>
                </ul>
                <p class="detail">Version \(escape(version))</p>
                """)
    }
}
