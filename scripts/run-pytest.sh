#!/usr/bin/env bash
# Run pytest with test settings; a run that collects no test is a failure, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATHWAYS_ENV=test
export PATHWAYS_VAR_DIR="${PATHWAYS_VAR_DIR:-$(mktemp -d /tmp/pathways-test-XXXXXX)}"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite:///$PATHWAYS_VAR_DIR/test.sqlite3"
fi
.venv/bin/pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests for: $*" >&2
  exit 1
fi
exit "$status"
