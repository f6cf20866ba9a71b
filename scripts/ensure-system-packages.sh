#!/usr/bin/env bash
# Install with apt-get what the tests need and the machine lacks: PostgreSQL server
# binaries, Debian's Chromium, poppler-utils (pdftoppm). `--bench` adds GNU time, which
# the benchmarks use to measure peak memory. `--spark` asks for Java only (Spark runs on
# it: `make test-spark`).
#
# Nothing missing: does nothing, quickly (no apt-get update). Something missing and not
# root: prints what, and fails under CI=true (nothing may be skipped there) but not
# elsewhere, where the tests that need it skip and say why.
set -euo pipefail

bench=false
spark=false
[ "${1:-}" = "--bench" ] && bench=true
[ "${1:-}" = "--spark" ] && spark=true

# Prints the Debian packages whose programs are not on this machine.
find_missing() {
  if $spark; then
    command -v java >/dev/null || echo default-jre-headless
    return
  fi
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || echo postgresql
  [ -x /usr/bin/chromium ] || echo chromium
  command -v pdftoppm >/dev/null || echo poppler-utils
  if $bench; then [ -x /usr/bin/time ] || echo time; fi
}

mapfile -t missing < <(find_missing)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "system packages MISSING: ${missing[*]}" >&2
  echo "  install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "  CI=true: a missing component is a failure" >&2
    exit 1
  fi
  exit 0
fi

echo "system packages: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (an unattended upgrade, a second session) may hold the lock: wait.
apt_options=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
apt-get "${apt_options[@]}" update -qq
apt-get "${apt_options[@]}" install -y -qq "${missing[@]}" >/dev/null

# The package's postinst creates and starts Debian's own `main` cluster; the tests never
# use it (scripts/with-postgres.sh starts its own), so it is stopped again if it runs.
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
  for conf in /etc/postgresql/*/main; do
    [ -d "$conf" ] || continue
    version=$(basename "$(dirname "$conf")")
    pg_ctlcluster "$version" main stop >/dev/null 2>&1 || true
  done
fi

mapfile -t still < <(find_missing)
if [ ${#still[@]} -ne 0 ]; then
  echo "system packages: apt-get finished but these are still missing: ${still[*]}" >&2
  exit 1
fi
echo "system packages: installed ${missing[*]}"
