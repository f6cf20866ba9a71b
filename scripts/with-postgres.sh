#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster, run the given command against it, remove it.
# RECIPES.md: the server refuses to run as root, so it runs as the postgres user.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
PGROOT=$(mktemp -d /tmp/pathways-pg-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres: "$PGROOT"
chmod 700 "$PGROOT"
cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap cleanup EXIT
as_postgres "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres pathways
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/pathways"
echo "throwaway PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
set +e
"$@"
status=$?
set -e
exit "$status"
