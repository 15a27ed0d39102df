#!/bin/sh
# The database as code can be read and is tested in place (issue #17, part 4), against the throwaway cluster that
# scripts/test.sh started: usage database-checks.sh SOCKET_DIR SUPERUSER.
#  1. Sources/Storage/schema.sql is `pg_dump --schema-only` of the migrated database — the current body of every
#     function and trigger in one file, instead of "whichever migration mentioned it last". A migration that changes
#     it rewrites the file here and fails, so the change is reviewed and committed with the migration.
#  2. Tests/pgtap/*.sql run with pgTAP against a fresh database with the shipped rules in force; any "not ok" fails.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
sockdir="$1"
superuser="$2"
bindir="$(pg_bindir)"

say "checking Sources/Storage/schema.sql against the migrated database"
dump="$(mktemp)"
# The version banner and pg_dump's per-run \restrict key are not schema.
as_pg_owner "$bindir/pg_dump" --schema-only -h "$sockdir" -U "$superuser" -d countersign_template_migrated \
    | grep -v -e '^-- Dumped from database version' -e '^-- Dumped by pg_dump version' -e '^\\restrict ' -e '^\\unrestrict ' >"$dump" \
    || die "pg_dump failed"
if ! cmp -s "$dump" Sources/Storage/schema.sql; then
    cp "$dump" Sources/Storage/schema.sql
    rm -f "$dump"
    die "Sources/Storage/schema.sql did not match the migrated database; it has been rewritten — review it (git diff) and commit it"
fi
rm -f "$dump"

say "running the pgTAP tests (Tests/pgtap)"
failed=0
for test in Tests/pgtap/*.sql; do
    name="pgtap_$(basename "$test" .sql)"
    as_pg_owner psql -X -q -h "$sockdir" -U "$superuser" -d postgres \
        -c "CREATE DATABASE $name OWNER countersign_owner TEMPLATE countersign_template" >/dev/null || die "cannot create $name"
    as_pg_owner psql -X -q -h "$sockdir" -U "$superuser" -d "$name" -c "CREATE EXTENSION pgtap" >/dev/null || die "pgTAP is not installed"
    output="$(as_pg_owner psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$sockdir" -U "$superuser" -d "$name" -f "$test" 2>&1)"
    status=$?
    as_pg_owner psql -X -q -h "$sockdir" -U "$superuser" -d postgres -c "DROP DATABASE $name" >/dev/null
    if [ "$status" -ne 0 ] || printf '%s\n' "$output" | grep -q -e '^not ok' -e '^# Looks like'; then
        printf '%s\n' "$output" | grep -v '^ok' >&2
        echo "FAILED: $test" >&2
        failed=1
    else
        echo "$(printf '%s\n' "$output" | grep -c '^ok') passed: $test"
    fi
done
[ "$failed" -eq 0 ] || die "pgTAP tests failed"
