#!/bin/sh
# A private PostgreSQL cluster in a folder: socket only (no TCP port), owned by `postgres` when run as root.
#   scripts/db.sh start DIR [--throwaway]   create if missing, start if stopped, create roles and database
#   scripts/db.sh stop DIR
#   scripts/db.sh status DIR
# --throwaway turns off fsync and friends: for tests only, never for data you keep.
. "$(dirname "$0")/lib.sh"

command="${1:-}"; dir="${2:-}"; mode="${3:-}"
[ -n "$command" ] && [ -n "$dir" ] || die "usage: scripts/db.sh start|stop|status DIR [--throwaway]"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
bindir="$(pg_bindir)" || die "PostgreSQL is not installed: run scripts/install-deps.sh"
pgdata="$dir/pgdata"; sockdir="$dir/run"; logfile="$dir/postgres.log"

running() { as_pg_owner "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

psql_super() {
    as_pg_owner psql -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -U "$(pg_superuser)" -d postgres "$@"
}

init_cluster() {
    say "creating PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata" "$sockdir"
    if is_root; then chown postgres:postgres "$dir" "$pgdata" "$sockdir"; fi
    chmod 700 "$pgdata" "$sockdir"
    as_pg_owner "$bindir/initdb" -D "$pgdata" --auth-local=trust --auth-host=reject --encoding=UTF8 --locale=C.UTF-8 -U "$(pg_superuser)" >/dev/null
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$sockdir'"
        echo "unix_socket_permissions = 0700"
        echo "max_connections = 200"
        echo "shared_buffers = 256MB"
        if [ "$mode" = "--throwaway" ]; then
            echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
        fi
    } | as_pg_owner tee -a "$pgdata/postgresql.conf" >/dev/null
}

start() {
    [ -f "$pgdata/PG_VERSION" ] || init_cluster
    if ! running; then
        rm -f "$sockdir/.s.PGSQL.5432.lock"
        as_pg_owner "$bindir/pg_ctl" -D "$pgdata" -l "$logfile" -w -t 60 start >/dev/null || { cat "$logfile" >&2; die "PostgreSQL did not start"; }
    fi
    psql_super -f "$REPO_ROOT/scripts/db-roles.sql"
    # The owner creates scratch databases for `bench audit`; the app role stays unprivileged.
    psql_super -c "ALTER ROLE countersign_owner CREATEDB"
    if [ -z "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = 'countersign'")" ]; then
        psql_super -c "CREATE DATABASE countersign OWNER countersign_owner"
    fi
    psql_super -d countersign -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO countersign_app; ALTER SCHEMA public OWNER TO countersign_owner"
    echo "$sockdir"
}

case "$command" in
    start) start ;;
    stop) if [ -f "$pgdata/PG_VERSION" ] && running; then as_pg_owner "$bindir/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; fi ;;
    status) if running; then echo "running: socket $sockdir"; else echo "stopped"; exit 3; fi ;;
    *) die "unknown command $command" ;;
esac
