// What the signed-in consoles (officer, teller) share: calling the API with the session's token, and showing an
// error in the page's alert box. Loaded before each console's own script.
"use strict";
window.Countersign = {
    // JSON for JSON answers, a Blob for anything else (material), null for 204. An error answer throws an Error
    // carrying the service's code and the status; 401 also calls `options.onUnauthorized` when given.
    async api(method, path, body, options) {
        const headers = { "Accept": "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        if (options && options.token) headers["Authorization"] = "Bearer " + options.token;
        const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const type = response.headers.get("Content-Type") || "";
        if (!response.ok) {
            let detail = { message: String(response.status), code: "" };
            if (type.includes("json")) detail = (await response.json()).error || detail;
            if (response.status === 401 && options && options.onUnauthorized) options.onUnauthorized();
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

    // "<label>: <message> (<code>)" in #alert for six seconds.
    showError(label, error) {
        const box = document.getElementById("alert");
        box.textContent = label + ": " + (error.message || error) + (error.code ? " (" + error.code + ")" : "");
        box.title = error.detail || "";
        box.hidden = false;
        clearTimeout(this.alertTimer);
        this.alertTimer = setTimeout(() => { box.hidden = true; }, 6000);
    },
};
