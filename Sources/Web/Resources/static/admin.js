// The security administrators' page: sign in, propose a change of a user, approve or reject another
// administrator's proposal. Everything shown is built with textContent, never innerHTML. The service and the
// database decide who may approve; the page only hides the buttons that would be refused anyway.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const STORE = "countersign.admin";
    const $ = (id) => document.getElementById(id);
    const t = (key) => T[key] || key;
    let session = null;          // {token, user}
    let poll = null;

    const showError = (error, anchor) => Countersign.showError(t("error"), error, anchor ? $(anchor) : null);
    const cleared = (anchor) => Countersign.clearError($(anchor));
    // `background`: the page reading on its own, which does not keep the session from its idle limit.
    const api = (method, path, body, background) => Countersign.api(method, path, body, {
        token: session && session.token, onUnauthorized: session && path !== "/api/v1/sessions" ? signedOut : null, background,
    });

    const el = Countersign.el;

    // MARK: sign-in

    // The administrator's password, typed again for each step (the database checks it too); cleared after each.
    function confirmation() {
        const field = $("confirm-password");
        if (!field.value) {
            field.focus();
            throw new Error(t("confirm.missing"));
        }
        return field.value;
    }

    function signedOut() {
        $("confirm-password").value = "";
        session = null;
        sessionStorage.removeItem(STORE);
        clearInterval(poll);
        $("console").hidden = true;
        $("signin").hidden = false;
        $("signin-user").focus();
    }

    async function signIn(event) {
        event.preventDefault();
        const form = event.target;
        $("signin-submit").disabled = true;
        try {
            const reply = await api("POST", "/api/v1/sessions", { user: form.user.value.trim(), password: form.password.value });
            session = { token: reply.token, user: reply.user };
            if (session.user.role !== "security_admin") {
                await api("DELETE", "/api/v1/session").catch(() => {});
                session = null;
                throw new Error(t("signin.wrong_role"));
            }
            cleared("signin-form");
            if (reply.must_change_password) {
                $("signin").hidden = true;
                await Countersign.choosePassword(session.token, form.password.value);
            }
            form.password.value = "";
            sessionStorage.setItem(STORE, JSON.stringify(session));
            showConsole();
        } catch (error) {
            showError(error, "signin-form");
        } finally {
            $("signin-submit").disabled = false;
        }
    }

    function showConsole() {
        $("signin").hidden = true;
        $("console").hidden = false;
        $("whoami").textContent = session.user.display_name + " · " + session.user.id;
        showKind();
        load();
        clearInterval(poll);
        // Another administrator's proposal appears within a quarter of a minute without a reload.
        poll = setInterval(load, 15000);
    }

    async function signOut() {
        await api("DELETE", "/api/v1/session").catch(() => {});
        signedOut();
    }

    // MARK: proposing

    // Each kind asks only for what it needs: the elements marked with the kinds they belong to are shown for those.
    function showKind() {
        const kind = $("propose-kind").value;
        for (const node of document.querySelectorAll("#propose-form [data-kinds]")) {
            const shown = node.dataset.kinds.split(" ").includes(kind);
            node.hidden = !shown;
            const fields = node.matches("input") ? [node] : [...node.querySelectorAll("input")];
            for (const field of fields) field.required = shown && field.name !== "served";
        }
    }

    const words = (text) => text.split(",").map((word) => word.trim()).filter(Boolean);

    // "CNY 1000000.00; USD 200000.00" → {CNY: 100000000, USD: 20000000} (minor units, two decimals).
    function limits(text) {
        const out = {};
        for (const part of text.split(";").map((p) => p.trim()).filter(Boolean)) {
            const match = /^([A-Za-z]{3})\s+(\d{1,15})(?:\.(\d{1,2}))?$/.exec(part);
            if (!match) throw new Error(t("limits.bad"));
            out[match[1].toUpperCase()] = Number(match[2]) * 100 + Number((match[3] || "0").padEnd(2, "0"));
        }
        return out;
    }

    async function details(form) {
        switch (form.kind.value) {
        case "rules.activate":
            // The file's bytes as they are (a byte-order mark kept), so the digest is the file's own (sha256sum).
            return { source: new TextDecoder("utf-8", { ignoreBOM: true }).decode(await form.rules.files[0].arrayBuffer()) };
        case "seal.map":
            return { forms: words(form.forms.value) };
        case "user.create":
            return { display_name: form.display_name.value.trim(), branch: form.branch.value.trim(), role: form.role.value };
        case "user.change_role":
            return { branch: form.branch.value.trim(), role: form.role.value };
        case "branch.create":
            return { name_zh: form.name_zh.value.trim(), name_en: form.name_en.value.trim(), kind: form.branch_kind.value };
        case "authority.set":
            return { level: Number(form.level.value), codes: words(form.codes.value), branches_served: words(form.served.value),
                limits: limits(form.limits.value) };
        default:
            return undefined;
        }
    }

    async function propose(event) {
        event.preventDefault();
        const form = event.target;
        const body = { kind: form.kind.value, target: form.target.value.trim() };
        $("propose-submit").disabled = true;
        $("propose-status").textContent = "";
        try {
            const said = await details(form);
            if (said) body.details = said;
            body.password = confirmation();
            await api("POST", "/api/v1/admin/changes", body);
            $("confirm-password").value = "";
            cleared("propose-form");
            form.reset();
            showKind();
            $("propose-status").textContent = t("propose.done");
            await load();
        } catch (error) {
            showError(error, "propose-form");
        } finally {
            $("propose-submit").disabled = false;
        }
    }

    // MARK: the lists

    function describe(change) {
        const d = change.details || {};
        switch (change.kind) {
        case "user.create": return [d.display_name, d.branch, t("role." + d.role)].filter(Boolean).join(" · ");
        case "user.change_role": return [d.branch, t("role." + d.role)].join(" · ");
        case "branch.create": return [d.name_zh, d.name_en, t("branch_kind." + d.kind)].join(" · ");
        case "rules.activate": return "SHA-256 " + (d.sha256 || "") + " · " + d.source_bytes + " B";
        case "seal.map": return (d.forms || []).join(", ");
        case "authority.set":
            return [t("field.level") + " " + d.level, (d.codes || []).join(","), (d.branches_served || []).join(","),
                Object.entries(d.limits || {}).map(([c, v]) => c + " " + (v / 100).toFixed(2)).join("; ")].filter(Boolean).join(" · ");
        default: return "";
        }
    }

    function row(change, withActions) {
        const actions = el("td");
        if (change.kind === "rules.activate") {
            actions.append(el("button", { type: "button", id: "source-" + change.id, text: t("source"), onclick: () => showSource(change) }), " ");
        }
        // Older than 72 hours: the service refuses to approve it (admin.proposal_expired); it can only be withdrawn.
        const expired = change.state === "proposed" && Date.now() - new Date(change.proposed_at).getTime() > 72 * 3600 * 1000;
        if (withActions) {
            if (expired) {
                actions.append(el("span", { class: "detail", text: t("expired") }), " ",
                    el("button", { type: "button", id: "reject-" + change.id, text: t("withdraw"), onclick: () => decide(change, false) }));
            } else if (change.proposed_by === session.user.id) {
                actions.append(el("span", { class: "detail", text: t("own") }), " ",
                    el("button", { type: "button", id: "reject-" + change.id, text: t("withdraw"), onclick: () => decide(change, false) }));
            } else {
                actions.append(
                    el("button", { type: "button", class: "primary", id: "approve-" + change.id, text: t("approve"), onclick: () => decide(change, true) }), " ",
                    el("button", { type: "button", id: "reject-" + change.id, text: t("reject"), onclick: () => decide(change, false) }));
            }
        }
        const when = (at) => at ? new Date(at).toLocaleString(document.documentElement.lang) : "";
        return el("tr", { "data-change": change.id },
            el("td", { text: String(change.id) }),
            el("td", { text: t("kind." + change.kind) }),
            el("td", { text: change.target }),
            el("td", { text: describe(change) }),
            el("td", { text: change.proposed_by + " " + when(change.proposed_at) }),
            el("td", { text: t("state." + change.state) + (change.reason ? " — " + change.reason : "") }),
            el("td", { text: change.decided_by ? change.decided_by + " " + when(change.decided_at) : "" }),
            actions);
    }

    async function load() {
        if (!session) return;
        try {
            const [waiting, recent] = await Promise.all([
                api("GET", "/api/v1/admin/changes?state=proposed&limit=200", undefined, true),
                api("GET", "/api/v1/admin/changes?limit=20", undefined, true),
            ]);
            $("waiting").tBodies[0].replaceChildren(...waiting.map((change) => row(change, true)));
            $("waiting-count").textContent = String(waiting.length);
            $("waiting-empty").hidden = waiting.length > 0;
            $("decided").tBodies[0].replaceChildren(...recent.filter((c) => c.state !== "proposed").map((change) => row(change, false)));
            cleared("refresh");
        } catch (error) {
            showError(error, "refresh");
        }
    }

    async function decide(change, approve) {
        const button = $((approve ? "approve-" : "reject-") + change.id);
        let reason;
        if (!approve) {
            reason = window.prompt(t("reason"), "");
            if (reason === null) return;
        }
        button.disabled = true;
        try {
            const body = { password: confirmation() };
            if (reason) body.reason = reason.trim();
            const decided = await api("POST", "/api/v1/admin/changes/" + change.id + (approve ? "/approve" : "/reject"), body);
            $("confirm-password").value = "";
            if (decided.one_time_password) {
                $("handover-user").textContent = decided.change.target;
                $("handover-password").textContent = decided.one_time_password;
                $("handover").hidden = false;
                $("handover-done").focus();
            }
            await load();
        } catch (error) {
            button.disabled = false;
            showError(error, button.id);
        }
    }

    // The proposed rules, exactly as proposed: the second administrator reads them before approving.
    async function showSource(change) {
        try {
            const response = await fetch("/api/v1/admin/changes/" + change.id + "/source", { headers: { Authorization: "Bearer " + session.token } });
            if (!response.ok) throw new Error(String(response.status));
            $("source-title").textContent = change.target + " · SHA-256 " + (change.details.sha256 || "");
            $("source-text").textContent = await response.text();
            $("source-viewer").hidden = false;
            $("source-close").focus();
        } catch (error) {
            showError(error, "source-" + change.id);
        }
    }

    function hideHandover() {
        $("handover-password").textContent = "";
        $("handover").hidden = true;
    }

    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("refresh").addEventListener("click", load);
    $("propose-form").addEventListener("submit", propose);
    $("propose-kind").addEventListener("change", showKind);
    $("handover-done").addEventListener("click", hideHandover);
    $("source-close").addEventListener("click", () => { $("source-viewer").hidden = true; });
    const kept = sessionStorage.getItem(STORE);
    if (kept) {
        session = JSON.parse(kept);
        showConsole();
    } else {
        signedOut();
    }
})();
