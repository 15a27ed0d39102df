import Accounts
import Services

/// The security administrators' page (`/admin`, issue #18): propose a change of a user, and approve or reject what
/// another administrator proposed. Static apart from its language; `admin.js` signs in and talks to the API.
enum AdminPage {
    static func render(_ language: Language) -> String {
        let text = PageText.admin
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        let kinds = [
            "user.create", "user.deactivate", "user.reactivate", "user.reset_password", "user.unlock", "user.change_role", "branch.create",
            "terminal.register", "authority.set", "authority.revoke", "rules.activate", "seal.map",
        ]
        .map { "<option value=\"\($0)\">\(t("kind.\($0)"))</option>" }.joined()
        let branchKinds = ["branch", "centre", "head_office"].map { "<option value=\"\($0)\">\(t("branch_kind.\($0)"))</option>" }.joined()
        let roles = Role.allCases.map { "<option value=\"\($0.rawValue)\">\(t("role.\($0.rawValue)"))</option>" }.joined()
        let columns = ["id", "kind", "target", "details", "proposed", "state", "decided", "action"]
            .map { "<th scope=\"col\">\(t("col.\($0)"))</th>" }.joined()
        return HTMLPage.layout(
            title: text["title", in: language], language: language, path: "/admin", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["signin.heading", in: language], text: text, language, terminal: false))
                <section id="console" hidden>
                <div class="toolbar">
                <h1>\(t("title"))</h1>
                <span id="whoami" class="who"></span>
                <button type="button" id="refresh">\(t("refresh"))</button>
                <button type="button" id="signout">\(t("signout"))</button>
                </div>
                <p class="detail">\(t("rule"))</p>
                <section class="card" aria-labelledby="confirm-heading">
                <h2 id="confirm-heading">\(t("confirm"))</h2>
                <label>\(t("confirm.password")) <input type="password" id="confirm-password" maxlength="256" autocomplete="current-password"></label>
                <p class="detail">\(t("confirm.detail"))</p>
                </section>
                <section class="card" aria-labelledby="propose-heading">
                <h2 id="propose-heading">\(t("propose"))</h2>
                <form id="propose-form" autocomplete="off">
                <label>\(t("field.kind")) <select name="kind" id="propose-kind">\(kinds)</select></label>
                <label>\(t("field.target")) <input name="target" id="propose-target" required maxlength="129" pattern="[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)?"
                autocapitalize="none"></label>
                <fieldset id="new-user" data-kinds="user.create user.change_role">
                <legend>\(t("field.new_user"))</legend>
                <label data-kinds="user.create">\(t("field.display_name")) <input name="display_name" id="propose-name" maxlength="100"></label>
                <label>\(t("field.branch")) <input name="branch" id="propose-branch" maxlength="64"></label>
                <label>\(t("field.role")) <select name="role" id="propose-role">\(roles)</select></label>
                </fieldset>
                <fieldset id="new-branch" data-kinds="branch.create">
                <legend>\(t("field.new_branch"))</legend>
                <label>\(t("field.name_zh")) <input name="name_zh" id="propose-name-zh" maxlength="100"></label>
                <label>\(t("field.name_en")) <input name="name_en" id="propose-name-en" maxlength="100"></label>
                <label>\(t("field.branch_kind")) <select name="branch_kind" id="propose-branch-kind">\(branchKinds)</select></label>
                </fieldset>
                <fieldset id="authority" data-kinds="authority.set">
                <legend>\(t("field.authority"))</legend>
                <label>\(t("field.level")) <input name="level" id="propose-level" type="number" min="1" max="5" value="1"></label>
                <label>\(t("field.codes")) <input name="codes" id="propose-codes" maxlength="2000" value="*"></label>
                <label>\(t("field.served")) <input name="served" id="propose-served" maxlength="2000"></label>
                <label>\(t("field.limits")) <input name="limits" id="propose-limits" maxlength="500" placeholder="CNY 1000000.00; USD 200000.00"></label>
                </fieldset>
                <label data-kinds="rules.activate">\(t("field.rules")) <input type="file" name="rules" id="propose-rules" accept="application/json,.json"></label>
                <label data-kinds="seal.map">\(t("field.forms")) <input name="forms" id="propose-forms" maxlength="2000" placeholder="cash-deposit, cash-withdrawal"></label>
                <button type="submit" id="propose-submit" class="primary">\(t("propose.submit"))</button>
                </form>
                <p id="propose-status" class="detail" role="status"></p>
                </section>
                <section class="card" id="handover" hidden aria-live="polite">
                <h2>\(t("handover"))</h2>
                <p>\(t("handover.detail"))</p>
                <p class="one-time"><span id="handover-user"></span> · <code id="handover-password"></code></p>
                <button type="button" id="handover-done">\(t("handover.done"))</button>
                </section>
                <section class="card" aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">\(t("waiting")) <span id="waiting-count" class="count">0</span></h2>
                <div class="scroll"><table id="waiting"><thead><tr>\(columns)</tr></thead><tbody></tbody></table></div>
                <p id="waiting-empty" class="detail">\(t("waiting.empty"))</p>
                </section>
                <section class="card" aria-labelledby="decided-heading">
                <h2 id="decided-heading">\(t("decided"))</h2>
                <div class="scroll"><table id="decided"><thead><tr>\(columns)</tr></thead><tbody></tbody></table></div>
                </section>
                </section>
                <section class="card" id="source-viewer" hidden aria-labelledby="source-title">
                <h2 id="source-title"></h2>
                <pre id="source-text" class="source"></pre>
                <button type="button" id="source-close">\(t("source.close"))</button>
                </section>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/console.js"></script>
                <script src="/static/admin.js"></script>
                """)
    }
}
