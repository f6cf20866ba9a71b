# Pathways: the two commands are `make demo` and `make test` (README.md).
# docs/developers.md says what each test stage does and how to run one alone.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

PYTHON ?= python3
BIN := .venv/bin
PEOPLE ?= 20000
# `make test-spark` installs the `spark` extra (pyspark) here, never into .venv: `make demo`
# and `make test` stay free of it.
SPARK_VENV := .venv-spark
export UV_PYTHON_DOWNLOADS := never

# Under CI nothing is skipped: tests/conftest.py reads this and turns a missing
# component (Chromium, a PostgreSQL server) into a failure instead of a skip.
ifeq ($(CI),true)
export PATHWAYS_REQUIRE_ALL := 1
endif

# `make test` runs `setup` once, then each stage with SETUP_DONE=1 so it is not run again.
ifneq ($(SETUP_DONE),1)
NEEDS_SETUP := setup
endif

TEST_STAGES := lint test-sqlite test-postgres test-browser

.PHONY: help setup system-packages demo test $(TEST_STAGES) test-spark bench clean

help:
	@echo "make demo          set everything up, load a synthetic partnership of PEOPLE=$(PEOPLE)"
	@echo "                   people and serve Pathways on http://127.0.0.1:8000/"
	@echo "make test          set everything up, then lint and run the whole suite"
	@echo "make lint          ruff (lint and format), mypy and the app layers (import-linter)"
	@echo "make test-sqlite   the suite on a temporary SQLite database"
	@echo "make test-postgres the suite on a throwaway PostgreSQL"
	@echo "make test-browser  the browser tests (Debian's Chromium)"
	@echo "make test-spark    the linkage model on Splink's Spark backend, in Spark local"
	@echo "                   mode (pyspark in $(SPARK_VENV); not part of make test)"
	@echo "make bench         the benchmarks (minutes; not part of make test)"

# Python packages from uv.lock into .venv, front-end packages from package-lock.json into
# pathways/static/vendor/. Quick when nothing changed.
setup:
	@echo "== setup: Python packages (uv) and front-end packages (npm)"
	@# uv is given the interpreter itself, not its pyenv shim: uv compares that path with
	@# the one .venv was made from, and would otherwise rebuild .venv on every run.
	@python=$$($(PYTHON) -c 'import sys; print(sys.executable)'); \
	if command -v uv >/dev/null; then uv=(uv); else \
	  $$python -m uv --version >/dev/null 2>&1 || $$python -m pip install --quiet uv \
	    || $$python -m pip install --quiet --user --break-system-packages uv; \
	  uv=($$python -m uv); \
	fi; \
	"$${uv[@]}" sync --frozen --python "$$python"
	@scripts/vendor-static.sh

system-packages:
	@echo "== system packages: PostgreSQL, Chromium, poppler-utils (apt-get where missing)"
	@scripts/ensure-system-packages.sh

demo: setup
	$(BIN)/pathways demo --people $(PEOPLE)
	@# gunicorn, as in production (docs/deployment.md), with the background worker (alerts
	@# after imports) beside it; Ctrl-C stops both. Two processes are plenty for a demo.
	$(BIN)/pathways serve --bind 127.0.0.1:8000 --workers 2

# Every stage runs even when an earlier one failed, so one CI run shows every failure;
# the summary names the stages that failed and `make test` then fails.
test: setup system-packages
	@failed=(); summary=(); \
	for stage in $(TEST_STAGES); do \
	  start=$$SECONDS; \
	  if $(MAKE) --no-print-directory SETUP_DONE=1 $$stage; then result=passed; \
	  else result=FAILED; failed+=($$stage); fi; \
	  summary+=("$$(printf '  %-14s %-6s %4d s' $$stage $$result $$((SECONDS - start)))"); \
	done; \
	echo; echo "== make test: summary"; printf '%s\n' "$${summary[@]}"; \
	if [ $${#failed[@]} -ne 0 ]; then echo "make test FAILED: $${failed[*]}"; exit 1; fi; \
	echo "make test: every stage passed"

lint: $(NEEDS_SETUP)
	@echo "== lint: ruff check, ruff format --check, mypy pathways, lint-imports (the app layers)"
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy pathways || status=1; \
	$(BIN)/lint-imports --no-cache || status=1; \
	exit $$status

test-sqlite: $(NEEDS_SETUP)
	@echo "== test-sqlite: the suite (without browser tests) on a temporary SQLite database"
	@scripts/run-pytest.sh -m "not browser and not spark"

test-postgres: $(NEEDS_SETUP)
	@echo "== test-postgres: the suite (without browser tests) on a throwaway PostgreSQL"
	@scripts/with-postgres.sh scripts/run-pytest.sh -m "not browser and not spark"

test-browser: $(NEEDS_SETUP)
	@echo "== test-browser: browser tests in Debian's Chromium (screenshots in test-artifacts/)"
	@scripts/run-pytest.sh -m browser --screenshot=only-on-failure \
	  --output=test-artifacts/playwright

# The `spark` extra from uv.lock into $(SPARK_VENV) (its own venv, so pyspark never reaches
# .venv), Java where missing, then tests/spark with a missing pyspark or Java a failure.
test-spark:
	@echo "== test-spark: Python packages with the spark extra (uv) into $(SPARK_VENV)"
	@python=$$($(PYTHON) -c 'import sys; print(sys.executable)'); \
	if command -v uv >/dev/null; then uv=(uv); else \
	  $$python -m uv --version >/dev/null 2>&1 || $$python -m pip install --quiet uv \
	    || $$python -m pip install --quiet --user --break-system-packages uv; \
	  uv=($$python -m uv); \
	fi; \
	UV_PROJECT_ENVIRONMENT=$(SPARK_VENV) "$${uv[@]}" sync --frozen --extra spark --python "$$python"
	@scripts/ensure-system-packages.sh --spark
	@echo "== test-spark: the linkage model on Splink's Spark backend (Spark local mode)"
	@start=$$SECONDS; \
	PATHWAYS_VENV=$(SPARK_VENV) PATHWAYS_REQUIRE_SPARK=1 scripts/run-pytest.sh -m spark tests/spark; \
	echo "make test-spark: passed in $$((SECONDS - start)) s"

bench: setup
	@echo "== system packages for the benchmarks"
	@scripts/ensure-system-packages.sh --bench
	@echo "== bench"
	$(BIN)/python -m bench

# Test artefacts only: the demo database in var/ and the installed packages stay.
clean:
	rm -rf test-artifacts .pytest_cache
