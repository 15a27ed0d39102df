// The reports page: sign in, pick a period, a date and a dimension, see the figures as a table and a chart (Chart.js,
// Debian's libjs-chart.js), download them as CSV or XLSX. The last report asked for is in the address
// (?period=…&date=…&by=…), so a reload shows it again. Everything shown is built with textContent (Countersign.el).
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const STORE = "countersign.reports";
    const $ = (id) => document.getElementById(id);
    const t = (key) => T[key] || key;
    const el = Countersign.el;
    const locale = document.documentElement.lang;
    let session = null;
    let chart = null;

    const api = (method, path, body) => Countersign.api(method, path, body, {
        token: session && session.token, onUnauthorized: session && path !== "/api/v1/sessions" ? signedOut : null,
    });

    const today = () => Countersign.bankToday();
    const money = Countersign.money;

    const percent = (part, whole) => whole ? (100 * part / whole).toFixed(1) + " %" : "–";

    function seconds(ms) {
        if (ms === undefined || ms === null) return t("over_an_hour");
        return ms < 60000 ? "≤ " + ms / 1000 + (locale.startsWith("zh") ? " 秒" : " s") : "≤ " + ms / 60000 + (locale.startsWith("zh") ? " 分" : " min");
    }

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
            enter: show,
        });
    }

    function query(format) {
        const form = $("report-form");
        const q = new URLSearchParams({ period: form.period.value, date: form.date.value, by: form.by.value });
        if (form.branch.value.trim()) q.set("branch", form.branch.value.trim());
        if (format) q.set("format", format);
        return q;
    }

    // Signs in or comes back: the report in the address, or today's by branch.
    async function show() {
        const asked = new URLSearchParams(location.search);
        const form = $("report-form");
        for (const name of ["period", "date", "by", "branch"]) if (asked.get(name)) form[name].value = asked.get(name);
        if (!form.date.value) form.date.value = today();
        await load();
        $("signin").hidden = true;
        $("console").hidden = false;
        $("whoami").textContent = session.user.display_name + " · " + session.user.branch;
    }

    async function load() {
        const r = await api("GET", "/api/v1/reports?" + query().toString());
        const q = query();
        const lang = new URLSearchParams(location.search).get("lang");
        if (lang) q.set("lang", lang);
        history.replaceState(null, "", "?" + q.toString());
        $("report-through").textContent = r.through ? t("through") + " " + r.through + " (" + new Date(r.rolled_at).toLocaleString(locale) + ")"
            : t("not_rolled");
        const latency = Object.fromEntries(r.latency.map((l) => [l.key + "/" + l.branch, l]));
        $("report-table").tBodies[0].replaceChildren(...r.rows.map((row) => {
            const l = latency[row.key + "/" + row.branch];
            return el("tr", { "data-key": row.key, "data-code": row.code },
                el("td", { text: row.key }), el("td", { text: row.code }), el("td", { text: row.currency }),
                el("td", { text: String(row.transactions) }), el("td", { text: String(row.committed) }),
                el("td", { class: "amount", text: money(row.amount_minor, row.currency) }),
                el("td", { text: percent(row.authorized, row.transactions) }), el("td", { text: percent(row.returns, row.decisions) }),
                el("td", { text: percent(row.rejects, row.decisions) }), el("td", { text: String(row.timeouts) }),
                el("td", { text: l && l.decided ? seconds(l.p50_ms) + " / " + seconds(l.p95_ms) : "–" }));
        }));
        draw(r);
    }

    // Transactions per key, stacked by transaction code: the twenty busiest keys.
    function draw(r) {
        const totals = new Map();
        for (const row of r.rows) totals.set(row.key, (totals.get(row.key) || 0) + row.transactions);
        const keys = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a)).slice(0, 20);
        const codes = [...new Set(r.rows.map((row) => row.code))].sort();
        const palette = ["#8c1c13", "#1f2a44", "#2f6f4f", "#b7791f", "#5a4fcf", "#3182ce", "#c05621", "#718096"];
        const datasets = codes.map((code, i) => ({
            label: code, backgroundColor: palette[i % palette.length],
            data: keys.map((key) => r.rows.filter((row) => row.key === key && row.code === code).reduce((sum, row) => sum + row.transactions, 0)),
        }));
        if (chart) chart.destroy();
        chart = new Chart($("report-chart"), {
            type: "bar", data: { labels: keys, datasets },
            options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
        });
        $("report-chart").dataset.keys = String(keys.length);
    }

    async function download(format, button) {
        button.disabled = true;
        try {
            const blob = await api("GET", "/api/v1/reports?" + query(format).toString());
            const link = el("a", { href: URL.createObjectURL(blob), download: "countersign-report." + format });
            document.body.append(link);
            link.click();
            link.remove();
            Countersign.clearError(button);
        } catch (error) {
            Countersign.showError(t("error"), error, button);
        } finally {
            button.disabled = false;
        }
    }

    $("signin-form").addEventListener("submit", signIn);
    $("report-form").addEventListener("submit", async (event) => {
        event.preventDefault();
        $("report-submit").disabled = true;
        try {
            await load();
            Countersign.clearError($("report-form"));
        } catch (error) {
            Countersign.showError(t("error"), error, $("report-form"));
        } finally {
            $("report-submit").disabled = false;
        }
    });
    $("download-csv").addEventListener("click", (event) => download("csv", event.target));
    $("download-xlsx").addEventListener("click", (event) => download("xlsx", event.target));
    $("signout").addEventListener("click", async () => {
        await api("DELETE", "/api/v1/session").catch(() => {});
        signedOut();
    });
    const kept = sessionStorage.getItem(STORE);
    if (kept) {
        session = JSON.parse(kept);
        show().catch(() => signedOut());
    } else {
        signedOut();
    }
})();
