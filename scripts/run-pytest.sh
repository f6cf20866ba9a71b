#!/usr/bin/env bash
# Usage: scripts/run-pytest.sh [PYTEST ARGS...]
#
# Run pytest with the test settings, a private working folder and, unless DATABASE_URL
# is already set (scripts/with-postgres.sh sets it), a temporary SQLite database.
#
# A run that collects no test is a failure, not a pass: a stage that silently tests
# nothing (pytest's exit status 5) must not look green. A run that hangs is stopped after
# PATHWAYS_TEST_TIMEOUT seconds (default 1500) so CI's own time limit is never the one hit.
# PATHWAYS_VENV names another virtual environment to run in (default .venv; `make
# test-spark` runs in .venv-spark, which has the `spark` extra).
set -uo pipefail
cd "$(dirname "$0")/.."

export PATHWAYS_ENV=test
if [ "${CI:-}" = "true" ]; then
  export PATHWAYS_REQUIRE_ALL=1
fi

made_var_dir=""
if [ -z "${PATHWAYS_VAR_DIR:-}" ]; then
  made_var_dir=$(mktemp -d "${TMPDIR:-/tmp}/pathways-test-XXXXXX")
  export PATHWAYS_VAR_DIR="$made_var_dir"
  trap 'rm -rf "$made_var_dir"' EXIT
fi
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite:///$PATHWAYS_VAR_DIR/test.sqlite3"
fi

limit=${PATHWAYS_TEST_TIMEOUT:-1500}
# At a terminal, pytest stays in the foreground: Ctrl-C reaches it, and a debugger works.
foreground=()
[ -t 0 ] && foreground=(--foreground)
timeout "${foreground[@]}" --kill-after=30 "$limit" "${PATHWAYS_VENV:-.venv}/bin/pytest" "$@"
status=$?
case "$status" in
  5)
    echo "FAILED: pytest collected no tests for: ${*:-the whole suite}" >&2
    exit 1
    ;;
  124)
    echo "FAILED: pytest was stopped after $limit s: ${*:-the whole suite}" >&2
    exit 1
    ;;
  137)
    echo "FAILED: pytest was killed (after $limit s, or out of memory): ${*:-the whole suite}" >&2
    exit 1
    ;;
esac
exit "$status"
