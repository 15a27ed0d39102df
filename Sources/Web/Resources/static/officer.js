// The officer console: sign in, presence, the live queue over the push WebSocket, claim, review, decide, statistics.
// Everything shown is built with textContent, never innerHTML, so nothing the API returns can inject markup.
// The queue is always re-read from the API after a push: the server knows who is eligible; the page never guesses.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const locale = document.documentElement.lang;
    const STORE = "countersign.officer";
    const $ = (id) => document.getElementById(id);
    const t = (key) => T[key] || key;

    let session = null;          // {token, user: {id, display_name, role, branch}, terminal}
    let socket = null;
    let lastFeed = null;         // the newest feed id seen, to catch up after a reconnect
    let reconnectDelay = 500;
    let reloadTimer = null;
    let queueIDs = null;         // ids shown last time, to mark new arrivals
    let current = null;          // {request, payload, decided} — the request under review
    let timers = [];

    // MARK: helpers

    const el = Countersign.el;

    // An error is shown beside the form, field or button of the step that failed, and cleared when it succeeds.
    const showError = (error, anchor) => Countersign.showError(t("error"), error, anchor ? $(anchor) : null);
    const cleared = (anchor) => Countersign.clearError($(anchor));

    // A 401 outside sign-in means the session ended: back to the sign-in form.
    // `background`: the page reading on its own, which does not keep the session from its idle limit.
    const api = (method, path, body, background) => Countersign.api(method, path, body, {
        token: session && session.token, onUnauthorized: session && path !== "/api/v1/sessions" ? signedOut : null, background,
    });

    function money(minor, currency) {
        const sign = minor < 0 ? "-" : "";
        const units = Math.floor(Math.abs(minor) / 100);
        const cents = String(Math.abs(minor) % 100).padStart(2, "0");
        return sign + units.toLocaleString(locale) + "." + cents + " " + currency;
    }

    function duration(ms) {
        if (ms === null || ms === undefined) return "–";
        const seconds = Math.max(0, Math.round(ms / 1000));
        const zh = locale.startsWith("zh");
        if (seconds < 60) return seconds + (zh ? " 秒" : " s");
        return Math.floor(seconds / 60) + (zh ? " 分 " : " min ") + (seconds % 60) + (zh ? " 秒" : " s");
    }

    const nowUs = () => Date.now() * 1000;

    // Request ids are a letter and a zero-padded number: "R0000000000001209" reads as "R1209".
    const shortID = (id) => id.replace(/^([A-Z])0+(?=\d)/, "$1");

    // MARK: sign-in

    function showSignIn() {
        $("console").hidden = true;
        $("signin").hidden = false;
        const terminal = $("signin-terminal");
        if (!terminal.value) terminal.value = localStorage.getItem(STORE + ".terminal") || "OC-" + Math.random().toString(36).slice(2, 8).toUpperCase();
        $("signin-user").focus();
    }

    async function signIn(event) {
        event.preventDefault();
        const form = event.target;
        const button = $("signin-submit");
        button.disabled = true;
        try {
            const reply = await api("POST", "/api/v1/sessions", {
                user: form.user.value.trim(), password: form.password.value, terminal: form.terminal.value.trim(),
            });
            session = { token: reply.token, user: reply.user, terminal: reply.terminal };
            if (!["officer", "supervisor"].includes(session.user.role)) {
                await api("DELETE", "/api/v1/session").catch(() => {});
                session = null;
                throw new Error(t("signin.wrong_role"));
            }
            if (reply.must_change_password) {
                $("signin").hidden = true;
                await Countersign.choosePassword(session.token, form.password.value);
            }
            sessionStorage.setItem(STORE, JSON.stringify(session));
            localStorage.setItem(STORE + ".terminal", session.terminal || "");
            form.password.value = "";
            cleared("signin-form");
            showConsole();
        } catch (error) {
            // A teller's sign-in at the console's terminal is refused before its role is known here: it is the
            // same answer, the console is for officers.
            showError(error.code === "auth.unregistered_terminal" ? new Error(t("signin.wrong_role")) : error, "signin-form");
        } finally {
            button.disabled = false;
        }
    }

    async function signOut() {
        try {
            await api("PUT", "/api/v1/authz/presence", { status: "offline" });
            await api("DELETE", "/api/v1/session");
        } catch (error) { /* the session may already be gone; signing out locally is what matters */ }
        signedOut();
    }

    function signedOut() {
        session = null;
        sessionStorage.removeItem(STORE);
        if (socket) { socket.onclose = null; socket.close(); socket = null; }
        timers.forEach(clearInterval);
        timers = [];
        current = null;
        showSignIn();
    }

    // MARK: the console

    function showConsole() {
        $("alert").hidden = true;
        $("signin").hidden = true;
        $("console").hidden = false;
        $("whoami").textContent = session.user.display_name + " · " + session.user.id + " · " + session.user.branch
            + (session.terminal ? " · " + session.terminal : "");
        connect();
        loadQueue();
        loadStatistics();
        renderDetail();
        timers.push(setInterval(tick, 1000), setInterval(loadStatistics, 30000));
    }

    async function setPresence(status) {
        try {
            const reply = await api("PUT", "/api/v1/authz/presence", { status });
            showPresence(reply.status);
            cleared("presence");
            loadQueue();
        } catch (error) { showError(error, "presence"); }
    }

    function showPresence(status) {
        for (const button of document.querySelectorAll("button.presence")) {
            button.setAttribute("aria-pressed", String(button.dataset.presence === status));
        }
        $("queue-empty").textContent = status === "online" ? t("queue.empty") : t("queue.offline");
    }

    // MARK: push

    function connect() {
        if (!session) return;
        const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/authz/stream";
        const ws = new WebSocket(url);
        socket = ws;
        ws.onopen = () => {
            const hello = { type: "hello", token: session.token };
            if (lastFeed !== null) hello.after = lastFeed;
            ws.send(JSON.stringify(hello));
        };
        ws.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "ready") {
                reconnectDelay = 500;
                linkState(true);
                if (lastFeed === null) lastFeed = message.feed_id;
                // Feed ids are not in commit order, so a reconnect re-reads the queue as well as catching up.
                scheduleReload();
            } else if (message.type === "request") {
                const request = message.request;
                if (request.feed_id && request.feed_id > lastFeed) lastFeed = request.feed_id;
                pushed(request);
            } else if (message.type === "error") {
                if (["auth.invalid_token", "auth.session_ended", "auth.session_idle"].includes(message.code)) {
                    signedOut();
                    // Why, where the officer signs in again.
                    showError(message, "signin-form");
                }
                else showError(message);
            }
        };
        ws.onclose = () => {
            linkState(false);
            if (socket !== ws || !session) return;
            setTimeout(connect, reconnectDelay);
            reconnectDelay = Math.min(reconnectDelay * 2, 5000);
        };
    }

    function linkState(live) {
        const badge = $("link-state");
        badge.dataset.state = live ? "live" : "down";
        badge.className = "link " + (live ? "live" : "down");
        badge.textContent = live ? t("link.live") : t("link.down");
    }

    function pushed(request) {
        if (current && !current.decided && current.request.id === request.id
            && !(request.state === "claimed" && request.claimed_by === session.user.id)) {
            // Withdrawn by the teller: nothing to decide, and the customer's particulars leave the screen. Otherwise
            // the claim was lost (the lease ran out, the request moved on).
            if (request.state === "withdrawn") current.decided = "withdrawn";
            else current.lost = true;
            renderDetail();
        }
        scheduleReload();
    }

    function scheduleReload() {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(loadQueue, 100);
    }

    // MARK: queue

    async function loadQueue() {
        if (!session) return;
        try {
            const reply = await api("GET", "/api/v1/authz/queue", undefined, true);
            showPresence(reply.presence);
            renderQueue(reply.requests);
        } catch (error) { showError(error); }
    }

    function renderQueue(requests) {
        const body = $("queue").tBodies[0];
        const seen = new Set(requests.map((r) => r.id));
        body.replaceChildren(...requests.map((request) => {
            const mine = request.state === "claimed" && request.claimed_by === session.user.id;
            const action = mine
                ? el("button", { type: "button", "data-action": "open", text: t("open"), onclick: () => openRequest(request.id) })
                : el("button", { type: "button", class: "primary", "data-action": "claim", text: t("claim"), onclick: () => claim(request.id) });
            const row = el("tr", { "data-request": request.id, "data-state": request.state, class: queueIDs && !queueIDs.has(request.id) ? "fresh" : null },
                el("td", {}, action),
                el("td", { text: shortID(request.id), title: request.id }),
                el("td", { text: request.branch }),
                el("td", { text: request.teller }),
                el("td", { text: t("code." + request.code) }),
                el("td", { class: "amount", text: money(request.amount_minor, request.currency) }),
                el("td", { text: String(request.level) + (request.officers > 1 ? " ×" + request.officers : "") }),
                el("td", { text: t("mode." + request.scope) }),
                el("td", { text: t("state." + request.state) }),
                el("td", { class: "waiting", "data-since": request.created_at_us }));
            return row;
        }));
        queueIDs = seen;
        $("queue-count").textContent = String(requests.length);
        $("queue-empty").hidden = requests.length > 0;
        tick();
    }

    function tick() {
        for (const cell of document.querySelectorAll("td.waiting")) {
            cell.textContent = duration((nowUs() - Number(cell.dataset.since)) / 1000);
        }
        const lease = $("lease-left");
        if (lease && current && current.request.lease_until_us) {
            const left = (current.request.lease_until_us - nowUs()) / 1000;
            lease.textContent = duration(left);
            lease.className = "lease" + (left < 30000 ? " short" : "");
        }
    }

    // MARK: review

    async function claim(id) {
        try {
            await api("POST", "/api/v1/authz/requests/" + encodeURIComponent(id) + "/claim");
            cleared("queue");
            await openRequest(id);
        } catch (error) {
            showError(error, "queue");
            loadQueue();
        }
    }

    // Form definitions by code (labels, order, options, masks), fetched once.
    const forms = {};
    async function formFor(code) {
        if (!(code in forms)) forms[code] = await api("GET", "/api/v1/forms/" + encodeURIComponent(code)).catch(() => null);
        return forms[code];
    }

    // What the officer does not need in full to decide: the ID number and the mobile, masked as on the screen.
    function masked(field, value) {
        const text = String(value);
        const keep = (first, last) => text.length <= first + last ? text
            : text.slice(0, first) + "*".repeat(text.length - first - last) + text.slice(text.length - last);
        if (field.mask === "id") return keep(6, 4);
        if (field.mask === "phone") return keep(3, 4);
        return text;
    }

    function shown(field, value) {
        // Amounts as the top line writes them: thousands separated.
        if (field.type === "amount" && /^\d+(\.\d+)?$/.test(String(value))) {
            const [units, cents] = String(value).split(".");
            return Number(units).toLocaleString(locale) + (cents ? "." + cents : "");
        }
        if (field.options) {
            const option = field.options.find((o) => o.value === value);
            if (option) return label(option.label);
        }
        return masked(field, value);
    }

    const label = (text) => (locale.startsWith("zh") ? text.zh : text.en);
    const word = (prefix, value) => (T[prefix + value] !== undefined ? t(prefix + value) : value);

    async function openRequest(id) {
        try {
            const reply = await api("GET", "/api/v1/authz/requests/" + encodeURIComponent(id));
            await formFor(reply.request.code);
            current = {
                request: reply.request, payload: reply.transaction_payload, customer: reply.customer || null,
                rules: reply.rules || [], history: reply.history || null, decided: null, lost: false,
            };
            renderDetail();
            // On a tablet the detail sits below the queue: bring what was just claimed into view.
            if ($("detail-panel").getBoundingClientRect().top > window.innerHeight / 2) $("detail-panel").scrollIntoView({ block: "start" });
            loadQueue();
        } catch (error) { showError(error, "queue"); }
    }

    function renderDetail() {
        const box = $("detail");
        $("detail-none").hidden = current !== null;
        box.hidden = current === null;
        if (!current) { box.replaceChildren(); return; }
        const request = current.request;
        const payload = current.payload || {};
        // Decided: the outcome, in its colour; the customer's particulars leave the screen.
        if (current.decided) {
            box.replaceChildren(
                el("p", { class: "outcome", id: "detail-outcome", "data-decision": current.decided, text: t("decided." + current.decided) }),
                el("p", { text: t("code." + request.code) + " · " + money(request.amount_minor, request.currency) + " · " + shortID(request.id) }));
            return;
        }
        const facts = el("dl", { class: "fields", id: "detail-fields" },
            el("dt", { text: t("field.code") }), el("dd", { text: t("code." + request.code) }),
            el("dt", { text: t("field.amount") }), el("dd", { class: "big", id: "detail-amount", text: money(request.amount_minor, request.currency) }),
            el("dt", { text: t("field.account_type") }), el("dd", { text: payload.account_type ? word("account_type.", payload.account_type) : "–" }),
            el("dt", { text: t("field.customer_risk") }), el("dd", { text: payload.customer_risk ? word("risk.", payload.customer_risk) : "–" }),
            el("dt", { text: t("field.channel") }), el("dd", { text: payload.channel ? word("channel.", payload.channel) : "–" }),
            el("dt", { text: t("col.branch") }), el("dd", { text: request.branch + (request.terminal ? " · " + request.terminal : "") }),
            el("dt", { text: t("col.teller") }), el("dd", { text: request.teller }),
            el("dt", { text: t("col.mode") }), el("dd", { text: t("mode." + request.scope) }),
            el("dt", { text: t("col.level") }), el("dd", { text: String(request.level) }),
            el("dt", { text: t("detail.version") }), el("dd", { text: String(request.version) }),
            el("dt", { text: t("detail.approvals") }), el("dd", { text: request.approvals + " / " + request.officers }));
        // The customer's fields in the form's order, with the form's labels and option words; what the form does
        // not define (the digest of the confirmed view) apart.
        const values = Object.assign({}, payload.fields || {});
        const form = forms[request.code];
        const fields = el("dl", { class: "fields", id: "detail-form" });
        for (const field of (form && form.fields) || []) {
            if (!(field.id in values)) continue;
            fields.append(el("dt", { text: label(field.label) }), el("dd", { "data-field": field.id, text: shown(field, values[field.id]) }));
            delete values[field.id];
        }
        const viewDigest = values.counter_view_sha256;
        delete values.counter_view_sha256;
        for (const [name, value] of Object.entries(values)) fields.append(el("dt", { text: name }), el("dd", { text: String(value) }));
        if (viewDigest) {
            fields.append(el("dt", { text: t("detail.view_digest") }), el("dd", { class: "digest", title: viewDigest, text: viewDigest.slice(0, 16) + "…" }));
        }
        const material = el("ul", { class: "material", id: "detail-material" }, ...request.material.map((item) =>
            el("li", {},
                el("span", { text: word("material.", item.kind) + " · " + Math.max(1, Math.round(item.size / 1024)) + " KB" }),
                el("button", { type: "button", "data-material": item.kind, text: t("detail.view"), onclick: () => viewMaterial(item) }))));
        const parts = [el("h3", { text: t("detail.fields") }), facts];
        // Why it needs authorization, in the words of the rule set that judged it.
        if (current.rules.length) {
            parts.push(el("h3", { text: t("detail.rules") }),
                el("ul", { class: "rules", id: "detail-rules" }, ...current.rules.map((rule) => el("li", { "data-rule": rule.id, text: describe(rule.description) }))));
        }
        parts.push(el("h3", { text: t("detail.customer") }), fields);
        if (current.customer) parts.push(el("h3", { text: t("detail.screen") }), ...customerSide(current.customer));
        parts.push(el("h3", { text: t("detail.material") }), material);
        if (current.history) parts.push(...historySections(current.history));
        if (current.lost) {
            parts.push(el("p", { class: "outcome", id: "detail-outcome", text: t("lost") }));
        } else {
            // The reason and the buttons stay at the bottom of the view however long the request (a tablet).
            parts.push(el("div", { class: "decision-bar", id: "decision-bar" },
                el("p", {}, el("span", { text: t("detail.lease") + ": " }), el("span", { id: "lease-left", class: "lease" })),
                el("label", {}, el("span", { text: t("detail.reason") }),
                    el("textarea", { id: "decision-reason", rows: "2", maxlength: "500", placeholder: t("detail.reason_hint") })),
                el("div", { class: "decision", id: "decision-buttons" },
                    el("button", { type: "button", class: "primary", id: "decide-approve", text: t("decision.approve"), onclick: () => decide("approve") }),
                    el("button", { type: "button", id: "decide-return", text: t("decision.return"), onclick: () => decide("return") }),
                    el("button", { type: "button", class: "danger", id: "decide-reject", text: t("decision.reject"), onclick: () => decide("reject") }))));
        }
        box.replaceChildren(...parts);
        tick();
    }

    // A rule's description is "中文 · English": the console's language half of it.
    function describe(text) {
        const parts = text.split(" · ");
        return parts.length === 2 ? parts[locale.startsWith("zh") ? 0 : 1] : text;
    }

    function when(us) {
        return new Date(us / 1000).toLocaleString(locale, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    }

    // What came before: every earlier version of this request (and of the rejected transaction it replaces) with
    // each officer's decision and reason; and the account's recent transactions with how they ended.
    function historySections(history) {
        const versions = el("ol", { class: "history", id: "detail-versions" });
        for (const version of history.versions) {
            if (version.request === current.request.id) continue;
            const decisions = version.decisions.map((d) => d.officer + " " + t("decided." + d.decision) + (d.reason ? " “" + d.reason + "”" : ""));
            const other = version.transaction !== current.request.transaction ? " · " + t("history.replaced") + " " + version.transaction : "";
            versions.append(el("li", { "data-request": version.request, "data-state": version.state,
                text: t("detail.version") + " " + version.version + other + " · " + when(version.created_at_us) + " · " + t("mode." + version.mode)
                    + " · " + t("state." + version.state) + (decisions.length ? " · " + decisions.join("；") : "") }));
        }
        if (!versions.children.length) versions.append(el("li", { class: "detail", text: t("history.none") }));
        const account = el("ul", { class: "history", id: "detail-account" });
        for (const earlier of history.account) {
            const outcome = earlier.state === "committed" ? t("state.committed")
                : earlier.request_state && earlier.request_state !== "committed" ? t("state." + earlier.request_state) : t("txn." + earlier.state);
            account.append(el("li", { "data-transaction": earlier.transaction, "data-state": earlier.state,
                text: when(earlier.submitted_at_us) + " · " + t("code." + earlier.code) + " · " + money(earlier.amount_minor, earlier.currency)
                    + " · " + outcome + (earlier.reason ? " “" + earlier.reason + "”" : "") }));
        }
        if (!account.children.length) account.append(el("li", { class: "detail", text: t("history.account_none") }));
        return [el("h3", { text: t("detail.history") }), versions, el("h3", { text: t("detail.account") }), account];
    }

    // The customer's own confirmation: the lines their screen showed (masked as they saw them) and their strokes,
    // drawn as lines in an SVG the size of the pad.
    function customerSide(customer) {
        const lines = el("dl", { class: "fields", id: "detail-screen" });
        for (const line of customer.view.lines || []) {
            lines.append(el("dt", { text: label(line.label) }), el("dd", { text: line.value + (line.words ? " " + line.words : "") }));
        }
        const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("viewBox", "0 0 600 220");
        svg.setAttribute("class", "signature");
        svg.setAttribute("id", "detail-signature");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", t("detail.signature"));
        for (const stroke of customer.strokes || []) {
            const path = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
            path.setAttribute("points", stroke.map(([x, y]) => (x * 600).toFixed(1) + "," + (y * 220).toFixed(1)).join(" "));
            path.setAttribute("fill", "none");
            path.setAttribute("stroke", "#1f2a44");
            path.setAttribute("stroke-width", "2.5");
            path.setAttribute("stroke-linecap", "round");
            path.setAttribute("stroke-linejoin", "round");
            svg.append(path);
        }
        return [lines, svg];
    }

    async function decide(decision) {
        const reason = $("decision-reason").value.trim();
        if (decision !== "approve" && !reason) { showError(new Error(t("detail.reason_required")), "decision-reason"); return; }
        cleared("decision-reason");
        const buttons = document.querySelectorAll(".decision button");
        buttons.forEach((b) => { b.disabled = true; });
        try {
            const body = { decision, payload_digest: current.request.payload_digest, material_digest: current.request.material_digest };
            if (reason) body.reason = reason;
            current.request = await api("POST", "/api/v1/authz/requests/" + encodeURIComponent(current.request.id) + "/decision", body);
            current.decided = decision;
            cleared("decision-buttons");  // an earlier refusal no longer applies
            renderDetail();
            loadQueue();
            loadStatistics();
        } catch (error) {
            if (error.code === "authz.withdrawn") {
                // The teller withdrew it while the officer was deciding: say so, as the push would have.
                current.decided = "withdrawn";
                renderDetail();
                return;
            }
            // Inside the bar, under the buttons: in view however long the page.
            showError(error, "decision-buttons");
            buttons.forEach((b) => { b.disabled = false; });
        }
    }

    async function viewMaterial(item) {
        try {
            const blob = await api("GET", "/api/v1/authz/requests/" + encodeURIComponent(current.request.id) + "/material/" + encodeURIComponent(item.kind));
            const content = $("viewer-content");
            const url = URL.createObjectURL(blob);
            let view;
            if (item.media_type.startsWith("image/")) view = el("img", { src: url, alt: item.kind, id: "viewer-image" });
            else if (item.media_type === "application/pdf") view = el("iframe", { src: url, title: item.kind });
            else if (item.media_type.startsWith("text/")) view = el("pre", { text: await blob.text() });
            else view = el("a", { href: url, download: item.kind, text: item.kind });
            content.replaceChildren(el("strong", { text: item.kind }), view);
            $("viewer").hidden = false;
            $("viewer").dataset.url = url;
            cleared("detail-material");
        } catch (error) { showError(error, "detail-material"); }
    }

    function closeViewer() {
        const viewer = $("viewer");
        if (viewer.dataset.url) URL.revokeObjectURL(viewer.dataset.url);
        viewer.hidden = true;
        $("viewer-content").replaceChildren();
    }

    // MARK: statistics

    async function loadStatistics() {
        if (!session) return;
        try {
            const reply = await api("GET", "/api/v1/authz/statistics", undefined, true);
            const mine = reply.officers.find((row) => row.officer === session.user.id);
            const list = $("stats");
            if (!mine) { list.className = ""; list.replaceChildren(el("dt", { class: "detail", text: t("stats.none") }), el("dd", { text: "—" })); return; }
            const rate = (n) => mine.decisions ? Math.round((n / mine.decisions) * 100) + " %" : "–";
            const rows = [
                ["decisions", String(mine.decisions)], ["approvals", String(mine.approvals)],
                ["reject_rate", rate(mine.rejects)], ["return_rate", rate(mine.returns)],
                ["claim_latency", duration(mine.mean_claim_latency_ms)], ["decision_latency", duration(mine.mean_decision_latency_ms)],
                ["leases_expired", String(mine.leases_expired)],
            ];
            list.className = "fields";
            list.replaceChildren(...rows.flatMap(([key, value]) => [el("dt", { text: t("stats." + key) }), el("dd", { "data-stat": key, text: value })]));
        } catch (error) { showError(error); }
    }

    // MARK: start

    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("viewer-close").addEventListener("click", closeViewer);
    for (const button of document.querySelectorAll("button.presence")) {
        button.addEventListener("click", () => setPresence(button.dataset.presence));
    }

    const saved = sessionStorage.getItem(STORE);
    if (saved) {
        session = JSON.parse(saved);
        api("GET", "/api/v1/session").then(showConsole, () => signedOut());
    } else {
        showSignIn();
    }
})();
