#!/bin/sh
# `make bench-ceiling`: what this machine leaves for authorization round trips before their own work, each part
# alone: the cheapest authenticated request over HTTP and the same without the session lookup (`bench requests`,
# against the release service on the .data cluster), then chained audit appends, one per transaction and ten per
# statement (`bench audit --batch`). docs/benchmarks.md: "What 1,000 round trips/s would take". Extra arguments go to
# `bench requests`.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
PORT="${COUNTERSIGN_BENCH_PORT:-8091}"
. scripts/bench-service.sh
measure requests requests --port "$PORT" "$@"
measure requests-without-token requests --port "$PORT" --without-token "$@"
kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true
"$BENCH" audit --writers 8,32 --batch 10 --rounds 1 --seconds 6 --json "$RESULTS/audit-batched.json"
