#!/bin/sh
# `make bench-counter`: the release service on the .data cluster (fsync on), with the public per-client limit
# lifted (every bench client comes from 127.0.0.1), and `countersign-bench counter` against it over loopback.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
PORT="${COUNTERSIGN_BENCH_PORT:-8092}"
export COUNTERSIGN_PUBLIC_RATE_PER_MINUTE=100000000
. scripts/bench-service.sh
measure counter counter --port "$PORT" "$@"
