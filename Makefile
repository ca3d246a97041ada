# casewatch — `make demo` and `make test` work on a fresh machine with Python, pip, node/npm and apt.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CW := $(BIN)/casewatch
PG_URL ?= postgres://postgres@127.0.0.1:5432/casewatch_ci
DEMO_CASES ?= 62000
export CASEWATCH_LAWS_DIR ?= $(abspath ../shared/data/laws)
export CASEWATCH_DIVISIONS_DIR ?= $(abspath ../shared/data/divisions)

.PHONY: install demo serve test lint test-sqlite test-postgres test-browser messages clean

install: ## system packages, Python packages from uv.lock, front-end assets from package-lock.json
	bash scripts/install-system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	npm ci --no-audit --no-fund --silent
	CASEWATCH_DEBUG=1 $(CW) compilemessages --ignore=.venv --ignore=node_modules -v 0

demo: install ## load the demo city and serve it on 127.0.0.1:8000
	bash scripts/demo.sh $(DEMO_CASES)

serve: ## the production server (gunicorn; set SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS — see docs/deploy.md)
	$(CW) migrate --check >/dev/null || { echo "unapplied migrations: run $(CW) migrate first"; exit 1; }
	$(CW) serve --bind $(or $(CASEWATCH_BIND),127.0.0.1:8000)

lint:
	$(BIN)/ruff check casewatch
	$(BIN)/ruff format --check casewatch

test: install lint test-sqlite test-postgres ## the whole suite, on SQLite and on PostgreSQL

test-sqlite:
	CASEWATCH_DEBUG=1 $(CW) check --fail-level WARNING
	CASEWATCH_DEBUG=1 $(CW) makemigrations --check --dry-run
	CASEWATCH_VAR_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest -m "not browser" -q -p no:cacheprovider

test-postgres:
	DATABASE_URL=$(PG_URL) CASEWATCH_VAR_DIR=$(CURDIR)/var/test-pg $(BIN)/pytest -q -p no:cacheprovider \
		-m "not spark" --ignore=casewatch/analytics --ignore=casewatch/demo --create-db

messages: ## refresh the translation catalogue after changing strings
	CASEWATCH_DEBUG=1 $(CW) makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete

clean:
	rm -rf var/test-sqlite var/test-pg
