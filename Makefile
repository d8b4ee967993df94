# Carnival: the two commands a newcomer needs are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: install demo test lint test-services

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	cd web && npm ci --no-audit --no-fund --loglevel=error

demo: install
	$(BIN)/carnival demo --port $(PORT)

# Debian's Chromium (browser tests) and PgBouncer (the production pooler, raced through in one test)
test-services:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "Chromium missing: browser tests will be skipped (apt-get install -y chromium)"; }
	@[ -x /usr/sbin/pgbouncer ] || { command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer) || echo "PgBouncer missing: its test will be skipped (apt-get install -y pgbouncer)"; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install test-services lint
	$(BIN)/pytest
