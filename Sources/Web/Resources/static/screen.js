// The customer screen beside a teller's terminal. Enrolled once by a branch supervisor: it makes an ECDSA P-256 key
// that cannot be exported (WebCrypto), kept in IndexedDB, and the service registers the public half for one
// terminal. When it connects it proves it holds the key; then it shows its pairing code, every change the teller
// keys (as the service rendered it, masked), and sends the customer's answer and signature for exactly the view on
// the screen, each with a statement signed by the key. Everything is set as text, never as HTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const zh = document.documentElement.lang.startsWith("zh");
    const $ = (id) => document.getElementById(id);
    let socket = null;
    let shown = null;  // {session, version, digest}
    let device = null;  // {id, terminal, branch, privateKey}

    // MARK: the device key, in IndexedDB (a CryptoKey is stored as itself; its private half never leaves it).

    const keyStore = {
        open() {
            return new Promise((resolve, reject) => {
                const request = indexedDB.open("countersign-screen", 1);
                request.onupgradeneeded = () => request.result.createObjectStore("device");
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
        },
        async run(mode, action) {
            const db = await this.open();
            return new Promise((resolve, reject) => {
                const tx = db.transaction("device", mode);
                const request = action(tx.objectStore("device"));
                tx.oncomplete = () => { db.close(); resolve(request.result); };
                tx.onerror = () => { db.close(); reject(tx.error); };
            });
        },
        get() { return this.run("readonly", (store) => store.get("current")); },
        put(value) { return this.run("readwrite", (store) => store.put(value, "current")); },
        clear() { return this.run("readwrite", (store) => store.delete("current")); },
    };

    const base64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
    const utf8 = (text) => new TextEncoder().encode(text);

    async function signText(text) {
        return base64(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, device.privateKey, utf8(text)));
    }

    // What the key signs for an answer or a signature: the fields in key order, as the service stores them.
    async function statement(decision, strokesSHA256) {
        const fields = { at: new Date().toISOString(), decision, device: device.id, session: shown.session };
        if (strokesSHA256) fields.strokes_sha256 = strokesSHA256;
        Object.assign(fields, { type: "countersign.screen.v1", version: shown.version, view_sha256: shown.digest });
        const text = JSON.stringify(fields);
        return { statement: text, signature: await signText(text) };
    }

    // The view's digest is SHA-256 of the view's JSON exactly as sent: the message's last member.
    async function viewMatches(data, digest) {
        const start = data.indexOf('"view":');
        if (start < 0 || !data.endsWith("}")) return false;
        return hex(await crypto.subtle.digest("SHA-256", utf8(data.slice(start + 7, -1)))) === digest;
    }

    // The one canonical encoding of strokes (the service's SignatureInk.canonical): values rounded first, so the
    // digest the screen signs is the one the service computes from what it receives.
    const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
    function quantized(strokes) {
        return strokes.map((stroke) => stroke.map((p) => ({ x: round(p.x, 5), y: round(p.y, 5), t: round(p.t, 1), pressure: round(p.pressure, 3) })));
    }
    function canonical(strokes) {
        return strokes.map((stroke) => stroke.map((p) => `${p.x.toFixed(5)} ${p.y.toFixed(5)} ${p.t.toFixed(1)} ${p.pressure.toFixed(3)}`)
            .join("\n")).join("\n\n");
    }

    function only(id) {
        for (const part of ["enroll", "pairing", "waiting", "review"]) $(part).hidden = part !== id;
    }

    // A notice: green when something went through, amber when the customer must wait or look again.
    function status(text, warn) {
        $("screen-status").textContent = text;
        $("screen-status").hidden = !text;
        $("screen-status").className = "outcome" + (warn ? " warn" : "");
    }

    // The values of the last view shown, and of the last one the customer confirmed, by field: a later view marks
    // what the teller changed since the customer confirmed (or, before that, since the last view).
    let previous = null;
    let confirmed = null;

    function render(message) {
        const sameSession = shown && shown.session === message.session;
        const before = sameSession ? confirmed || previous : null;
        const wasAnswered = shown && shown.session === message.session && shown.answered;
        shown = { session: message.session, version: message.version, digest: message.digest };
        previous = Object.fromEntries(message.view.lines.map((line) => [line.field, line.value]));
        const view = message.view;
        $("review-title").textContent = zh ? view.title.zh : view.title.en;
        const list = $("review-lines");
        list.replaceChildren();
        for (const line of view.lines) {
            const dt = document.createElement("dt");
            dt.textContent = zh ? line.label.zh : line.label.en;
            const dd = document.createElement("dd");
            dd.textContent = line.value;
            dd.dataset.field = line.field;
            if (before && before[line.field] !== line.value) {
                dd.classList.add("changed");
                dt.classList.add("changed");
            }
            if (line.words) {
                const words = document.createElement("div");
                words.className = "words";
                words.textContent = line.words;
                dd.append(words);
            }
            list.append(dt, dd);
        }
        for (const id of ["confirm", "reject"]) $(id).disabled = false;
        // Not complete yet (the teller is still filling in, or a value is invalid): nothing to confirm.
        $("confirm").disabled = message.complete === false;
        $("signing").hidden = true;
        hidePreview();
        document.body.dataset.version = String(message.version);
        only("review");
        const changed = before && list.querySelector(".changed");
        const notice = message.complete === false ? T["screen.incomplete"] : wasAnswered || changed ? T["screen.changed"] : "";
        status(notice, notice !== "");
    }

    // MARK: the signature pad: pointer events as strokes of {x, y, t, pressure}, x and y as fractions of the pad.

    const pad = $("pad");
    let strokes = [];
    let started = null;
    let drawing = false;

    // The voucher the customer is about to sign: the service renders the specimen of exactly the version shown, and
    // pdf.js (Debian's libjs-pdf, served by the service) draws it above the pad.
    let previewFor = null;
    function askPreview() {
        if (!socket || !shown || !window.pdfjsLib || previewFor === shown.version) return;
        previewFor = shown.version;
        socket.send(JSON.stringify({ type: "preview", version: shown.version, digest: shown.digest }));
    }

    async function drawPreview(message) {
        if (!shown || message.version !== shown.version || !window.pdfjsLib) return;
        const bytes = Uint8Array.from(atob(message.pdf), (c) => c.charCodeAt(0));
        pdfjsLib.GlobalWorkerOptions.workerSrc = "/vendor/pdf.worker.js";
        // No eval and no web fonts: glyphs are drawn as paths, within the page's content security policy.
        const pdf = await pdfjsLib.getDocument({ data: bytes, isEvalSupported: false, disableFontFace: true }).promise;
        const page = await pdf.getPage(1);
        if (!shown || message.version !== shown.version) return;
        const canvas = $("preview-page");
        const ratio = window.devicePixelRatio || 1;
        const width = Math.min(900, $("screen").clientWidth || 600);
        const viewport = page.getViewport({ scale: (width / page.getViewport({ scale: 1 }).width) * ratio });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = Math.floor(viewport.width / ratio) + "px";
        await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
        $("preview").hidden = false;
        document.body.dataset.preview = String(message.version);
    }

    function hidePreview() {
        previewFor = null;
        $("preview").hidden = true;
        delete document.body.dataset.preview;
    }

    function startSigning() {
        askPreview();
        // Told twice (the answer's reply and the state the service announces may cross): the ink stays.
        if (!$("signing").hidden) return;
        strokes = [];
        started = null;
        pad.getContext("2d").clearRect(0, 0, pad.width, pad.height);
        $("pad-done").disabled = false;
        $("signing").hidden = false;
        // On a 1024×768 counter screen the pad sits below the values: bring it, with its buttons, into view.
        $("signing").scrollIntoView({ block: "end", behavior: "smooth" });
    }

    function point(event) {
        const box = pad.getBoundingClientRect();
        if (started === null) started = event.timeStamp;
        const clamp = (v) => Math.min(1, Math.max(0, v));
        return {
            x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height),
            t: Math.max(0, event.timeStamp - started), pressure: clamp(event.pressure || 0.5),
        };
    }

    function ink(from, to) {
        const context = pad.getContext("2d");
        context.lineWidth = 1 + 3 * to.pressure;
        context.lineCap = "round";
        context.beginPath();
        context.moveTo(from.x * pad.width, from.y * pad.height);
        context.lineTo(to.x * pad.width, to.y * pad.height);
        context.stroke();
    }

    pad.addEventListener("pointerdown", (event) => {
        event.preventDefault();
        pad.setPointerCapture(event.pointerId);
        drawing = true;
        strokes.push([point(event)]);
    });
    pad.addEventListener("pointermove", (event) => {
        if (!drawing) return;
        const stroke = strokes[strokes.length - 1];
        const next = point(event);
        ink(stroke[stroke.length - 1], next);
        stroke.push(next);
    });
    for (const name of ["pointerup", "pointercancel"]) pad.addEventListener(name, () => { drawing = false; });
    $("pad-clear").addEventListener("click", startSigning);
    $("pad-done").addEventListener("click", async () => {
        if (!shown || !socket) return;
        $("pad-done").disabled = true;
        const ink = quantized(strokes);
        const digest = hex(await crypto.subtle.digest("SHA-256", utf8(canonical(ink))));
        const signed = await statement("sign", digest);
        socket.send(JSON.stringify({ type: "signature", version: shown.version, digest: shown.digest, strokes: ink, ...signed }));
    });

    async function answer(decision) {
        if (!shown || !socket) return;
        for (const id of ["confirm", "reject"]) $(id).disabled = true;
        const signed = await statement(decision);
        socket.send(JSON.stringify({ type: decision, version: shown.version, digest: shown.digest, ...signed }));
    }

    function connect() {
        const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/counter/screen");
        socket = ws;
        let enrolled = true;
        ws.onopen = () => { $("screen-offline").hidden = true; ws.send(JSON.stringify({ type: "hello", device: device.id })); };
        // One message at a time, in order: some steps wait for WebCrypto, and a later view must never be shown
        // before an earlier one finishes.
        let queue = Promise.resolve();
        ws.onmessage = (event) => { queue = queue.then(() => handle(event.data)).catch(() => {}); };
        async function handle(data) {
            const message = JSON.parse(data);
            if (message.type === "view" && !(await viewMatches(data, message.digest))) {
                // What the screen would confirm must be what it shows: it hashes the view it was sent itself.
                status(T["screen.bad_view"]);
                return;
            }
            if (message.type === "challenge") {
                const text = `countersign.screen.hello.v1:${device.id}:${message.nonce}`;
                ws.send(JSON.stringify({ type: "proof", signature: await signText(text) }));
            } else if (message.type === "pairing") {
                // After a receipt the screen is free for the next customer at once; the receipt stays beside the
                // code until the next customer is paired, or for a minute.
                $("pairing-code").textContent = message.code;
                $("screen-terminal").textContent = (device.branch ? device.branch + " · " : "") + T["screen.terminal"] + " " + message.terminal;
                $("screen-terminal").hidden = false;
                only("pairing");
            } else if (message.type === "paired") {
                hideReceipt();
                status("");
                confirmed = null;
                only("waiting");
            } else if (message.type === "view") {
                render(message);
            } else if (message.type === "cancelled") {
                // The teller ended this transaction: nothing of it stays on the screen.
                hideReceipt();
                hidePreview();
                $("signing").hidden = true;
                only("none");
                status(message.reason === "rejected" ? T["screen.not_approved"] : T["screen.cancelled"], true);
            } else if (message.type === "state") {
                // Back after a reload or a language switch: where the customer had got to with this view.
                if (message.state === "confirmed") {
                    for (const id of ["confirm", "reject"]) $(id).disabled = true;
                    status(T["screen.confirmed"]);
                    startSigning();
                } else if (message.state === "signed" || message.state === "rejected") {
                    for (const id of ["confirm", "reject"]) $(id).disabled = true;
                    status(message.state === "signed" ? T["screen.signed"] : T["screen.rejected"]);
                }
            } else if ((message.type === "recorded" || message.type === "signed") && (!shown || message.version !== shown.version)) {
                // The reply to an answer for a view the teller has since changed: the newer view stands.
            } else if (message.type === "recorded") {
                if (shown) shown.answered = true;
                if (message.decision === "confirm") confirmed = previous;
                document.body.dataset.answered = message.decision + ":" + message.version;
                status(message.decision === "confirm" ? T["screen.confirmed"] : T["screen.rejected"]);
                if (message.decision === "confirm") startSigning();
            } else if (message.type === "preview") {
                try { await drawPreview(message); } catch (error) { /* the values above still say what is signed */ }
            } else if (message.type === "signed") {
                document.body.dataset.signed = String(message.version);
                $("signing").hidden = true;
                status(T["screen.signed"]);
            } else if (message.type === "receipt") {
                const link = location.origin + message.path;
                const anchor = $("receipt-link");
                anchor.href = message.path;
                anchor.textContent = message.voucher;
                $("receipt-qr").src = "/qr?text=" + encodeURIComponent(link);
                $("receipt").hidden = false;
                only("none");
                status("");
                clearTimeout(receiptTimer);
                receiptTimer = setTimeout(hideReceipt, 60000);
            } else if (message.type === "error" && message.code === "counter.screen_not_enrolled") {
                // Removed by a supervisor, or replaced by another screen: this key is worth nothing now.
                enrolled = false;
                await keyStore.clear();
                device = null;
                showEnrolment(message.message);
            } else if (message.type === "error" && message.code === "counter.no_preview") {
                // No preview (this service renders no vouchers): the values above say what is signed.
            } else if (message.type === "error") {
                const texts = {
                    "counter.stale_confirmation": "screen.stale", "counter.too_little_ink": "screen.more_ink", "counter.incomplete": "screen.incomplete",
                };
                status(texts[message.code] ? T[texts[message.code]] : message.text ? (zh ? message.text.zh : message.text.en) : message.message, true);
                $("pad-done").disabled = false;
            }
        }
        ws.onclose = () => {
            socket = null;
            if (!enrolled || !device) return;
            $("screen-offline").hidden = false;
            // Back on any instance: the service says where the screen is (its code, or its session resumed).
            setTimeout(connect, 2000);
        };
    }

    // The last customer's receipt leaves the screen: nothing of theirs is shown to the next one.
    let receiptTimer = null;
    function hideReceipt() {
        clearTimeout(receiptTimer);
        hidePreview();
        $("receipt").hidden = true;
        $("receipt-qr").removeAttribute("src");
        $("receipt-link").textContent = "";
        $("receipt-link").setAttribute("href", "#");
        $("review-lines").replaceChildren();
        shown = null;
    }

    // MARK: enrolment, by a branch supervisor standing at the screen.

    function showEnrolment(why) {
        $("screen-terminal").hidden = true;
        $("receipt").hidden = true;
        only("enroll");
        status(why || "");
    }

    async function errorText(reply) {
        try {
            const body = await reply.json();
            if (!body.error) return String(reply.status);
            const text = body.error.text ? (zh ? body.error.text.zh : body.error.text.en) : body.error.message;
            return text + " (" + body.error.code + ")";
        } catch (e) {
            return String(reply.status);
        }
    }

    $("enroll").addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!window.isSecureContext || !window.crypto || !crypto.subtle || !window.indexedDB) {
            status(T["screen.no_webcrypto"]);
            return;
        }
        const terminal = $("enroll-terminal").value.trim();
        const user = $("enroll-user").value.trim();
        const password = $("enroll-password").value;
        $("enroll-password").value = "";
        $("enroll-submit").disabled = true;
        try {
            const login = await fetch("/api/v1/sessions", {
                method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user, password }),
            });
            if (!login.ok) {
                // A teller (or anyone but a supervisor) signing in here is refused before the role is known.
                const text = await errorText(login);
                throw new Error(text.includes("auth.unregistered_terminal") ? T["screen.supervisor_only"] : text);
            }
            const token = (await login.json()).token;
            const auth = { Authorization: "Bearer " + token };
            try {
                const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
                const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
                const reply = await fetch("/api/v1/counter/screens", {
                    method: "POST", headers: { "Content-Type": "application/json", ...auth },
                    body: JSON.stringify({ terminal, public_key: base64(spki) }),
                });
                if (!reply.ok) throw new Error(await errorText(reply));
                const enrolled = await reply.json();
                device = { id: enrolled.id, terminal: enrolled.terminal, branch: enrolled.branch, privateKey: keys.privateKey };
                await keyStore.put(device);
                // Ask the browser not to evict the key under storage pressure (it would unenroll the screen).
                if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
            } finally {
                // The supervisor's session was for this one enrolment.
                await fetch("/api/v1/session", { method: "DELETE", headers: auth });
            }
            status(T["screen.enrolled"]);
            connect();
        } catch (error) {
            status(T["screen.enroll_failed"] + error.message);
        } finally {
            $("enroll-submit").disabled = false;
        }
    });

    $("receipt-done").addEventListener("click", hideReceipt);
    $("confirm").addEventListener("click", () => answer("confirm"));
    $("reject").addEventListener("click", () => answer("reject"));
    keyStore.get().then((stored) => {
        device = stored || null;
        if (device) connect(); else showEnrolment();
    }, () => showEnrolment(T["screen.no_webcrypto"]));
})();
