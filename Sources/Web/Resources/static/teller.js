// The teller console: sign in at a terminal, pair that terminal's customer screen, pick up a customer's pre-filled
// form by its code, complete it; every change goes to the service (and from there to the screen), and the
// customer's answer shows here. Everything is set as text, never as HTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const zh = document.documentElement.lang.startsWith("zh");
    const STORE = "countersign.teller";
    // A reload keeps the counter session: its id and the booking's progress stay in this tab's sessionStorage; the
    // draft itself (the customer's values) is read back from the service, not stored in the browser.
    const COUNTER = STORE + ".counter";
    const BOOKING = STORE + ".booking";
    const $ = (id) => document.getElementById(id);
    let session = null;   // {token, user, terminal}
    let counter = null;   // the paired counter session id
    let form = null;      // the form definition being keyed
    let timer = null;
    let poller = null;
    let authzTimer = null;  // the countdown while a request waits
    let booking = null;    // {transaction, requirement, request, committed}
    let socket = null;     // the push channel: the officer's decision, and every change of this counter session
    let refreshTimer = null;
    // The push channel says when the session changed; the poll is only a safety net for a lost connection.
    const POLL_MS = 5000;

    // An error is shown beside the form or button of the step that failed, and cleared when that step succeeds.
    // Ids read as the officers see them: "T0000000000001209" as "T1209", "R0000000000000012" as "R12"; the full id
    // stays in data attributes.
    const shortID = (id) => String(id).replace(/^([A-Z])0+(?=\d)/, "$1");
    const showError = (error, anchor) => Countersign.showError(T["error"], error, anchor ? $(anchor) : null);
    const cleared = (anchor) => Countersign.clearError($(anchor));
    // `background`: the console reading on its own, which does not keep the session from its idle limit.
    const api = (method, path, body, background) => Countersign.api(method, path, body, {
        token: session && session.token, background, onUnauthorized: session ? ended : null,
    });

    // MARK: sign-in

    async function signIn(event) {
        event.preventDefault();
        const f = event.target;
        try {
            const reply = await api("POST", "/api/v1/sessions", { user: f.user.value.trim(), password: f.password.value, terminal: f.terminal.value.trim() });
            session = { token: reply.token, user: reply.user, terminal: reply.terminal };
            if (session.user.role !== "teller") {
                await api("DELETE", "/api/v1/session").catch(() => {});
                session = null;
                throw new Error(T["teller.only"]);
            }
            if (reply.must_change_password) {
                $("signin").hidden = true;
                await Countersign.choosePassword(session.token, f.password.value);
            }
            sessionStorage.setItem(STORE, JSON.stringify(session));
            f.password.value = "";
            cleared("signin-form");
            showConsole();
            // Signed in again (a new window, another browser): the service knows this teller's open session here.
            restoreCounter();
        } catch (error) { showError(error, "signin-form"); }
    }

    function showConsole() {
        $("signin").hidden = true;
        $("console").hidden = false;
        $("alert").hidden = true;
        $("whoami").textContent = session.user.display_name + " · " + session.user.branch + " · " + session.terminal;
        if ($("walkin-select").options.length <= 1) loadForms();
    }

    // The session ended on the service (left idle, expired, signed out elsewhere): the sign-in form covers the
    // customer's data at once; the counter's place is kept for the teller signing in again here.
    function ended() {
        if (!session) return;
        session = null;
        sessionStorage.removeItem(STORE);
        location.reload();
    }

    async function signOut() {
        // Leaving the counter ends a session nobody booked: the screen must not stay on this customer.
        if (counter && !booking) await api("POST", "/api/v1/counter/sessions/" + counter + "/cancel", {}).catch(() => {});
        await api("DELETE", "/api/v1/session").catch(() => {});
        forgetCounter();
        sessionStorage.removeItem(STORE);
        location.reload();
    }

    // MARK: pairing and pick-up

    async function pair(event) {
        event.preventDefault();
        try {
            const state = await api("POST", "/api/v1/counter/sessions", { code: $("pair-code").value.trim() });
            $("pair-code").value = "";
            cleared("pair-form");
            $("cancel-counter").hidden = false;
            counter = state.session;
            sessionStorage.setItem(COUNTER, String(counter));
            sessionStorage.removeItem(BOOKING);
            $("pair-state").textContent = T["pair.done"] + " · " + session.terminal;
            showState(state);
            clearInterval(poller);
            poller = setInterval(refreshState, POLL_MS);
            listen();
            if (form) send();
        } catch (error) { showError(error, "pair-form"); }
    }

    async function pickUp(event) {
        event.preventDefault();
        try {
            const picked = await api("POST", "/api/v1/prefills/pickup", { code: $("pickup-code").value });
            form = await api("GET", "/api/v1/forms/" + encodeURIComponent(picked.form));
            renderDraft(picked.values);
            $("pickup-code").value = "";
            cleared("pickup-form");
            send();
        } catch (error) { showError(error, "pickup-form"); }
    }

    // A walk-in customer without a pre-fill: the teller starts the form blank and keys it with them.
    async function loadForms() {
        try {
            const catalogue = await api("GET", "/api/v1/forms");
            const select = $("walkin-select");
            for (const entry of catalogue.forms) {
                const item = document.createElement("option");
                item.value = entry.id;
                item.textContent = label(entry.title);
                select.append(item);
            }
        } catch (error) { showError(error, "walkin-form"); }
    }

    async function walkIn(event) {
        event.preventDefault();
        if (form && Object.keys(values()).length && !window.confirm(T["walkin.replace"])) return;
        try {
            form = await api("GET", "/api/v1/forms/" + encodeURIComponent($("walkin-select").value));
            renderDraft({});
            cleared("walkin-form");
            send();
            const first = $("draft").querySelector("input, select");
            if (first) first.focus();
        } catch (error) { showError(error, "walkin-form"); }
    }

    // MARK: the draft

    function label(text) { return zh ? text.zh : text.en; }

    function renderDraft(values) {
        const box = $("draft");
        box.replaceChildren();
        for (const field of form.fields) {
            const wrapper = document.createElement("div");
            wrapper.className = "field";
            wrapper.dataset.field = field.id;
            const caption = document.createElement("label");
            caption.htmlFor = "d-" + field.id;
            caption.textContent = label(field.label) + (field.required ? " *" : "") + (field.filled_by === "teller" ? " ⟡" : "");
            let control;
            if (field.type === "enum" || field.type === "currency") {
                control = document.createElement("select");
                const empty = document.createElement("option");
                empty.value = "";
                empty.textContent = T["choose"];
                control.append(empty);
                for (const option of field.options || []) {
                    const item = document.createElement("option");
                    item.value = option.value;
                    item.textContent = label(option.label);
                    control.append(item);
                }
            } else {
                control = document.createElement("input");
                control.type = field.type === "date" ? "date" : "text";
            }
            control.id = "d-" + field.id;
            control.name = field.id;
            control.value = values[field.id] || "";
            const problem = document.createElement("p");
            problem.className = "problem";
            problem.id = "dp-" + field.id;
            wrapper.append(caption, control, problem);
            box.append(wrapper);
        }
        box.hidden = false;
        $("draft-none").hidden = true;
    }

    function values() {
        const out = {};
        for (const element of $("draft").elements) if (element.name && element.value.trim() !== "") out[element.name] = element.value;
        return out;
    }

    // One change in flight at a time, the next one sent when it is answered: two changes racing to the service
    // could otherwise arrive (and be stored) in the other order, and the screen would show the older one.
    let sending = false;
    let sendAgain = false;
    async function send() {
        if (!counter || !form) return;
        if (sending) { sendAgain = true; return; }
        sending = true;
        try {
            do {
                sendAgain = false;
                await sendOnce();
            } while (sendAgain && counter && form);
        } finally { sending = false; }
    }

    async function sendOnce() {
        try {
            const state = await api("PUT", "/api/v1/counter/sessions/" + counter + "/draft", { form: form.id, values: values() });
            const byField = {};
            for (const problem of state.problems || []) byField[problem.field] = label(problem.message);
            for (const line of $("draft").querySelectorAll("p.problem")) line.textContent = byField[line.id.slice(3)] || "";
            cleared("draft");
            showState(state);
        } catch (error) { showError(error, "draft"); }
    }

    // Several changes in a burst (the teller typing, the screen answering) are read back once.
    function scheduleRefresh() {
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(refreshState, 80);
    }

    async function refreshState() {
        if (!counter) return;
        try { showState(await api("GET", "/api/v1/counter/sessions/" + counter, undefined, true)); } catch (error) { /* shown on the next change */ }
    }

    async function finish(event) {
        event.preventDefault();
        $("finish-submit").disabled = true;
        try {
            const issued = await api("POST", "/api/v1/counter/sessions/" + counter + "/voucher", {});
            booking.voucher = issued.voucher;
            saveBooking();
            cleared("finish-form");
            showFinished();
        } catch (error) {
            showError(error, "finish-form");
            $("finish-submit").disabled = false;
        }
    }

    function showFinished() {
        // The session is over (the screen is already showing a new pairing code): no more polling, and the way on
        // is the next customer.
        clearInterval(poller);
        poller = null;
        $("finish-result").textContent = T["finish.done"] + " · " + booking.voucher;
        $("finish-result").hidden = false;
        $("finish-form").hidden = true;
        $("next-customer").hidden = false;
    }

    // The customer leaves before booking (or the wrong form was started): the session ends, audited, and the screen
    // is cleared for the next customer.
    async function cancelCounter() {
        if (!counter || !window.confirm(T["cancel.confirm"])) return;
        try {
            await api("POST", "/api/v1/counter/sessions/" + counter + "/cancel", {});
            nextCustomer();
        } catch (error) { showError(error, "cancel-counter"); }
    }

    function nextCustomer() {
        clearInterval(poller);
        forgetCounter();
        counter = null;
        booking = null;
        // A fresh console for the next customer: nothing of the last one stays on screen.
        location.reload();
    }

    function showState(state) {
        // Signed and not yet booked: the booking panel; a change before booking takes it away again.
        if (!booking) {
            $("booking-panel").hidden = state.state !== "signed";
        }
        const badge = $("draft-state");
        const key = !state.screen_connected ? "state.no_screen"
            : state.state === "editing" && state.complete === false ? "state.incomplete" : "state." + state.state;
        badge.textContent = T[key];
        badge.dataset.state = state.screen_connected ? state.state : "no_screen";
        badge.dataset.version = String(state.version);
        badge.className = "link " + ((state.state === "confirmed" || state.state === "signed") && state.screen_connected ? "live" : "down");
    }

    // MARK: booking and authorization

    const word = (prefix, value) => T[prefix + value] || value;

    function options(select, values, prefix) {
        select.replaceChildren();
        for (const value of values) {
            const item = document.createElement("option");
            item.value = value;
            item.textContent = word(prefix, value);
            select.append(item);
        }
    }

    // A rule's description is "中文 · English": the console's language half of it.
    const describe = (text) => { const parts = text.split(" · "); return parts.length === 2 ? parts[zh ? 0 : 1] : text; };

    async function book(event) {
        event.preventDefault();
        $("book-submit").disabled = true;
        try {
            const answer = await api("POST", "/api/v1/counter/sessions/" + counter + "/transaction", {});
            const need = answer.authorization_required ? answer.requirement : null;
            const facts = T["book.account_type"] + " " + word("acct.", answer.account_type) + " · " + T["book.risk"] + " "
                + word("risk.", answer.customer_risk);
            const line = !need ? shortID(answer.transaction) + " · " + facts + " · " + T["book.not_required"]
                : shortID(answer.transaction) + " · " + facts + " · " + T["book.required"] + ": " + T["book.level"] + " " + need.level + " · "
                    + T["book.officers"] + " " + need.officers + " · " + T["book.rules"] + " "
                    + (answer.rule_descriptions || answer.matched_rules).map(describe).join("; ");
            booking = { transaction: answer.transaction, requirement: need, line, request: null, committed: false, voucher: null };
            $("cancel-counter").hidden = true;  // booked: it goes on to its commit or its rejection
            saveBooking();
            cleared("book-form");
            showBooked();
            if (need) showAuthorizationForm(need.modes, need.material);
        } catch (error) {
            showError(error, "book-form");
            $("book-submit").disabled = false;
        }
    }

    function saveBooking() { sessionStorage.setItem(BOOKING, JSON.stringify(booking)); }

    // The booked state of the console: the draft frozen (the approval and the commit bind what the customer signed),
    // the interceptor's answer, and the live result of the authorization until the commit.
    function showBooked() {
        for (const element of $("draft").elements) element.disabled = true;
        $("booking-panel").hidden = false;
        $("book-form").hidden = true;
        $("book-decision").hidden = false;
        $("book-decision").textContent = booking.line;
        $("book-decision").dataset.transaction = booking.transaction;
        setBadge("booked");
        // Until the commit the customer may still change their mind: the teller can withdraw it.
        $("withdraw-form").hidden = booking.committed || !!booking.withdrawn;
        if (booking.withdrawn) $("cancel-counter").hidden = false;
        if (!booking.requirement) $("commit-submit").hidden = booking.committed || !!booking.withdrawn;
        else if (!booking.committed && !booking.withdrawn) listen();
    }

    // One file input per kind of material the rules ask for; local mode adds the supervisor's credentials.
    function showAuthorizationForm(modes, kinds) {
        options($("authz-mode"), modes, "mode.");
        const box = $("authz-material");
        box.replaceChildren();
        for (const kind of kinds) {
            const caption = document.createElement("label");
            caption.textContent = T["authz.material_needed"] + ": " + word("material.", kind) + " ";
            const input = document.createElement("input");
            input.type = "file";
            input.id = "material-" + kind;
            input.dataset.kind = kind;
            input.accept = "image/png,image/jpeg,application/pdf,text/plain";
            caption.append(input);
            box.append(caption);
        }
        if (booking.request && booking.request.state === "returned") {
            // The service keeps what is not sent again: only what the officer asked for needs a new file.
            const kept = document.createElement("p");
            kept.className = "detail";
            kept.textContent = T["authz.kept"];
            box.append(kept);
        }
        modeChanged();
        $("authz-submit").textContent = booking.request ? T["authz.resubmit"] : T["authz.submit"];
        $("authz-submit").disabled = false;
        $("authz-form").hidden = false;
    }

    function modeChanged() { $("authz-local").hidden = $("authz-mode").value !== "local"; }

    function base64(file) {
        return new Promise((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(file);
        });
    }

    async function material() {
        const items = [];
        for (const input of $("authz-material").querySelectorAll("input[type=file]")) {
            const file = input.files[0];
            if (!file) continue;
            items.push({ kind: input.dataset.kind, media_type: file.type || "application/octet-stream", data: await base64(file) });
        }
        return items;
    }

    async function requestAuthorization(event) {
        event.preventDefault();
        $("authz-submit").disabled = true;
        try {
            const mode = $("authz-mode").value;
            const body = { mode, material: await material() };
            let request;
            if (booking.request && booking.request.state === "returned") {
                request = await api("POST", "/api/v1/authz/requests/" + booking.request.id + "/resubmit", body);
            } else {
                if (mode === "local") {
                    body.supervisor = { user: $("authz-supervisor").value.trim(), password: $("authz-password").value,
                        decision: $("authz-local-decision").value };
                    const reason = $("authz-local-reason").value.trim();
                    if (reason) body.supervisor.reason = reason;
                }
                request = await api("POST", "/api/v1/transactions/" + booking.transaction + "/authorization", body);
            }
            $("authz-password").value = "";
            $("authz-form").hidden = true;
            cleared("authz-form");
            showRequest(request);
        } catch (error) {
            showError(error, "authz-form");
            $("authz-submit").disabled = false;
        }
    }

    // The live result: every pushed change of this transaction's request, and a re-read after each (re)connect.
    function showRequest(request) {
        if (!booking || request.transaction !== booking.transaction) return;
        if (booking.request && request.id !== booking.request.id && request.version < booking.request.version) return;
        booking.request = request;
        saveBooking();
        const status = $("authz-status");
        status.hidden = false;
        status.dataset.state = request.state;
        status.dataset.request = request.id;
        // The request as it stands: its mode (and where it was escalated to), its state, approvals so far when more
        // than one officer must approve, the officer's reason, and the time left while it waits.
        // Request ids read as the officers see them in their queue: "R0000000000001209" as "R1209".
        let text = shortID(request.id) + " · " + word("mode.", request.mode);
        if (request.scope && request.scope !== request.mode) text += " → " + T["authz.escalated"] + " " + word("mode.", request.scope);
        text += " · " + word("authz.state.", request.state);
        if (request.officers > 1) text += " · " + T["authz.approvals"] + " " + request.approvals + "/" + request.officers;
        if (request.reason) text += " · " + T["authz.reason"] + ": " + request.reason;
        status.textContent = text;
        const left = document.createElement("span");
        left.id = "authz-time-left";
        status.append(left);
        const waiting = request.state === "pending" || request.state === "claimed";
        clearInterval(authzTimer);
        if (waiting && request.teller_deadline_us) {
            const tick = () => {
                const seconds = Math.max(0, Math.round((request.teller_deadline_us / 1000 - Date.now()) / 1000));
                left.textContent = " · " + T["authz.time_left"] + " " + Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
            };
            tick();
            authzTimer = setInterval(tick, 1000);
        }
        const finished = request.state === "rejected" || request.state === "withdrawn";
        const bad = finished || request.state === "expired";
        // Rejected (or withdrawn in another tab) is final: the teller ends the session, and the customer's screen says
        // it was not approved (or cancelled).
        if (finished) {
            $("cancel-counter").hidden = false;
            $("withdraw-form").hidden = true;
        }
        status.className = "outcome" + (bad ? " bad" : request.state === "returned" ? " warn" : "");
        if (request.state === "returned") status.scrollIntoView({ block: "center", behavior: "smooth" });
        $("commit-submit").hidden = request.state !== "approved";
        if (request.state === "returned") showAuthorizationForm(request.modes.filter((m) => m !== "local"), booking.requirement.material);
        if (request.state === "expired") { booking.request = null; saveBooking(); showAuthorizationForm(booking.requirement.modes, booking.requirement.material); }
    }

    function listen() {
        if (socket) return;
        const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/authz/stream");
        socket = ws;
        ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: session.token }));
        ws.onmessage = async (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "error" && ["auth.invalid_token", "auth.session_ended", "auth.session_idle"].includes(message.code)) ended();
            else if (message.type === "request") showRequest(message.request);
            else if (message.type === "counter" && message.session === counter) scheduleRefresh();
            else if (message.type === "ready") {
                // Anything that happened while the connection was down.
                scheduleRefresh();
                if (booking && booking.request && !booking.committed) {
                    try { showRequest((await api("GET", "/api/v1/authz/requests/" + booking.request.id, undefined, true)).request); } catch (error) { showError(error); }
                }
            }
        };
        ws.onclose = () => {
            if (socket !== ws) return;
            socket = null;
            if (counter) setTimeout(listen, 1000);
        };
    }

    async function commit() {
        $("commit-submit").disabled = true;
        try {
            await api("POST", "/api/v1/counter/sessions/" + counter + "/commit");
            booking.committed = true;
            saveBooking();
            cleared("commit-submit");
            showCommitted();
        } catch (error) {
            showError(error, "commit-submit");
            $("commit-submit").disabled = false;
        }
    }

    function showCommitted() {
        $("commit-submit").hidden = true;
        $("withdraw-form").hidden = true;
        $("authz-form").hidden = true;
        $("authz-status").hidden = false;
        $("authz-status").dataset.state = "committed";
        $("authz-status").className = "outcome";
        $("authz-status").textContent = shortID(booking.transaction) + " · " + T["commit.done"];
        setBadge("committed");
        $("finish-form").hidden = false;
    }

    // The customer changed their mind (or left) after the booking: the transaction is withdrawn with the teller's
    // reason — an officer looking at it is told at once — and the session ends, the screen saying it was cancelled.
    async function withdraw(event) {
        event.preventDefault();
        const reason = $("withdraw-reason").value.trim();
        if (!reason || !window.confirm(T["withdraw.confirm"])) return;
        $("withdraw-submit").disabled = true;
        try {
            if (!booking.withdrawn) {
                // Asked again after a lost answer, the service answers as the first time.
                const reply = await api("POST", "/api/v1/transactions/" + encodeURIComponent(booking.transaction) + "/withdraw", { reason });
                booking.withdrawn = true;
                if (reply.request) booking.request = reply.request;
                saveBooking();
            }
            await api("POST", "/api/v1/counter/sessions/" + counter + "/cancel", {});
            cleared("withdraw-form");
            nextCustomer();
        } catch (error) {
            showError(error, "withdraw-form");
            $("withdraw-submit").disabled = false;
        }
    }

    // Withdrawn (and reloaded before the session ended): nothing more to ask or commit, only the session to end.
    function showWithdrawn() {
        const status = $("authz-status");
        status.hidden = false;
        status.dataset.state = "withdrawn";
        status.className = "outcome bad";
        status.textContent = shortID(booking.transaction) + " · " + T["authz.state.withdrawn"];
        for (const id of ["authz-form", "commit-submit", "withdraw-form"]) $(id).hidden = true;
        $("cancel-counter").hidden = false;
    }

    // After a reload: the paired session, its draft as the service holds it, and how far the booking had got.
    async function restoreCounter() {
        let id = sessionStorage.getItem(COUNTER);
        if (!id) {
            // A console opened afresh (a new window, after signing in again): the service knows this teller's
            // unfinished session at this terminal.
            const open = await api("GET", "/api/v1/counter/sessions").catch(() => []);
            if (!open.length) return;
            id = String(open[open.length - 1].session);
            sessionStorage.setItem(COUNTER, id);
        }
        try {
            const state = await api("GET", "/api/v1/counter/sessions/" + encodeURIComponent(id) + "?include=draft");
            counter = state.session;
            $("pair-state").textContent = T["pair.done"] + " · " + session.terminal;
            $("cancel-counter").hidden = !!state.transaction;
            if (state.form) {
                form = await api("GET", "/api/v1/forms/" + encodeURIComponent(state.form));
                renderDraft(state.values || {});
            }
            const saved = JSON.parse(sessionStorage.getItem(BOOKING) || "null");
            if (saved && state.transaction && saved.transaction === state.transaction) {
                booking = saved;
                showBooked();
                if (booking.committed) showCommitted();
                if (booking.voucher) {
                    showState(state);
                    showFinished();
                    return;
                }
                // Withdrawn: nothing more to ask or commit; the session only waits to be ended.
                else if (booking.withdrawn) showWithdrawn();
                else if (!booking.committed && booking.request) showRequest(booking.request);
                else if (!booking.committed && booking.requirement) showAuthorizationForm(booking.requirement.modes, booking.requirement.material);
            }
            showState(state);
            poller = setInterval(refreshState, POLL_MS);
            listen();
        } catch (error) {
            // The session is gone (finished long ago, or the service restarted): start afresh.
            forgetCounter();
        }
    }

    function forgetCounter() {
        sessionStorage.removeItem(COUNTER);
        sessionStorage.removeItem(BOOKING);
    }

    function setBadge(state) {
        const badge = $("booking-state");
        badge.dataset.state = state;
        badge.textContent = state === "committed" ? T["commit.done"] : (booking ? shortID(booking.transaction) : "");
        badge.className = "link " + (state === "committed" ? "live" : "down");
    }

    // MARK: start

    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("pair-form").addEventListener("submit", pair);
    $("pickup-form").addEventListener("submit", pickUp);
    $("walkin-form").addEventListener("submit", walkIn);
    $("finish-form").addEventListener("submit", finish);
    $("next-customer").addEventListener("click", nextCustomer);
    $("cancel-counter").addEventListener("click", cancelCounter);
    $("book-form").addEventListener("submit", book);
    $("authz-form").addEventListener("submit", requestAuthorization);
    $("authz-mode").addEventListener("change", modeChanged);
    $("commit-submit").addEventListener("click", commit);
    $("withdraw-form").addEventListener("submit", withdraw);
    $("draft").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(send, 120); });
    $("draft").addEventListener("change", () => { clearTimeout(timer); send(); });
    const saved = sessionStorage.getItem(STORE);
    if (saved) {
        session = JSON.parse(saved);
        api("GET", "/api/v1/session").then(() => { showConsole(); restoreCounter(); },
            () => { forgetCounter(); sessionStorage.removeItem(STORE); session = null; $("signin").hidden = false; });
    } else {
        $("signin").hidden = false;
    }
})();
