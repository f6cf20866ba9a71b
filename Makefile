# Pathways: the two commands are `make demo` and `make test` (README.md).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PEOPLE ?= 20000
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup demo test lint test-sqlite test-postgres test-browser bench system-packages clean

help:
	@echo "make demo   - set everything up and serve Pathways on http://127.0.0.1:8000/"
	@echo "make test   - set everything up and run lint, types and the whole suite"
	@echo "make bench  - run the benchmarks (minutes; not part of make test)"

setup:
	@command -v uv >/dev/null || $(PYTHON) -m pip install --quiet uv
	uv sync --frozen --python "$(PYTHON)"
	scripts/vendor-static.sh

demo: setup
	$(BIN)/pathways demo --people $(PEOPLE)
	$(BIN)/pathways runserver --insecure --noreload 127.0.0.1:8000

system-packages:
	scripts/ensure-system-packages.sh

lint:
	@echo "== ruff (lint and format) and mypy"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy pathways

test-sqlite:
	@echo "== the suite on SQLite"
	scripts/run-pytest.sh -m "not browser"

test-postgres:
	@echo "== the suite on a throwaway PostgreSQL"
	scripts/with-postgres.sh scripts/run-pytest.sh -m "not browser"

test-browser:
	@echo "== browser tests (Debian's Chromium through Playwright)"
	scripts/run-pytest.sh -m browser

test: setup system-packages lint test-sqlite test-postgres test-browser
	@echo "== all test stages passed"

bench: setup
	@command -v /usr/bin/time >/dev/null || apt-get install -y -qq time
	$(BIN)/python -m bench

clean:
	rm -rf var/test-* test-artifacts staticfiles
