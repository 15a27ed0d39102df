// The customer's pre-fill page: the service checks what is typed (the same check as the submission, so hints and
// the final answer never disagree), shows amounts in capital numerals, and on submit shows the pick-up code.
// Values are set as text only, never as HTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const zh = document.documentElement.lang.startsWith("zh");
    const form = document.getElementById("prefill");
    const formID = form.dataset.form;
    let timer = null;
    let latest = 0;

    function values() {
        const out = {};
        for (const element of form.elements) {
            if (element.name && element.value.trim() !== "") out[element.name] = element.value;
        }
        return out;
    }

    async function post(path, body) {
        const response = await fetch(path, {
            method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(body),
        });
        return { status: response.status, body: await response.json().catch(() => ({})) };
    }

    function show(problems, words) {
        const byField = {};
        for (const problem of problems || []) byField[problem.field] = zh ? problem.message.zh : problem.message.en;
        for (const line of form.querySelectorAll("p.problem[id^='p-']")) {
            const field = line.id.slice(2);
            line.textContent = byField[field] || "";
            line.closest(".field").classList.toggle("bad", Boolean(byField[field]));
        }
        for (const line of form.querySelectorAll("p.words")) {
            const text = (words || {})[line.id.slice(2)];
            line.textContent = text ? T["words"] + " " + text : "";
        }
    }

    async function check() {
        const ticket = ++latest;
        const reply = await post("/api/v1/forms/" + formID + "/check", { values: values() });
        if (ticket !== latest) return;  // an older answer arriving late must not overwrite a newer one
        if (reply.status === 200) show(reply.body.problems, reply.body.words);
        else if (reply.status === 429) document.getElementById("form-problem").textContent = T["limited"];
    }

    form.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(check, 250);
    });
    form.addEventListener("change", () => { clearTimeout(timer); check(); });

    // The code survives a reload of this tab (the customer may reload, or come back to it in the queue), until it
    // expires or they fill in another; sessionStorage ends with the tab, so nothing stays on the phone afterwards.
    const SAVED = "countersign.prefill." + formID;

    function showDone(done) {
        form.hidden = true;
        document.getElementById("done").hidden = false;
        document.getElementById("done-code").textContent = done.code;
        document.getElementById("done-expires").textContent = new Date(done.expires_at).toLocaleString(zh ? "zh-CN" : "en-GB");
        const qr = document.getElementById("done-qr");
        qr.src = "/qr?text=" + encodeURIComponent(done.code);
        qr.hidden = false;
        window.scrollTo(0, 0);
    }

    const saved = JSON.parse(sessionStorage.getItem(SAVED) || "null");
    if (saved && new Date(saved.expires_at) > new Date()) showDone(saved); else sessionStorage.removeItem(SAVED);
    document.getElementById("done-again").addEventListener("click", () => sessionStorage.removeItem(SAVED));

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearTimeout(timer);
        latest++;
        const button = document.getElementById("prefill-submit");
        const problem = document.getElementById("form-problem");
        button.disabled = true;
        problem.textContent = "";
        try {
            const reply = await post("/api/v1/prefills", { form: formID, values: values() });
            if (reply.status === 201) {
                sessionStorage.setItem(SAVED, JSON.stringify({ code: reply.body.code, expires_at: reply.body.expires_at }));
                showDone(reply.body);
            } else if (reply.status === 400 && reply.body.problems) {
                show(reply.body.problems, {});
                problem.textContent = T["fix"];
                const first = form.querySelector(".field.bad input, .field.bad select");
                if (first) first.focus();
            } else {
                const error = reply.body.error || {};
                problem.textContent = reply.status === 429 ? T["limited"] : T["error"] + ": " + (error.message || reply.status);
            }
        } catch (error) {
            problem.textContent = T["error"];
        } finally {
            button.disabled = false;
        }
    });
})();
