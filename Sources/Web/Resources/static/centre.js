// The authorization centre's dashboard: sign in, then the figures from GET /api/v1/authz/dashboard, read again on
// every change of any request (the push channel pings it: {"type":"queue"}) and every thirty seconds besides (the
// ages and timeouts grow without any change). Everything shown is built with textContent (Countersign.el).
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const STORE = "countersign.centre";
    const $ = (id) => document.getElementById(id);
    const t = (key) => T[key] || key;
    const el = Countersign.el;
    const locale = document.documentElement.lang;
    let session = null;
    let timer = null;
    let socket = null;
    let pending = null;
    let reconnectDelay = 500;
    // Reads may cross on a slow network: only the newest one started is shown.
    let reads = 0;

    // `background`: the page reading on its own, which does not keep the session from its idle limit.
    const api = (method, path, body, background) => Countersign.api(method, path, body, {
        token: session && session.token, onUnauthorized: session && path !== "/api/v1/sessions" ? signedOut : null, background,
    });

    function duration(ms) {
        if (ms === null || ms === undefined) return "–";
        const seconds = Math.max(0, Math.round(ms / 1000));
        const zh = locale.startsWith("zh");
        if (seconds < 60) return seconds + (zh ? " 秒" : " s");
        return Math.floor(seconds / 60) + (zh ? " 分 " : " min ") + (seconds % 60) + (zh ? " 秒" : " s");
    }

    function pair(latency) {
        return latency ? duration(latency.p50_ms) + " / " + duration(latency.p95_ms) : "–";
    }

    function terms(list, entries) {
        list.replaceChildren(...entries.flatMap(([key, value, alarm]) => [
            el("dt", { text: t(key) }), el("dd", { text: String(value), class: alarm ? "alarm" : null }),
        ]));
    }

    function signedOut() {
        session = null;
        sessionStorage.removeItem(STORE);
        clearInterval(timer);
        if (socket) socket.close();
        socket = null;
        $("console").hidden = true;
        $("signin").hidden = false;
        $("signin-user").focus();
    }

    function signIn(event) {
        return Countersign.signIn(event, {
            store: STORE, wrongRole: t("signin.wrong_role"), errorLabel: t("error"),
            signedIn: (signedIn) => { session = signedIn; },
            enter: refresh,
            entered: show,
        });
    }

    function show() {
        $("signin").hidden = true;
        $("console").hidden = false;
        $("whoami").textContent = session.user.display_name + " · " + session.user.branch;
        clearInterval(timer);
        timer = setInterval(() => refresh().catch((error) => Countersign.showError(t("error"), error, null)), 30000);
        connect();
    }

    // Many changes in a burst make one read.
    function soon() {
        if (pending) return;
        pending = setTimeout(() => {
            pending = null;
            refresh().catch((error) => Countersign.showError(t("error"), error, null));
        }, 300);
    }

    function connect() {
        if (!session) return;
        const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/authz/stream");
        socket = ws;
        ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: session.token, watch: "queue" }));
        ws.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "ready") {
                reconnectDelay = 500;
                $("console").dataset.live = "true";
                soon();
            } else if (message.type === "queue") {
                // Counted where the browser tests can see that a change was pushed, not found by the timer.
                $("console").dataset.pushed = String(Number($("console").dataset.pushed || 0) + 1);
                soon();
            } else if (message.type === "error" && ["auth.invalid_token", "auth.session_ended", "auth.session_idle"].includes(message.code)) {
                signedOut();
                Countersign.showError(t("error"), message, $("signin-form"));
            }
        };
        ws.onclose = () => {
            $("console").dataset.live = "false";
            if (socket !== ws || !session) return;
            setTimeout(connect, reconnectDelay);
            reconnectDelay = Math.min(reconnectDelay * 2, 5000);
        };
    }

    async function refresh() {
        const read = ++reads;
        const d = await api("GET", "/api/v1/authz/dashboard", undefined, true);
        if (read !== reads) return;
        terms($("waiting"), [
            ["waiting.oldest", d.oldest_waiting_ms === undefined ? t("waiting.none") : duration(d.oldest_waiting_ms)],
            ["waiting.unclaimed", d.past_unclaimed_timeout, d.past_unclaimed_timeout > 0],
            ["waiting.lease", d.past_lease, d.past_lease > 0],
            ["waiting.deadline", d.past_teller_deadline, d.past_teller_deadline > 0],
        ]);
        $("queue").tBodies[0].replaceChildren(...d.queue.map((q) => el("tr", {},
            el("td", { text: String(q.level) }), el("td", { text: t("mode." + q.mode) }), el("td", { text: t("state." + q.state) }),
            el("td", { text: String(q.count) }))));
        $("queue-count").textContent = String(d.queue.reduce((sum, q) => sum + q.count, 0));
        $("officers").tBodies[0].replaceChildren(...d.officers.map((o) => el("tr", { "data-officer": o.officer },
            el("td", { text: o.officer }), el("td", { text: o.branch }), el("td", { text: t("status." + o.status) }),
            el("td", { text: String(o.holding) }), el("td", { text: String(o.decided_today) }))));
        terms($("today"), [
            ["today.requests", d.requests_today], ["today.decisions", d.decisions_today], ["today.committed", d.committed_today],
            ["today.claim", pair(d.claim_latency)], ["today.decision", pair(d.decision_latency)],
        ]);
        // The hours with anything in them, the latest first: on a phone the morning's busy hours stay in view.
        const hours = d.by_hour.filter((h) => h.requests || h.decisions || h.committed).reverse();
        const pad = (n) => String(n).padStart(2, "0");
        $("hours").tBodies[0].replaceChildren(...hours.map((h) => el("tr", { "data-hour": String(h.hour) },
            el("td", { text: pad(h.hour) + ":00–" + pad(h.hour + 1) + ":00" }), el("td", { text: String(h.requests) }),
            el("td", { text: String(h.decisions) }), el("td", { text: String(h.committed) }))));
        $("hours-empty").hidden = hours.length > 0;
        $("updated").textContent = t("updated") + " " + new Date(d.at).toLocaleTimeString(locale);
    }

    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", async () => {
        await api("DELETE", "/api/v1/session").catch(() => {});
        signedOut();
    });
    const kept = sessionStorage.getItem(STORE);
    if (kept) {
        session = JSON.parse(kept);
        show();
        refresh().catch(() => signedOut());
    } else {
        signedOut();
    }
})();
