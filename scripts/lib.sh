# Shared shell helpers for the scripts in this folder. Source it; do not run it.
set -eu

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# The PostgreSQL server binaries (initdb, pg_ctl, postgres) from Debian's postgresql package.
pg_bindir() {
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# Runs a command as the OS user that owns the cluster: `postgres` when we are root (PostgreSQL refuses root).
as_pg_owner() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster's superuser name: initdb names it after the OS user that ran it.
pg_superuser() { if is_root; then echo postgres; else id -un; fi; }
