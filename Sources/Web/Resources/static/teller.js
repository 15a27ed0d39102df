// The teller console: sign in at a terminal, pair that terminal's customer screen, pick up a customer's pre-filled
// form by its code, complete it; every change goes to the service (and from there to the screen), and the
// customer's answer shows here. Everything is set as text, never as HTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const zh = document.documentElement.lang.startsWith("zh");
    const STORE = "countersign.teller";
    const $ = (id) => document.getElementById(id);
    let session = null;   // {token, user, terminal}
    let counter = null;   // the paired counter session id
    let form = null;      // the form definition being keyed
    let timer = null;
    let poller = null;

    const showError = (error) => Countersign.showError(T["error"], error);
    const api = (method, path, body) => Countersign.api(method, path, body, { token: session && session.token });

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
            sessionStorage.setItem(STORE, JSON.stringify(session));
            f.password.value = "";
            showConsole();
        } catch (error) { showError(error); }
    }

    function showConsole() {
        $("signin").hidden = true;
        $("console").hidden = false;
        $("alert").hidden = true;
        $("whoami").textContent = session.user.display_name + " · " + session.user.branch + " · " + session.terminal;
    }

    async function signOut() {
        await api("DELETE", "/api/v1/session").catch(() => {});
        sessionStorage.removeItem(STORE);
        location.reload();
    }

    // MARK: pairing and pick-up

    async function pair(event) {
        event.preventDefault();
        try {
            const state = await api("POST", "/api/v1/counter/sessions", { code: $("pair-code").value.trim() });
            counter = state.session;
            $("pair-state").textContent = T["pair.done"] + " · " + session.terminal;
            showState(state);
            clearInterval(poller);
            poller = setInterval(refreshState, 1000);
            if (form) send();
        } catch (error) { showError(error); }
    }

    async function pickUp(event) {
        event.preventDefault();
        try {
            const picked = await api("POST", "/api/v1/prefills/pickup", { code: $("pickup-code").value });
            form = await api("GET", "/api/v1/forms/" + encodeURIComponent(picked.form));
            renderDraft(picked.values);
            $("pickup-code").value = "";
            send();
        } catch (error) { showError(error); }
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

    async function send() {
        if (!counter || !form) return;
        try {
            const state = await api("PUT", "/api/v1/counter/sessions/" + counter + "/draft", { form: form.id, values: values() });
            const byField = {};
            for (const problem of state.problems || []) byField[problem.field] = label(problem.message);
            for (const line of $("draft").querySelectorAll("p.problem")) line.textContent = byField[line.id.slice(3)] || "";
            showState(state);
        } catch (error) { showError(error); }
    }

    async function refreshState() {
        if (!counter) return;
        try { showState(await api("GET", "/api/v1/counter/sessions/" + counter)); } catch (error) { /* shown on the next change */ }
    }

    async function finish(event) {
        event.preventDefault();
        $("finish-submit").disabled = true;
        try {
            const issued = await api("POST", "/api/v1/counter/sessions/" + counter + "/voucher", { seal: $("finish-seal").value.trim() });
            $("finish-result").textContent = T["finish.done"] + " · " + issued.voucher;
            $("finish-result").hidden = false;
            $("finish-form").hidden = true;
        } catch (error) {
            showError(error);
            $("finish-submit").disabled = false;
        }
    }

    function showState(state) {
        const signed = state.state === "signed";
        $("finish-form").hidden = !signed;
        // The demo registry names each branch's business seal <branch>-BUSINESS; the teller may name another.
        if (signed && !$("finish-seal").value) $("finish-seal").value = session.user.branch + "-BUSINESS";
        const badge = $("draft-state");
        const key = !state.screen_connected ? "state.no_screen" : "state." + state.state;
        badge.textContent = T[key];
        badge.dataset.state = state.screen_connected ? state.state : "no_screen";
        badge.dataset.version = String(state.version);
        badge.className = "link " + ((state.state === "confirmed" || state.state === "signed") && state.screen_connected ? "live" : "down");
    }

    // MARK: start

    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("pair-form").addEventListener("submit", pair);
    $("pickup-form").addEventListener("submit", pickUp);
    $("finish-form").addEventListener("submit", finish);
    $("draft").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(send, 120); });
    $("draft").addEventListener("change", () => { clearTimeout(timer); send(); });
    const saved = sessionStorage.getItem(STORE);
    if (saved) {
        session = JSON.parse(saved);
        api("GET", "/api/v1/session").then(showConsole, () => { sessionStorage.removeItem(STORE); session = null; $("signin").hidden = false; });
    } else {
        $("signin").hidden = false;
    }
})();
