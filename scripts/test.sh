#!/bin/sh
# The whole test suite: builds, starts a throwaway PostgreSQL (fsync off, socket only, deleted afterwards),
# migrates a template database, and runs every test target against it.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/install-deps.sh"

say "checking formatting (swift format lint; \`make format\` fixes it)"
swift format lint --strict --recursive Package.swift Sources Tests || die "formatting differs: run make format"

say "checking the OpenAPI document (openapi-spec-validator)"
python3 -c "import yaml, sys; from openapi_spec_validator import validate; validate(yaml.safe_load(open(sys.argv[1])))" \
    Sources/Web/Resources/openapi.yaml || die "Sources/Web/Resources/openapi.yaml is not a valid OpenAPI document"

say "checking that every target declares the modules it imports"
python3 scripts/check-imports.py || die "a target imports one of our modules it does not declare (Package.swift)"

say "building (debug, with tests)"
swift build --build-tests 2>&1 | tee .build-test.log | grep -E "error|warning: .*Sources|Compiling|Build complete" | grep -v "^\[" || true
grep -q "error:" .build-test.log && die "build failed (see .build-test.log)"
rm -f .build-test.log
BIN="$(swift build --show-bin-path)/countersign"

# Bounded: 60 s here; FUZZ_SECONDS=600 make test (or make fuzz) searches longer.
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" "$REPO_ROOT/scripts/fuzz.sh"

tmp="$(mktemp -d /tmp/countersign-test.XXXXXX)"
chmod 755 "$tmp"
cleanup() { "$REPO_ROOT/scripts/db.sh" stop "$tmp" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

say "starting a throwaway PostgreSQL in $tmp"
sockdir="$("$REPO_ROOT/scripts/db.sh" start "$tmp" --throwaway)"
superuser="$(pg_superuser)"
# Two templates: migrated only (the audit trail's own tests need it empty), and that with the shipped rules in force.
as_pg_owner psql -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -U "$superuser" -d postgres \
    -c "CREATE DATABASE countersign_template_migrated OWNER countersign_owner"
as_pg_owner psql -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -U "$superuser" -d countersign_template_migrated \
    -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO countersign_app; ALTER SCHEMA public OWNER TO countersign_owner"
"$BIN" migrate --owner-url "postgres://countersign_owner@/countersign_template_migrated?host=$sockdir" --log-level warning
as_pg_owner psql -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -U "$superuser" -d postgres \
    -c "CREATE DATABASE countersign_template OWNER countersign_owner TEMPLATE countersign_template_migrated"
"$BIN" rules activate Rules/authorization-rules.json --owner-url "postgres://countersign_owner@/countersign_template?host=$sockdir" \
    --log-level warning >/dev/null

"$REPO_ROOT/scripts/database-checks.sh" "$sockdir" "$superuser" || die "the database checks failed"

export COUNTERSIGN_TEST_SOCKET_DIR="$sockdir" COUNTERSIGN_TEST_SUPERUSER="$superuser" COUNTERSIGN_BIN="$BIN"
# The socket directory belongs to `postgres` when we are root; root can still connect.

say "running tests"
# Swift Testing starts every test at once: a hundred services, browsers and validators on two cores starved some
# past their (generous) timeouts. At most TEST_WIDTH tests run together: 24 until B-LTA sealing and pyHanko's AdES
# validations made the suite heavier (issue #16), when one load-bound test a run timed out; now 16.
swift test --skip-build --disable-xctest --experimental-maximum-parallelization-width "${TEST_WIDTH:-16}" "$@"

# The whole suite (no filter given) also holds the service to its OpenAPI document.
if [ "$#" = 0 ]; then
    BIN="$BIN" "$REPO_ROOT/scripts/contract-tests.sh"
fi
