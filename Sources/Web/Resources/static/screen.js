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
        document.body.dataset.version = String(message.version);
        only("review");
        status("");
    }

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
            } else if (message.type === "error") {
                status(message.code === "counter.stale_confirmation" ? T["screen.stale"] : message.message);
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
