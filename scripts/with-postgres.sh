#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
#
# Start a throwaway PostgreSQL cluster, run COMMAND with DATABASE_URL pointing at it,
# then stop the cluster and delete it, whatever happens; exit with COMMAND's status.
#
# The cluster lives in a new temporary directory, listens on 127.0.0.1 on a free port,
# trusts local connections, and trades durability for speed (fsync off): its data is
# thrown away. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
# user (RECIPES.md). Debian's own `main` cluster is neither needed nor touched.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

require_all=false
if [ "${CI:-}" = "true" ] || [ -n "${PATHWAYS_REQUIRE_ALL:-}" ]; then
  require_all=true
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries are missing (apt-get install postgresql)" >&2
  if $require_all; then
    exit 1
  fi
  echo "SKIPPED: $* (no PostgreSQL to run it against)" >&2
  exit 0
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "running as root, but there is no postgres user to run the server as" >&2
  exit 1
fi

PGROOT=$(mktemp -d "${TMPDIR:-/tmp}/pathways-pg-XXXXXX")
cleanup() {
  if [ -f "$PGROOT/data/postmaster.pid" ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGROOT"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] && chown postgres: "$PGROOT"
chmod 700 "$PGROOT"

# A port nobody listens on now. Another process could take it before the server starts,
# so a failed start is retried on another port.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$PGROOT/initdb.log" 2>&1 || {
  cat "$PGROOT/initdb.log" >&2
  exit 1
}

started=false
for _ in 1 2 3; do
  PORT=$(free_port)
  if as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGROOT -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    started=true
    break
  fi
done
if ! $started; then
  echo "the throwaway PostgreSQL did not start; its log:" >&2
  cat "$PGROOT/server.log" >&2 || true
  exit 1
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres pathways
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/pathways"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
echo "throwaway PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT ($PGROOT)"

set +e
"$@"
status=$?
set -e
exit "$status"
