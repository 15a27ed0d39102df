#!/bin/sh
# `make run`: install what is missing, build, start (or reuse) the private PostgreSQL under .data/, migrate,
# seed the demo data, generate development keys, print the URLs and logins, and run the service in the foreground.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/install-deps.sh"

CONFIGURATION="${CONFIGURATION:-debug}"
say "building countersign ($CONFIGURATION)"
swift build -c "$CONFIGURATION" --product countersign
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)/countersign"

if [ -z "${DATABASE_URL:-}" ]; then
    # Demo users with published passwords go into the private development cluster only, unless asked for.
    COUNTERSIGN_DEMO_SEED="${COUNTERSIGN_DEMO_SEED:-1}"
    say "starting the private PostgreSQL cluster in .data/ (socket only)"
    "$REPO_ROOT/scripts/db.sh" start "$REPO_ROOT/.data" >/dev/null
    DATABASE_DESCRIPTION="private cluster in .data/ (socket $REPO_ROOT/.data/run; stop it with: make db-stop)"
else
    [ -n "${DATABASE_OWNER_URL:-}" ] || die "DATABASE_URL is set, so set DATABASE_OWNER_URL too (the owner role migrates; see docs/configuration.md)"
    DATABASE_DESCRIPTION="external database from DATABASE_URL"
    COUNTERSIGN_DEMO_SEED="${COUNTERSIGN_DEMO_SEED:-0}"
    [ "$COUNTERSIGN_DEMO_SEED" = 0 ] || say "seeding demo users with published passwords into an external database (COUNTERSIGN_DEMO_SEED=1)"
fi

say "applying migrations"
"$BIN" migrate --log-level warning
# The demo is walked at any hour: `make run` activates the shipped rules with business hours widened to the whole
# day (version suffixed "-demo"), so the after-hours rule does not make every evening booking need authorization.
# COUNTERSIGN_DEMO_RULES=0 activates the shipped file as it is.
RULES=Rules/authorization-rules.json
if [ "${COUNTERSIGN_DEMO_RULES:-1}" = 1 ] && [ "$COUNTERSIGN_DEMO_SEED" = 1 ]; then
    mkdir -p .data
    python3 - "$RULES" .data/demo-authorization-rules.json <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))
rules["version"] = (rules["version"] + "-demo")[:40]
rules["business_hours"] = {"from": "00:00", "to": "24:00"}
json.dump(rules, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
    RULES=.data/demo-authorization-rules.json
    say "demo rules: business hours widened to the whole day (COUNTERSIGN_DEMO_RULES=0 for the shipped rules)"
fi
"$BIN" rules activate "$RULES" --log-level warning >/dev/null
if [ "$COUNTERSIGN_DEMO_SEED" = 1 ]; then
    "$BIN" seed --log-level warning > .data-seed.txt 2>&1 || { cat .data-seed.txt; die "seeding failed"; }
fi
"$REPO_ROOT/scripts/dev-certs.sh" "$BIN"
# The issuing CA's CRL is good for a week: signed afresh from the seal registry at each start.
"$BIN" certs crl --log-level warning >/dev/null
if [ "$COUNTERSIGN_DEMO_SEED" = 1 ]; then
    "$BIN" seals import --log-level warning
    "$BIN" directory load Seeds/demo-directory.json --log-level warning >/dev/null
fi

HOST="${COUNTERSIGN_HOST:-127.0.0.1}"; PORT="${COUNTERSIGN_PORT:-8080}"
cat <<INFO

  Countersign is starting on http://$HOST:$PORT
    start page     http://$HOST:$PORT/
    pre-fill       http://$HOST:$PORT/f              (customers, on a phone; no login)
    teller         http://$HOST:$PORT/teller         (sign in as teller1 at terminal T01; BR001 has T01–T08)
    customer screen http://$HOST:$PORT/screen/T01    (the screen beside T01: enrolled once by super1 / super1-demo)
    verify         http://$HOST:$PORT/verify         (anyone: check a receipt)
    officers       http://$HOST:$PORT/officer        (officer1, super1 …)
    health         http://$HOST:$PORT/health
    metrics        http://$HOST:$PORT/metrics
    API document   http://$HOST:$PORT/openapi.yaml
  Database: $DATABASE_DESCRIPTION
INFO
if [ -f .data-seed.txt ]; then sed -n '/demo logins/,$p' .data-seed.txt | sed 's/^/  /'; rm -f .data-seed.txt; fi
cat <<INFO
  Sign in:  curl -s -X POST http://$HOST:$PORT/api/v1/sessions -d '{"user":"auditor1","password":"auditor1-demo"}'
  Ctrl-C stops the service; the next \`make run\` reuses the database.

INFO
exec "$BIN" serve
