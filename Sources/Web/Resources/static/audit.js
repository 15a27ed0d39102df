// The auditors' console (post-transaction supervision): sign in, search transactions, open one's evidence (the
// customer's view and signature replayed from its strokes, the voucher, the authorization timeline, the audit events
// each checked in its chain), draw samples of a day, and take findings through their steps. A branch's supervisor
// sees the findings panel only, to answer their branch's. Where the auditor is lives in the address (#search,
// #samples, #findings, #T…), so a reload comes back to the same place. Everything shown is built with textContent
// (Countersign.el), never innerHTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const STORE = "countersign.audit";
    const QUERY = "countersign.audit.query";
    const $ = (id) => document.getElementById(id);
    const t = (key) => T[key] || key;
    const el = Countersign.el;
    const locale = document.documentElement.lang;
    const zh = locale.startsWith("zh");
    let session = null;
    let next = null;

    const api = (method, path, body) => Countersign.api(method, path, body, {
        token: session && session.token, onUnauthorized: session && path !== "/api/v1/sessions" ? signedOut : null,
    });

    const today = () => Countersign.bankToday();

    function when(text) {
        return text ? new Date(text).toLocaleString(locale, { hour12: false }) : "–";
    }

    const money = Countersign.money;

    // "1234.5" → "123450": the search takes minor units; nothing goes through a float.
    function minor(text) {
        const [whole, fraction = ""] = text.trim().split(".");
        return (whole + fraction.padEnd(2, "0")).replace(/^0+(?=\d)/, "");
    }

    function localized(text) {
        return text && typeof text === "object" ? (zh ? text.zh : text.en) : String(text);
    }

    function terms(entries) {
        const list = el("dl", { class: "fields" });
        for (const [key, value] of entries) {
            if (value === undefined || value === null || value === "") continue;
            list.append(el("dt", { text: t(key) }), typeof value === "string" ? el("dd", { text: value }) : el("dd", {}, value));
        }
        return list;
    }

    function card(id, heading, ...children) {
        return el("section", { class: "card", id, "aria-labelledby": id + "-heading" }, el("h3", { id: id + "-heading", text: t(heading) }), ...children);
    }

    // MARK: Sign-in and where the auditor is

    function signedOut() {
        session = null;
        sessionStorage.removeItem(STORE);
        $("console").hidden = true;
        $("signin").hidden = false;
        $("signin-user").focus();
    }

    function signIn(event) {
        return Countersign.signIn(event, {
            store: STORE, wrongRole: t("signin.wrong_role"), errorLabel: t("error"),
            signedIn: (signedIn) => { session = signedIn; },
            enter: async () => {
                // Auditors and supervisors may read findings; anyone else is told this page is not theirs.
                await api("GET", "/api/v1/audit/findings");
            },
            entered: start,
        });
    }

    const auditor = () => session && session.user.role === "auditor";

    function start() {
        $("signin").hidden = true;
        $("console").hidden = false;
        $("whoami").textContent = session.user.display_name + " · " + session.user.branch;
        for (const id of ["nav-search", "nav-trail", "nav-samples"]) $(id).hidden = !auditor();
        if (!$("search-from").value) $("search-from").value = today();
        if (!$("trail-from").value) $("trail-from").value = today();
        if (!$("sample-day").value) $("sample-day").value = today();
        route();
    }

    function show(panel) {
        for (const id of ["search-panel", "evidence-panel", "trail-panel", "samples-panel", "findings-panel"]) $(id).hidden = id !== panel;
        for (const button of document.querySelectorAll("[data-panel]")) {
            button.setAttribute("aria-pressed", String(button.dataset.panel === panel || (panel === "evidence-panel" && button.id === "nav-search")));
        }
    }

    // The address says where the auditor is; every move goes through it.
    function route() {
        const place = location.hash.slice(1);
        if (!auditor()) {
            show("findings-panel");
            loadFindings().catch((error) => Countersign.showError(t("error"), error, null));
        } else if (/^T[0-9]{16}$/.test(place)) {
            openEvidence(place);
        } else if (place === "samples") {
            show("samples-panel");
            loadSamples().catch((error) => Countersign.showError(t("error"), error, null));
        } else if (place === "trail") {
            show("trail-panel");
        } else if (place === "findings") {
            show("findings-panel");
            loadFindings().catch((error) => Countersign.showError(t("error"), error, null));
        } else {
            show("search-panel");
            const kept = sessionStorage.getItem(QUERY);
            if (kept && !$("results").tBodies[0].children.length) restoreSearch(JSON.parse(kept));
        }
    }

    function go(place) {
        if (location.hash === "#" + place) route();
        else location.hash = place;
    }

    // MARK: Search

    function query(form) {
        const q = new URLSearchParams();
        for (const name of ["from", "to", "branch", "teller", "officer", "code", "currency", "state", "id"]) {
            const value = form[name].value.trim();
            if (value) q.set(name, value);
        }
        if (form.min.value.trim()) q.set("min_minor", minor(form.min.value));
        if (form.max.value.trim()) q.set("max_minor", minor(form.max.value));
        return q;
    }

    async function search(event) {
        event.preventDefault();
        const form = $("search-form");
        const fields = Object.fromEntries(new FormData(form));
        sessionStorage.setItem(QUERY, JSON.stringify(fields));
        await runSearch(query(form), false);
    }

    function restoreSearch(fields) {
        const form = $("search-form");
        for (const [name, value] of Object.entries(fields)) if (form[name]) form[name].value = value;
        runSearch(query(form), false);
    }

    async function runSearch(q, more) {
        const form = $("search-form");
        $("search-submit").disabled = true;
        try {
            if (more && next) q.set("after", next);
            const page = await api("GET", "/api/v1/audit/transactions?" + q.toString());
            Countersign.clearError(form);
            const body = $("results").tBodies[0];
            const rows = page.transactions.map((x) => el("tr", { "data-transaction": x.id },
                el("td", { text: when(x.submitted_at) }), el("td", { text: x.branch }), el("td", { text: x.teller }),
                el("td", { text: x.code }), el("td", { class: "amount", text: money(x.amount_minor, x.currency) }),
                el("td", { text: t("state." + x.state) }), el("td", { text: x.officers.join(", ") || "–" }),
                el("td", { text: x.voucher || "–" }),
                el("td", {}, el("button", { type: "button", class: "open", "data-id": x.id, text: t("open"), onclick: () => go(x.id) }))));
            if (more) body.append(...rows);
            else body.replaceChildren(...rows);
            next = page.next || null;
            $("search-more").hidden = !next;
            $("results-none").hidden = body.children.length > 0;
            $("search-more").onclick = () => runSearch(q, true);
        } catch (error) {
            Countersign.showError(t("error"), error, form);
        } finally {
            $("search-submit").disabled = false;
        }
    }

    // MARK: The audit trail, across its chains

    let trailNext = null;

    async function searchTrail(event, more) {
        if (event) event.preventDefault();
        const form = $("trail-form");
        const q = new URLSearchParams();
        for (const name of ["from", "to", "actor", "action", "branch", "subject"]) {
            const value = form[name].value.trim();
            if (value) q.set(name, value);
        }
        if (more && trailNext) q.set("after", trailNext);
        $("trail-submit").disabled = true;
        try {
            const page = await api("GET", "/api/v1/audit/events?" + q.toString());
            Countersign.clearError(form);
            const body = $("trail").tBodies[0];
            const rows = page.events.map((e) => el("tr", { "data-chain": e.chain, "data-seq": String(e.seq), "data-verified": String(e.verified) },
                el("td", { text: when(e.time) }), el("td", { text: e.actor }), el("td", { text: e.branch || "–" }),
                el("td", { text: e.action }), el("td", { text: e.subject }), el("td", { text: e.chain + " / " + e.seq }),
                el("td", { class: e.verified ? "ok" : "alarm", text: e.verified ? "✓ " + t("trail.ok") : "✗ " + t("trail.broken"),
                    title: e.problem || e.hash })));
            if (more) body.append(...rows);
            else body.replaceChildren(...rows);
            trailNext = page.next || null;
            $("trail-more").hidden = !trailNext;
            $("trail-none").hidden = body.children.length > 0;
        } catch (error) {
            Countersign.showError(t("error"), error, form);
        } finally {
            $("trail-submit").disabled = false;
        }
    }

    // MARK: Evidence

    async function openEvidence(id) {
        show("evidence-panel");
        const box = $("evidence");
        box.replaceChildren();
        $("evidence-mark").textContent = "";
        try {
            const e = await api("GET", "/api/v1/audit/transactions/" + id);
            $("evidence-heading").textContent = t("evidence.title") + " " + id;
            const mark = $("evidence-mark");
            mark.dataset.verified = String(e.chain_verified);
            mark.dataset.decision = e.chain_verified ? "approve" : "reject";
            mark.textContent = e.chain_verified ? "✓ " + t("evidence.verified") : "✗ " + t("evidence.broken");
            if (e.problems && e.problems.length) {
                box.append(card("evidence-problems", "evidence.problems", el("ul", {}, ...e.problems.map((p) => el("li", { class: "alarm", text: p })))));
            }
            box.append(facts(e.transaction), customer(e.customer), voucher(e.voucher), timeline(e.authorization),
                events(e.events), findingsCard(e.findings, id));
            $("evidence-heading").focus();
        } catch (error) {
            Countersign.showError(t("error"), error, null);
        }
    }

    function facts(x) {
        const rules = el("ul", { class: "rules" }, ...x.matched_rules.map((r) => el("li", { text: r.description })));
        return card("evidence-facts", "evidence.facts", terms([
            ["col.branch", x.branch], ["col.teller", x.teller + (x.terminal ? " · " + x.terminal : "")], ["col.code", x.code],
            ["col.amount", money(x.amount_minor, x.currency)], ["col.state", t("state." + x.state)], ["col.time", when(x.submitted_at)],
            ["evidence.committed", x.committed_at ? when(x.committed_at) : ""], ["evidence.rule_set", x.rule_set_version],
            ["evidence.rules", x.matched_rules.length ? rules : ""], ["evidence.payload", x.payload_sha256],
        ]));
    }

    function customer(c) {
        if (!c) return card("evidence-customer", "evidence.customer", el("p", { class: "detail", text: t("evidence.no_customer") }));
        const lines = el("dl", { class: "fields", id: "evidence-view" });
        for (const line of c.view.lines || []) {
            lines.append(el("dt", { text: localized(line.label) }), el("dd", { text: line.value + (line.words ? " " + line.words : "") }));
        }
        const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("viewBox", "0 0 600 220");
        svg.setAttribute("class", "signature");
        svg.setAttribute("id", "evidence-signature");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", t("evidence.signature"));
        const draw = (until) => {
            svg.replaceChildren(...c.strokes.map((stroke) => {
                const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
                const shown = stroke.filter((p) => p[2] <= until);
                line.setAttribute("points", shown.map(([x, y]) => (x * 600).toFixed(1) + "," + (y * 220).toFixed(1)).join(" "));
                for (const [name, value] of [["fill", "none"], ["stroke", "#1f2a44"], ["stroke-width", "2.5"], ["stroke-linecap", "round"], ["stroke-linejoin", "round"]]) {
                    line.setAttribute(name, value);
                }
                return line;
            }));
            svg.dataset.points = String(c.strokes.reduce((sum, s) => sum + s.filter((p) => p[2] <= until).length, 0));
        };
        const end = Math.max(0, ...c.strokes.flat().map((p) => p[2]));
        draw(end);
        // The strokes again at the pace they were written (at most ten seconds, however slowly they were).
        const replay = el("button", { type: "button", id: "evidence-replay", text: t("evidence.replay"), onclick: () => {
            const pace = Math.max(1, end / 10000);
            const started = performance.now();
            replay.disabled = true;
            const frame = (now) => {
                const at = (now - started) * pace;
                draw(at);
                if (at < end) requestAnimationFrame(frame);
                else replay.disabled = false;
            };
            requestAnimationFrame(frame);
        } });
        return card("evidence-customer", "evidence.customer", lines, el("h4", { text: t("evidence.signature") }), svg, replay);
    }

    function voucher(v) {
        if (!v) return card("evidence-voucher", "evidence.voucher", el("p", { class: "detail", text: t("evidence.no_voucher") }));
        const holder = el("div", { id: "evidence-pdf" });
        const open = el("button", { type: "button", id: "evidence-open-pdf", text: t("evidence.pdf"), onclick: async () => {
            try {
                const blob = await api("GET", v.pdf);
                const url = URL.createObjectURL(blob);
                holder.replaceChildren(el("iframe", { src: url, title: v.id, class: "pdf" }),
                    el("a", { href: url, download: v.id + ".pdf", text: v.id + ".pdf" }));
            } catch (error) {
                Countersign.showError(t("error"), error, open);
            }
        } });
        return card("evidence-voucher", "evidence.voucher", terms([
            ["col.voucher", v.id], ["col.state", v.state], ["evidence.seal", v.seal || "–"], ["evidence.made", when(v.created_at)],
            ["evidence.pdf_sha256", v.pdf_sha256],
        ]), open, holder);
    }

    function timeline(requests) {
        if (!requests.length) return card("evidence-timeline", "evidence.timeline", el("p", { class: "detail", text: t("evidence.no_authorization") }));
        const list = el("ol", { class: "history" });
        for (const r of requests) {
            const steps = el("ul", {});
            steps.append(el("li", { text: when(r.created_at) + " · " + t("evidence.requested") + " · " + t("mode." + r.mode) + " · L" + r.level }));
            for (const d of r.decisions) {
                steps.append(el("li", { "data-officer": d.officer, text: when(d.decided_at) + " · " + d.officer + " " + t("decision." + d.decision)
                    + (d.reason ? " “" + d.reason + "”" : "") }));
            }
            for (const m of r.material) {
                steps.append(el("li", { class: "detail", text: t("evidence.material") + " · " + m.kind + " · " + m.media_type + " · " + m.sha256.slice(0, 16) + "…" }));
            }
            list.append(el("li", { "data-request": r.id }, el("strong", { text: r.id + " v" + r.version + " · " + r.state }), steps));
        }
        return card("evidence-timeline", "evidence.timeline", list);
    }

    function events(list) {
        const rows = list.map((e) => el("tr", { "data-action": e.action, "data-verified": String(e.verified) },
            el("td", { text: when(e.time) }), el("td", { text: e.action }), el("td", { text: e.actor }),
            el("td", { text: e.chain + " · " + e.seq }),
            el("td", { class: e.verified ? null : "alarm", title: e.problem || e.hash, text: e.verified ? "✓" : "✗ " + (e.problem || "") })));
        const table = el("table", { id: "evidence-events-table" },
            el("thead", {}, el("tr", {}, ...["time", "action", "actor", "position", "check"].map((k) => el("th", { scope: "col", text: t("col." + k) })))),
            el("tbody", {}, ...rows));
        return card("evidence-events", "evidence.events", el("div", { class: "scroll" }, table));
    }

    function findingsCard(list, transaction) {
        const box = el("div", { id: "evidence-finding-list" }, ...list.map(finding));
        const text = el("textarea", { id: "raise-text", name: "description", maxlength: "2000", required: true, rows: "3" });
        const password = el("input", { type: "password", id: "raise-password", maxlength: "256", required: true, autocomplete: "current-password" });
        const form = el("form", { id: "raise-form", onsubmit: async (event) => {
            event.preventDefault();
            try {
                const raised = await api("POST", "/api/v1/audit/findings", { transaction, description: text.value, password: password.value });
                Countersign.clearError(form);
                text.value = "";
                password.value = "";
                box.append(finding(raised));
            } catch (error) {
                Countersign.showError(t("error"), error, form);
            }
        } }, el("label", {}, t("raise.label") + " ", text), el("label", {}, t("confirm.password") + " ", password),
            el("button", { type: "submit", id: "raise-submit", text: t("raise.submit") }));
        return card("evidence-findings", "evidence.findings", box, form);
    }

    // MARK: Findings

    function finding(f) {
        const history = el("ol", { class: "history" }, ...f.history.map((s) =>
            el("li", { text: when(s.at) + " · " + s.by + " · " + t("finding." + s.step) + " · " + s.text })));
        const item = el("article", { class: "card", "data-finding": f.id, "data-state": f.state },
            el("h4", { text: "#" + f.id + " · " + f.transaction + " · " + f.branch + " · " + t("finding." + f.state) }),
            el("p", { text: f.description }), history);
        if (auditor() && location.hash.slice(1) !== f.transaction) {
            item.append(el("button", { type: "button", class: "open", text: t("open"), onclick: () => go(f.transaction) }));
        }
        const steps = auditor()
            ? (f.state === "answered" ? [["close", "finding.close"], ["return", "finding.return"]] : f.state === "raised" ? [["close", "finding.withdraw"]] : [])
            : (f.state === "raised" ? [["answer", "finding.answer"]] : []);
        if (steps.length) {
            const note = el("textarea", { id: "finding-" + f.id + "-text", maxlength: "2000", rows: "2", required: true });
            const password = el("input", { type: "password", id: "finding-" + f.id + "-password", maxlength: "256", required: true,
                autocomplete: "current-password" });
            const form = el("form", { id: "finding-" + f.id + "-form", onsubmit: (event) => event.preventDefault() },
                el("label", {}, t("finding.text") + " ", note), el("label", {}, t("confirm.password") + " ", password));
            for (const [path, key] of steps) {
                form.append(el("button", { type: "button", "data-step": path, text: t(key), onclick: async () => {
                    try {
                        const now = await api("POST", "/api/v1/audit/findings/" + f.id + "/" + path, { text: note.value, password: password.value });
                        item.replaceWith(finding(now));
                    } catch (error) {
                        Countersign.showError(t("error"), error, form);
                    }
                } }));
            }
            item.append(form);
        }
        return item;
    }

    async function loadFindings() {
        const state = $("findings-state").value;
        const reply = await api("GET", "/api/v1/audit/findings" + (state ? "?state=" + state : ""));
        $("findings").replaceChildren(...(reply.findings.length ? reply.findings.map(finding)
            : [el("p", { class: "detail", text: t("findings.none") })]));
    }

    // MARK: Samples

    function sample(s) {
        const reviewed = s.items.filter((i) => i.reviewed_at).length;
        const rows = s.items.map((i) => el("tr", { "data-transaction": i.transaction },
            el("td", {}, el("button", { type: "button", class: "open", text: i.transaction, onclick: () => go(i.transaction) })),
            el("td", { text: i.branch }), el("td", { text: i.code }), el("td", { class: "amount", text: money(i.amount_minor, i.currency) }),
            el("td", {}, i.reviewed_at ? el("span", { text: t("samples.reviewed") + " · " + i.reviewed_by + " · " + when(i.reviewed_at) })
                : el("button", { type: "button", class: "review", text: t("samples.review"), onclick: async (event) => {
                    try {
                        const password = $("sample-password").value;
                        if (!password) throw new Error(t("samples.password_first"));
                        const now = await api("POST", "/api/v1/audit/samples/" + s.id + "/reviewed", { transaction: i.transaction, password });
                        $("sample-" + s.id).replaceWith(sample(now));
                    } catch (error) {
                        Countersign.showError(t("error"), error, event.target);
                    }
                } }))));
        return el("article", { class: "card", id: "sample-" + s.id, "data-sample": s.id },
            el("h4", { text: "#" + s.id + " · " + s.day + " · " + (s.branch || t("samples.all")) + " · " + s.drawn_by + " · "
                + t("samples.drawn") + " " + s.items.length + "/" + s.requested + " · " + t("samples.reviewed") + " " + reviewed }),
            el("div", { class: "scroll" }, el("table", {}, el("tbody", {}, ...rows))));
    }

    async function loadSamples() {
        const reply = await api("GET", "/api/v1/audit/samples");
        $("samples").replaceChildren(...(reply.samples.length ? reply.samples.map(sample) : [el("p", { class: "detail", text: t("samples.none") })]));
    }

    async function draw(event) {
        event.preventDefault();
        const form = event.target;
        $("sample-submit").disabled = true;
        try {
            const body = { day: form.day.value, size: Number(form.size.value), password: form.password.value };
            if (form.branch.value.trim()) body.branch = form.branch.value.trim();
            const drawn = await api("POST", "/api/v1/audit/samples", body);
            Countersign.clearError(form);
            const none = $("samples").querySelector("p.detail");
            if (none) none.remove();
            $("samples").prepend(sample(drawn));
        } catch (error) {
            Countersign.showError(t("error"), error, form);
        } finally {
            $("sample-submit").disabled = false;
        }
    }

    $("signin-form").addEventListener("submit", signIn);
    $("search-form").addEventListener("submit", search);
    $("trail-form").addEventListener("submit", (event) => searchTrail(event, false));
    $("trail-more").addEventListener("click", () => searchTrail(null, true));
    $("sample-form").addEventListener("submit", draw);
    $("findings-state").addEventListener("change", () => loadFindings().catch((error) => Countersign.showError(t("error"), error, null)));
    $("evidence-back").addEventListener("click", () => go("search"));
    for (const button of document.querySelectorAll("[data-panel]")) {
        button.addEventListener("click", () => go(button.dataset.panel.replace("-panel", "")));
    }
    $("signout").addEventListener("click", async () => {
        await api("DELETE", "/api/v1/session").catch(() => {});
        sessionStorage.removeItem(QUERY);
        signedOut();
    });
    window.addEventListener("hashchange", () => { if (session) route(); });
    const kept = sessionStorage.getItem(STORE);
    if (kept) {
        session = JSON.parse(kept);
        start();
    } else {
        signedOut();
    }
})();
