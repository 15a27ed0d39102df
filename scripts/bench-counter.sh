#!/bin/sh
# `make bench-counter`: the release service on the .data cluster (fsync on), with the public per-client limit
# lifted (every bench client comes from 127.0.0.1), and `countersign bench counter` against it over loopback.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
BIN=.build/release/countersign
PORT="${COUNTERSIGN_BENCH_PORT:-8092}"
sh scripts/db.sh start .data >/dev/null
"$BIN" migrate --log-level warning
sh scripts/dev-certs.sh "$BIN" >/dev/null
COUNTERSIGN_PUBLIC_RATE_PER_MINUTE=100000000 "$BIN" serve --port "$PORT" --log-level error &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$PORT/health" 2>/dev/null && break
    sleep 0.1
done
"$BIN" bench counter --port "$PORT" "$@"
