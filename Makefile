# Two commands: `make run` and `make test`. Everything they need is installed from this folder's files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PIP_VERSION := 26.3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck format setup setup-dev migrate seed messages test-tools clean bench-dashboard bench bench-api fuzz

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check pip==$(PIP_VERSION)

$(VENV)/.run-installed: $(VENV)/bin/python requirements.txt build-constraints.txt
	$(PIP) install -q --disable-pip-version-check --build-constraint build-constraints.txt -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PIP) install -q --disable-pip-version-check --build-constraint build-constraints.txt -r requirements-dev.txt
	touch $@

setup: $(VENV)/.run-installed
setup-dev: $(VENV)/.dev-installed

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver $(HOST):$(PORT)

# Installs Debian's chromium and gettext for the tests when they are missing and apt can be used.
test-tools:
	@bash scripts/ensure-test-tools.sh

test: setup-dev test-tools
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# Schemathesis against /api/schema/ with many more examples per operation than `make test` runs (tests/test_fuzz.py).
FUZZ_EXAMPLES ?= 200
fuzz: setup-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:cacheprovider tests/test_fuzz.py $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -ll -q
	$(MAKE) --no-print-directory typecheck

# mypy with the Django and DRF plugins; strict on the rules, services and selectors (pyproject.toml [tool.mypy]).
typecheck: setup-dev
	$(VENV)/bin/mypy

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-extracts the strings to translate and compiles the catalogues (needs GNU gettext).
messages: setup-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

# The dashboard and GET /api/v1/stats/ with 10 and 500 members × 90 days of reports (a throwaway SQLite file, or
# DATABASE_URL naming a new PostgreSQL database whose name contains "bench").
bench-dashboard: setup
	$(PY) bench/dashboard_bench.py

# A mixed load on the production stack (gunicorn with 2 workers on PostgreSQL, a Celery worker and beat on Redis) at 1,
# 4 and 16 concurrent users, on loopback; starts PostgreSQL and Redis like .ci/run when they are down, fills its own
# database alliance_bench_load (dropped and made anew each run) and stops what it started. docs/performance.md.
bench: setup-dev
	$(PY) bench/load/run.py $(BENCH_ARGS)

# Each API list (and the secretariat's queue page) against a bare `.values()` JSON view of the same rows, on gunicorn
# (2 sync workers, production settings) and PostgreSQL (its own database ap_bench, ~10,000 rows per list), with wrk
# (or Python threads without it), interleaved 3 times; prints rps, the ratio and the queries a page.
# docs/performance.md.
bench-api: setup-dev
	bash scripts/ensure-bench-tools.sh
	$(PY) bench/api_floor.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-output
