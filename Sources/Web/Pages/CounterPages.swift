import Services

/// The teller console (`/teller`) and the customer screen (`/screen/{terminal}`): static pages in one language;
/// `teller.js` and `screen.js` do the rest through the API and the screen's WebSocket.
enum CounterPages {
    static func teller(_ language: Language) -> String {
        let text = PageText.counter
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        return HTMLPage.layout(
            title: text["teller.title", in: language], language: language, path: "/teller", wide: true,
            body: """
                \(HTMLPage.signInForm(heading: text["teller.signin", in: language], text: text, language))
                <section id="console" hidden>
                <div class="toolbar"><h1>\(t("teller.title"))</h1><span id="whoami" class="who"></span>
                <button type="button" id="signout">\(t("signout"))</button></div>
                <div class="console-grid">
                <section class="card" id="setup-panel">
                <h2>\(t("pair.heading"))</h2>
                <form id="pair-form" class="inline"><label>\(t("pair.code")) <input id="pair-code" inputmode="numeric" maxlength="6"></label>
                <button type="submit" id="pair-submit">\(t("pair.submit"))</button></form>
                <p id="pair-state" class="detail"></p>
                <button type="button" id="cancel-counter" class="danger" hidden>\(t("cancel.submit"))</button>
                <h2>\(t("pickup.heading"))</h2>
                <form id="pickup-form" class="inline"><label>\(t("pickup.code")) <input id="pickup-code" maxlength="12" autocapitalize="characters"></label>
                <button type="submit" id="pickup-submit">\(t("pickup.submit"))</button></form>
                <h2>\(t("walkin.heading"))</h2>
                <form id="walkin-form" class="inline"><label>\(t("walkin.form")) <select id="walkin-select" required>
                <option value="">\(t("choose"))</option></select></label>
                <button type="submit" id="walkin-submit">\(t("walkin.submit"))</button></form>
                </section>
                <section class="card" id="draft-panel">
                <h2>\(t("draft.heading")) <span id="draft-state" class="link down" data-state="none"></span></h2>
                <p id="draft-none" class="detail">\(t("draft.none"))</p>
                <form id="draft" class="prefill" hidden autocomplete="off"></form>
                </section>
                <section class="card" id="booking-panel" hidden>
                <h2>\(t("book.heading")) <span id="booking-state" class="link down" data-state="none"></span></h2>
                <form id="book-form" class="inline"><p class="detail">\(t("book.from_directory"))</p>
                <button type="submit" id="book-submit" class="primary">\(t("book.submit"))</button></form>
                <p id="book-decision" class="detail" hidden></p>
                <p id="authz-status" class="outcome" hidden aria-live="polite"></p>
                <form id="authz-form" hidden autocomplete="off">
                <label>\(t("authz.mode")) <select id="authz-mode"></select></label>
                <div id="authz-material"></div>
                <div id="authz-local" hidden>
                <label>\(t("authz.supervisor")) <input id="authz-supervisor" maxlength="64"></label>
                <label>\(t("authz.password")) <input id="authz-password" type="password" maxlength="200"></label>
                <label>\(t("authz.local_decision")) <select id="authz-local-decision">
                <option value="approve">\(t("decision.approve"))</option><option value="reject">\(t("decision.reject"))</option></select></label>
                <label>\(t("authz.reason")) <input id="authz-local-reason" maxlength="500"></label>
                </div>
                <button type="submit" id="authz-submit" class="primary">\(t("authz.submit"))</button></form>
                <button type="button" id="commit-submit" class="primary" hidden>\(t("commit.submit"))</button>
                <form id="withdraw-form" class="inline" hidden autocomplete="off">
                <label>\(t("withdraw.reason")) <input id="withdraw-reason" maxlength="200" required></label>
                <button type="submit" id="withdraw-submit" class="danger">\(t("withdraw.submit"))</button></form>
                <form id="finish-form" class="inline" hidden><p class="detail">\(t("finish.seal"))</p>
                <button type="submit" id="finish-submit" class="primary">\(t("finish.submit"))</button></form>
                <p id="finish-result" class="outcome" hidden></p>
                <button type="button" id="next-customer" class="primary" hidden>\(t("finish.next"))</button>
                </section>
                </div>
                </section>
                <div id="alert" class="alert" role="alert" hidden></div>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/console.js"></script>
                <script src="/static/teller.js"></script>
                """)
    }

    static func screen(terminal: String, _ language: Language) -> String {
        let text = PageText.counter
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        return HTMLPage.layout(
            title: text["screen.title", in: language], language: language, path: "/screen/\(terminal)", kiosk: true,
            body: """
                <section id="screen" class="screen" data-terminal="\(HTMLPage.escape(terminal))">
                <form id="enroll" class="card" hidden><h1>\(t("screen.enroll_title"))</h1><p>\(t("screen.enroll_intro"))</p>
                <label>\(t("screen.enroll_terminal")) <input id="enroll-terminal" required maxlength="64" pattern="[A-Za-z0-9_.\\-]{1,64}"
                 value="\(HTMLPage.escape(terminal))" autocomplete="off"></label>
                <label>\(t("screen.enroll_user")) <input id="enroll-user" required maxlength="64" autocomplete="username"></label>
                <label>\(t("screen.enroll_password")) <input id="enroll-password" type="password" required maxlength="256"
                 autocomplete="current-password"></label>
                <button type="submit" id="enroll-submit" class="primary">\(t("screen.enroll"))</button></form>
                <p id="screen-terminal" class="detail" hidden></p>
                <div id="receipt" hidden><h2>\(t("screen.receipt"))</h2><img id="receipt-qr" class="qr" alt="QR">
                <p>\(t("screen.receipt_link")) <a id="receipt-link" href="#" target="_blank" rel="noopener noreferrer"></a></p>
                <button type="button" id="receipt-done" class="primary">\(t("screen.receipt_done"))</button></div>
                <div id="pairing" hidden><p>\(t("screen.pairing"))</p><p id="pairing-code" class="code"></p></div>
                <p id="waiting" hidden>\(t("screen.waiting"))</p>
                <div id="review" hidden>
                <h1 id="review-title"></h1>
                <p>\(t("screen.check"))</p>
                <dl id="review-lines" class="fields"></dl>
                <div class="decision"><button type="button" id="confirm" class="primary">\(t("screen.confirm"))</button>
                <button type="button" id="reject" class="danger">\(t("screen.reject"))</button></div>
                </div>
                <div id="signing" hidden>
                <figure id="preview" class="preview" hidden><figcaption>\(t("screen.preview"))</figcaption>
                <canvas id="preview-page" role="img" aria-label="\(t("screen.preview"))"></canvas></figure>
                <p>\(t("screen.sign"))</p>
                <canvas id="pad" class="pad" width="600" height="220"></canvas>
                <div class="decision"><button type="button" id="pad-clear">\(t("screen.clear"))</button>
                <button type="button" id="pad-done" class="primary">\(t("screen.done"))</button></div>
                </div>
                <p id="screen-status" class="outcome" hidden aria-live="polite"></p>
                <p id="screen-offline" class="detail" hidden>\(t("screen.offline"))</p>
                </section>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/vendor/pdf.js"></script>
                <script src="/static/screen.js"></script>
                """)
    }

    static func verify(_ language: Language) -> String {
        let text = PageText.counter
        func t(_ key: String) -> String { HTMLPage.escape(text[key, in: language]) }
        return HTMLPage.layout(
            title: text["verify.title", in: language], language: language, path: "/verify",
            body: """
                <h1>\(t("verify.title"))</h1>
                <p>\(t("verify.intro"))</p>
                <form id="verify-file" class="card"><label>\(t("verify.file")) <input type="file" id="verify-pdf" accept="application/pdf"></label>
                <button type="submit" id="verify-file-submit" class="primary">\(t("verify.submit"))</button></form>
                <form id="verify-number" class="card inline"><label>\(t("verify.number")) <input id="verify-voucher" maxlength="32" placeholder="V2026…"></label>
                <button type="submit" id="verify-number-submit">\(t("verify.submit"))</button></form>
                <section id="verdict" class="card" hidden aria-live="polite">
                <p id="verdict-summary" class="message"></p>
                <ul id="verdict-findings" class="findings"></ul>
                <ol id="verdict-signatures"></ol>
                <p class="detail">SHA-256 <code id="verdict-sha"></code></p>
                </section>
                <p id="verify-problem" class="problem" role="alert"></p>
                <script type="application/json" id="texts">\(text.json(in: language))</script>
                <script src="/static/verify.js"></script>
                """)
    }
}
