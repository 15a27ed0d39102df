# Sourced by the bench scripts: the release service on the .data cluster (fsync on), on port $PORT, stopped when
# the script exits. Variables already exported (COUNTERSIGN_…) reach the service.
BIN=.build/release/countersign
BENCH=.build/release/countersign-bench
RESULTS=benchmarks/results
# A bench is one client address standing in for a whole bank: its per-address limit must not be the bottleneck.
export COUNTERSIGN_PUBLIC_RATE_PER_MINUTE="${COUNTERSIGN_PUBLIC_RATE_PER_MINUTE:-100000000}"
sh scripts/db.sh start .data >/dev/null
"$BIN" migrate --log-level warning
"$BIN" rules activate Rules/authorization-rules.json --log-level warning >/dev/null
sh scripts/dev-certs.sh "$BIN" >/dev/null
"$BIN" directory load Seeds/demo-directory.json --log-level warning >/dev/null
"$BIN" serve --port "$PORT" --log-level error &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$PORT/health" 2>/dev/null && break
    sleep 0.1
done

# measure NAME BENCH-ARGS…: one bench against the service, its results in $RESULTS/NAME.json and the CPU each
# process used (service, PostgreSQL, the bench client) in $RESULTS/NAME.cpu.json.
measure() {
    name="$1"; shift
    python3 scripts/cpu-sample.py --out "$RESULTS/$name.cpu.json" --service-pid "$SERVER" --pgdata .data/pgdata -- \
        "$BENCH" "$@" --json "$RESULTS/$name.json"
}
