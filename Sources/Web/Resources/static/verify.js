// The public voucher check: send the PDF (or its receipt number) to the service and show each signature's status
// in plain words. Everything is set as text, never as HTML.
"use strict";
(function () {
    const zh = document.documentElement.lang.startsWith("zh");
    const T = JSON.parse(document.getElementById("texts").textContent);
    const $ = (id) => document.getElementById(id);

    function show(reply) {
        $("verify-problem").textContent = "";
        if (!reply.ok) {
            $("verdict").hidden = true;
            const error = reply.body.error || {};
            // Messages come as "English / 中文": the page's language half, and the code for whoever helps.
            const halves = (error.message || String(reply.status)).split(" / ");
            const words = halves.length === 2 ? halves[zh ? 1 : 0] : halves.join(" / ");
            $("verify-problem").textContent = words + (error.code ? " (" + error.code + ")" : "");
            return;
        }
        const verdict = reply.body;
        const summary = $("verdict-summary");
        summary.textContent = zh ? verdict.summary.zh : verdict.summary.en;
        summary.className = "message " + (verdict.valid ? "good" : "bad");
        $("verdict").dataset.valid = String(verdict.valid);
        $("verdict-sha").textContent = verdict.sha256;
        // What a genuine voucher must be, each marked as established or not, in words.
        $("verdict-findings").replaceChildren(...(verdict.findings || []).map((finding) => {
            const item = document.createElement("li");
            item.dataset.established = String(finding.established);
            item.textContent = (finding.established ? "✓ " : "✗ ") + (zh ? finding.words.zh : finding.words.en);
            return item;
        }));
        const list = $("verdict-signatures");
        list.replaceChildren(...verdict.signatures.map((signature) => {
            const item = document.createElement("li");
            item.dataset.valid = String(signature.intact && signature.trusted);
            const head = document.createElement("strong");
            // The signature's role in words (the PDF's field names are for programs).
            const role = T["verify.field." + signature.field] || (T["verify.signature"] + " " + signature.field);
            head.textContent = role + " · " + signature.signed_at;
            const words = document.createElement("div");
            words.textContent = zh ? signature.words.zh : signature.words.en;
            // Whether a time-stamp proves when it was made (then its certificates were judged at that time).
            const level = document.createElement("div");
            level.className = "detail";
            level.dataset.level = signature.level || "B-B";
            const proven = signature.proven_at
                ? " " + new Date(signature.proven_at).toLocaleString(zh ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", hour12: false }) + (zh ? "（北京时间）" : " (Beijing)")
                : "";
            level.textContent = (T["verify.level." + level.dataset.level] || level.dataset.level) + proven;
            item.append(head, words, level);
            return item;
        }));
        $("verdict").hidden = false;
    }

    async function send(body, type) {
        const response = await fetch("/api/v1/verify", { method: "POST", headers: { "Content-Type": type, "Accept": "application/json" }, body });
        show({ ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) });
    }

    $("verify-file").addEventListener("submit", async (event) => {
        event.preventDefault();
        const file = $("verify-pdf").files[0];
        if (file) await send(await file.arrayBuffer(), "application/pdf");
    });
    $("verify-number").addEventListener("submit", async (event) => {
        event.preventDefault();
        await send(JSON.stringify({ voucher: $("verify-voucher").value.trim() }), "application/json");
    });
})();
