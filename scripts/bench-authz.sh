#!/bin/sh
# `make bench-authz`: the release service on the .data cluster (fsync on) and the simulated tellers and officers
# of `countersign bench authz` against it, over loopback HTTP and WebSocket. Extra arguments go to the bench.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
BIN=.build/release/countersign
PORT="${COUNTERSIGN_BENCH_PORT:-8091}"
sh scripts/db.sh start .data >/dev/null
"$BIN" migrate --log-level warning
sh scripts/dev-certs.sh "$BIN" >/dev/null
"$BIN" serve --port "$PORT" --log-level error &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$PORT/health" 2>/dev/null && break
    sleep 0.1
done
"$BIN" bench authz --port "$PORT" "$@"
