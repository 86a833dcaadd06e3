#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the storage tests and print its URL.
#
#   scripts/ci-postgres.sh [start]   install PostgreSQL if missing (Debian), start a cluster on a
#                                    free loopback port, print the URL alone on stdout
#   scripts/ci-postgres.sh stop      stop the cluster and delete its files
#
# Idempotent: a second `start` finds the running cluster and prints the same URL. The URL names
# a superuser (it may create and drop databases: the tests make one per test). Progress goes to
# stderr. State lives in $PLACEMENT_PG_STATE (default: $TMPDIR/placement-ci-postgres).
set -euo pipefail

STATE="${PLACEMENT_PG_STATE:-${TMPDIR:-/tmp}/placement-ci-postgres}"
DATA="$STATE/data"
SOCKETS="$STATE/run"
DB_USER=placement
DB_NAME=placement_test

log() { printf 'ci-postgres: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}

# The cluster runs as an unprivileged account: initdb refuses root.
owner() {
    if [ "$(id -u)" -eq 0 ]; then printf 'postgres\n'; else id -un; fi
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
    [ -s "$STATE/url" ] && [ -n "${BIN:-}" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

start() {
    BIN="$(pg_bin || true)"
    if [ -z "$BIN" ]; then
        log "installing PostgreSQL from the Debian archive"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            postgresql >&2
        BIN="$(pg_bin)"
    fi
    if running; then
        log "already running"
        cat "$STATE/url"
        return
    fi
    if [ -s "$DATA/PG_VERSION" ] && [ -s "$STATE/url" ]; then
        log "restarting the existing cluster"
    else
        rm -rf "$STATE"
        mkdir -p "$STATE"
        local password port
        password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
        port="$(free_port)"
        printf '%s\n' "$password" >"$STATE/password"
        chmod 600 "$STATE/password"
        mkdir -p "$DATA" "$SOCKETS"
        chown -R "$(owner)" "$STATE"
        chmod 700 "$STATE"
        log "initdb in $DATA"
        as_owner "$BIN/initdb" -D "$DATA" -U "$DB_USER" --pwfile="$STATE/password" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
            --no-sync >/dev/null
        rm -f "$STATE/password"
        # A disposable test cluster: durability off for speed, loopback only.
        cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$SOCKETS'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
        printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' \
            "$DB_USER" "$password" "$port" "$DB_NAME" >"$STATE/url"
        chown "$(owner)" "$STATE/url"
    fi
    log "starting"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w -t 60 start >/dev/null
    local port
    port="$(sed -n 's/^port = //p' "$DATA/postgresql.conf" | tail -n 1)"
    if ! as_owner "$BIN/psql" -h "$SOCKETS" -p "$port" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
        as_owner "$BIN/createdb" -h "$SOCKETS" -p "$port" -U "$DB_USER" "$DB_NAME"
    fi
    log "ready on 127.0.0.1:$port"
    cat "$STATE/url"
}

stop() {
    BIN="$(pg_bin || true)"
    if [ -n "$BIN" ] && [ -s "$DATA/PG_VERSION" ]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STATE"
    log "stopped"
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
*)
    log "usage: $0 [start|stop]"
    exit 2
    ;;
esac
