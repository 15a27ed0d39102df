#!/bin/sh
# `make bench-authz`: the release service on the .data cluster (fsync on) and the simulated tellers and officers
# of `countersign-bench authz` against it, over loopback HTTP and WebSocket. Extra arguments go to the bench.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
PORT="${COUNTERSIGN_BENCH_PORT:-8091}"
. scripts/bench-service.sh
measure authz authz --port "$PORT" "$@"
