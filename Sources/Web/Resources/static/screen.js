// The customer screen beside a teller's terminal: shows its pairing code, then every change the teller keys (as the
// service rendered it, masked), and sends the customer's answer for exactly the view on the screen (its version
// and digest). Everything is set as text, never as HTML.
"use strict";
(function () {
    const T = JSON.parse(document.getElementById("texts").textContent);
    const zh = document.documentElement.lang.startsWith("zh");
    const terminal = document.getElementById("screen").dataset.terminal;
    const $ = (id) => document.getElementById(id);
    let socket = null;
    let shown = null;  // {version, digest}

    function only(id) {
        for (const part of ["pairing", "waiting", "review"]) $(part).hidden = part !== id;
    }

    function status(text) {
        $("screen-status").textContent = text;
        $("screen-status").hidden = !text;
    }

    function render(message) {
        shown = { version: message.version, digest: message.digest };
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
            if (line.words) {
                const words = document.createElement("div");
                words.className = "words";
                words.textContent = line.words;
                dd.append(words);
            }
            list.append(dt, dd);
        }
        for (const id of ["confirm", "reject"]) $(id).disabled = false;
        $("signing").hidden = true;
        document.body.dataset.version = String(message.version);
        only("review");
        status("");
    }

    // MARK: the signature pad: pointer events as strokes of {x, y, t, pressure}, x and y as fractions of the pad.

    const pad = $("pad");
    let strokes = [];
    let started = null;
    let drawing = false;

    function startSigning() {
        strokes = [];
        started = null;
        pad.getContext("2d").clearRect(0, 0, pad.width, pad.height);
        $("pad-done").disabled = false;
        $("signing").hidden = false;
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
    $("pad-done").addEventListener("click", () => {
        if (!shown || !socket) return;
        $("pad-done").disabled = true;
        socket.send(JSON.stringify({ type: "signature", version: shown.version, digest: shown.digest, strokes }));
    });

    function answer(decision) {
        if (!shown || !socket) return;
        for (const id of ["confirm", "reject"]) $(id).disabled = true;
        socket.send(JSON.stringify({ type: decision, version: shown.version, digest: shown.digest }));
    }

    function connect() {
        const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/counter/screen");
        socket = ws;
        ws.onopen = () => { $("screen-offline").hidden = true; ws.send(JSON.stringify({ type: "hello", terminal })); };
        ws.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "pairing") {
                $("pairing-code").textContent = message.code;
                only("pairing");
            } else if (message.type === "paired") {
                only("waiting");
            } else if (message.type === "view") {
                render(message);
            } else if (message.type === "recorded") {
                document.body.dataset.answered = message.decision + ":" + message.version;
                status(message.decision === "confirm" ? T["screen.confirmed"] : T["screen.rejected"]);
                if (message.decision === "confirm") startSigning();
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
            } else if (message.type === "error") {
                const texts = { "counter.stale_confirmation": "screen.stale", "counter.too_little_ink": "screen.more_ink" };
                status(texts[message.code] ? T[texts[message.code]] : message.message);
                $("pad-done").disabled = false;
            }
        };
        ws.onclose = () => {
            $("screen-offline").hidden = false;
            socket = null;
            // A new connection gets a new pairing code: the teller pairs again.
            setTimeout(connect, 2000);
        };
    }

    $("confirm").addEventListener("click", () => answer("confirm"));
    $("reject").addEventListener("click", () => answer("reject"));
    connect();
})();
