// What the signed-in consoles (officer, teller) share: calling the API with the session's token, and showing an
// error beside what caused it. Loaded before each console's own script.
"use strict";
window.Countersign = {
    // An element with its attributes (`text` sets textContent, `on…` adds a listener) and children: pages build
    // what they show with this, never with innerHTML, so nothing the API returns can inject markup.
    el(tag, attributes, ...children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (name === "text") node.textContent = value;
            else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
            else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
        }
        for (const child of children) if (child) node.append(child);
        return node;
    },

    // JSON for JSON answers, a Blob for anything else (material), null for 204. An error answer throws an Error
    // carrying the service's code and the status; 401 also calls `options.onUnauthorized` when given.
    // `options.background`: a read the page makes on its own (see below).
    async api(method, path, body, options) {
        const headers = { "Accept": "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        if (options && options.token) headers["Authorization"] = "Bearer " + options.token;
        // The console reading on its own (a timer, a push): not the user's activity, which keeps a session from its
        // idle limit.
        if (options && options.background) headers["Countersign-Background"] = "1";
        const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const type = response.headers.get("Content-Type") || "";
        if (!response.ok) {
            let detail = { message: String(response.status), code: "" };
            if (type.includes("json")) detail = (await response.json()).error || detail;
            // A wrong password typed to confirm a step is the user's mistake, not the end of their session.
            if (response.status === 401 && detail.code !== "auth.invalid_credentials" && options && options.onUnauthorized) options.onUnauthorized();
            // What the code means, in the page's language (the service's error catalogue); the particulars stay
            // on the error for a tooltip.
            const zh = document.documentElement.lang.startsWith("zh");
            const error = new Error(detail.text ? (zh ? detail.text.zh : detail.text.en) : detail.message);
            error.detail = detail.message;
            error.code = detail.code;
            error.status = response.status;
            throw error;
        }
        if (response.status === 204) return null;
        return type.includes("json") ? response.json() : response.blob();
    },

    // "<label>: <message> (<code>)" beside what caused it: a line right after `anchor` (the form, field or button
    // the user just used), its field marked invalid and described by the line. It stays until the same step next
    // succeeds (`clearError`). Without an anchor (a failure in the background), in #alert for six seconds.
    showError(label, error, anchor) {
        const text = label + ": " + (error.message || error) + (error.code ? " (" + error.code + ")" : "");
        if (!anchor) {
            const box = document.getElementById("alert");
            box.textContent = text;
            box.title = error.detail || "";
            box.hidden = false;
            clearTimeout(this.alertTimer);
            this.alertTimer = setTimeout(() => { box.hidden = true; }, 6000);
            return;
        }
        const id = anchor.id + "-error";
        let line = document.getElementById(id);
        if (!line) {
            line = document.createElement("p");
            line.id = id;
            line.className = "error-line";
            line.setAttribute("role", "alert");
            // A field inside its label: the line goes after the label (a paragraph cannot be inside one).
            (anchor.closest("label") || anchor).after(line);
        }
        line.textContent = text;
        line.title = error.detail || "";
        line.dataset.code = error.code || "";
        // The field is marked when the error is about it: the anchor itself, or the one field of a small form
        // (a code, a password); a whole draft or a form of several fields is not pinned on its first field.
        const fields = anchor.matches("input, select, textarea") ? [anchor]
            : [...anchor.querySelectorAll("input:not([type=hidden]):not([type=file]):not([type=password]), select, textarea")];
        const field = fields.length === 1 ? fields[0] : null;
        if (field) {
            field.setAttribute("aria-invalid", "true");
            field.setAttribute("aria-describedby", id);
        }
    },

    // The step at `anchor` succeeded: its error line goes, and so does an earlier failure in #alert.
    clearError(anchor) {
        document.getElementById("alert").hidden = true;
        if (!anchor) return;
        const line = document.getElementById(anchor.id + "-error");
        if (line) line.remove();
        for (const field of [anchor, ...anchor.querySelectorAll("[aria-invalid]")]) {
            if (field.getAttribute("aria-describedby") === anchor.id + "-error") field.removeAttribute("aria-describedby");
            field.removeAttribute("aria-invalid");
        }
    },

    // The bank's day (Beijing, UTC+8, no daylight saving) as YYYY-MM-DD.
    bankToday() {
        return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    },

    // Minor units (fen, cents) as "1,234.56 CNY", exactly: nothing goes through a float.
    money(minor, currency) {
        const sign = minor < 0 ? "-" : "";
        const digits = String(Math.abs(minor)).padStart(3, "0");
        return sign + digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + digits.slice(-2) + " " + currency;
    },

    // The sign-in of the pages used without a terminal (the centre's dashboard, the auditors', the reports): the user
    // and password of #signin-form, a one-time password replaced first, then `options.enter()` — the page's first
    // call, which answers 403 to a role the page is not for: that session is ended at once and the user told
    // `options.wrongRole`. Once in, the session goes to sessionStorage under `options.store` (a reload keeps it) and
    // `options.entered()` runs. `options.signedIn(session)` hands the page its session (null when refused) before
    // anything is called with it.
    async signIn(event, options) {
        event.preventDefault();
        const form = event.target;
        const submit = document.getElementById("signin-submit");
        submit.disabled = true;
        let session = null;
        try {
            const reply = await this.api("POST", "/api/v1/sessions", { user: form.user.value.trim(), password: form.password.value });
            session = { token: reply.token, user: reply.user };
            options.signedIn(session);
            if (reply.must_change_password) {
                document.getElementById("signin").hidden = true;
                await this.choosePassword(session.token, form.password.value);
            }
            form.password.value = "";
            await options.enter();
            this.clearError(form);
            sessionStorage.setItem(options.store, JSON.stringify(session));
            if (options.entered) options.entered();
        } catch (error) {
            if (error.status === 403 && session) {
                await this.api("DELETE", "/api/v1/session", undefined, { token: session.token }).catch(() => {});
                options.signedIn(null);
                error = new Error(options.wrongRole);
            }
            document.getElementById("signin").hidden = false;
            this.showError(options.errorLabel, error, form);
        } finally {
            submit.disabled = false;
        }
    },

    // A password an administrator gave (a new user, a reset) is replaced before anything else: every console asks
    // for the user's own one here, over the page, and goes on when the service took it. `current` is the password
    // just typed at sign-in.
    choosePassword(token, current) {
        const zh = document.documentElement.lang.startsWith("zh");
        const words = zh
            ? { heading: "请设置您自己的密码", detail: "您使用的是管理员设置的一次性密码。新密码至少 12 个字符，不能包含用户名，不能与最近用过的密码相同。",
                password: "新密码", again: "再次输入新密码", submit: "设置密码", error: "未能设置", differ: "两次输入的密码不一致" }
            : { heading: "Choose your own password", detail: "You signed in with a one-time password from an administrator. The new one has at least 12 characters, does not contain your user id and is not one of your recent ones.",
                password: "New password", again: "New password again", submit: "Set the password", error: "Not set", differ: "The two passwords differ" };
        return new Promise((resolve) => {
            const field = (name, label) => {
                const input = document.createElement("input");
                Object.assign(input, { type: "password", name, id: "choose-" + name, required: true, minLength: 12, maxLength: 256, autocomplete: "new-password" });
                const wrapper = document.createElement("label");
                wrapper.append(label + " ", input);
                return wrapper;
            };
            const box = document.createElement("section");
            box.id = "password-choice";
            box.className = "card signin";
            const heading = document.createElement("h1");
            heading.textContent = words.heading;
            const detail = document.createElement("p");
            detail.className = "detail";
            detail.textContent = words.detail;
            const form = document.createElement("form");
            form.id = "password-choice-form";
            const button = document.createElement("button");
            Object.assign(button, { type: "submit", id: "choose-submit", className: "primary", textContent: words.submit });
            form.append(field("password", words.password), field("again", words.again), button);
            box.append(heading, detail, form);
            (document.querySelector("main") || document.body).prepend(box);
            form.password.focus();
            form.addEventListener("submit", async (event) => {
                event.preventDefault();
                if (form.password.value !== form.again.value) {
                    this.showError(words.error, new Error(words.differ), form);
                    return;
                }
                button.disabled = true;
                try {
                    // A session that ended meanwhile has nothing to change: the page starts again at its sign-in.
                    await this.api("POST", "/api/v1/session/password", { current, new: form.password.value },
                        { token, onUnauthorized: () => location.reload() });
                    box.remove();
                    resolve();
                } catch (error) {
                    button.disabled = false;
                    this.showError(words.error, error, form);
                }
            });
        });
    },
};
