#!/bin/sh
# `make bench-supervision`: the auditors' searches, evidence pages and reports on a synthetic year in the .data
# cluster (issue #18, part 6). The year is seeded once (`countersign seed --synthetic`, minutes: 5 million
# transactions with their audit events, then every day rolled up), resumed if stopped, and reused by later runs;
# `make clean-data` drops it.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
PORT="${COUNTERSIGN_BENCH_PORT:-8093}"
LAST_DAY="${SYNTHETIC_LAST_DAY:-2026-11-30}"
TRANSACTIONS="${SYNTHETIC_TRANSACTIONS:-5000000}"
sh scripts/db.sh start .data >/dev/null
.build/release/countersign migrate --log-level warning
.build/release/countersign seed --log-level warning >/dev/null
# Resumable: a seeding stopped halfway goes on; a finished one only checks what it holds.
say "the synthetic year: $TRANSACTIONS transactions to $LAST_DAY (seeded once, minutes; then reused)"
.build/release/countersign seed --synthetic --transactions "$TRANSACTIONS" --last-day "$LAST_DAY" --log-level warning
# As autovacuum would have by now on a bank's year: the visibility map lets the searches read their indexes alone.
psql -h "$REPO_ROOT/.data/run" -U countersign_owner -d countersign -qc "VACUUM (ANALYZE) teller_transactions" -qc "VACUUM (ANALYZE) audit_events"
. scripts/bench-service.sh
measure supervision supervision --port "$PORT" --last-day "$LAST_DAY" --transactions "$TRANSACTIONS" "$@"
