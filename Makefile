# The two commands of the README: `make run` and `make test`. Both bootstrap on their own.
# DATABASE_URL unset -> the embedded PostgreSQL (pgserver) under .data/pg.
# REDIS_URL set      -> a Celery worker and beat start beside the web server.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

export DEBUG ?= 1

.PHONY: run test bootstrap venv lint worker provision bench check-faults load audit clean-data \
	catalogs messages e2e-js citus citus-stop test-citus lighthouse

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

# The translations: locale/*/LC_MESSAGES/*.po compiled to .mo with Babel (no GNU gettext needed).
catalogs: $(STAMP)
	@$(PY) -m crm.lib.i18n

# New or changed strings of our code into locale/de/LC_MESSAGES/django.po (needs GNU gettext:
# apt-get install gettext). Then fill in every empty msgstr and drop "fuzzy" marks; the test
# tests/crm/test_translations.py fails on any message that is missing, empty or fuzzy.
messages: $(STAMP)
	@$(PY) manage.py makemessages -l de --no-obsolete --no-location -v 0 \
	  -i '.venv/*' -i '.data/*' -i 'bench/*' -i 'tests/*' -i 'staticfiles/*' -i 'node_modules/*' -i 'docs/*'
	@sed -i '/^"POT-Creation-Date: /d' locale/de/LC_MESSAGES/django.po  # no merge conflict per run

# Migrate every schema, then create the public and demo tenants with sample data (first time only).
bootstrap: catalogs
	@$(PY) manage.py migrate_schemas --executor=standard -v 0
	@$(PY) manage.py bootstrap_demo

run: bootstrap
	@bin/run-dev $(HOST) $(PORT)

# Test-only tools of the browser tests from the npm registry (axe-core, the Nu HTML checker),
# pinned by tests/e2e/js/package-lock.json.
E2E_JS := tests/e2e/js
$(E2E_JS)/node_modules/.package-lock.json: $(E2E_JS)/package-lock.json
	@cd $(E2E_JS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

e2e-js: $(E2E_JS)/node_modules/.package-lock.json

test: bootstrap e2e-js
	@$(PY) manage.py check -v 0
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

worker: $(STAMP)
	@$(VENV)/bin/celery -A crm worker -l info

# The benchmark against the large reference tenant; rewrites bench/RESULTS.md.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || (command -v apt-get >/dev/null && apt-get install -y -qq wrk >/dev/null 2>&1) || true
	@DEBUG=0 $(PY) bench/run.py $(BENCH_ARGS)

# Fault drills against real services: Redis down, the worker killed mid-task, PostgreSQL restarted.
check-faults: bootstrap
	@bin/check-faults

# Load test: 50 concurrent users for 2 minutes over the main pages and actions (locust).
load: bootstrap
	@DEBUG=0 $(PY) bench/load.py $(LOAD_ARGS)

# Known vulnerabilities in the installed packages (pip-audit, needs PyPI) and bandit over our code.
audit: $(STAMP)
	@bin/audit

clean-data:
	rm -rf .data

# A local Citus cluster (coordinator 9700, workers 9701/9702, PgBouncer 9710) under .data/citus;
# see the README's scaling section. make test-citus runs the suite against it (PYTEST_ARGS to pick).
citus:
	@bin/citus start

citus-stop:
	@bin/citus stop

test-citus: catalogs e2e-js
	@bin/citus start >/dev/null
	@bin/citus createdb test_crm_citus
	@DATABASE_URL=$$(bin/citus url crm) TEST_DATABASE_NAME=test_crm_citus CITUS_DATABASE_URL=$$(bin/citus url crm) \
	  $(PY) -m pytest --reuse-db $(PYTEST_ARGS)

# Lighthouse 12 (mobile) over the dashboard, kanban, customer overview and map against a DEBUG=0
# gunicorn; rewrites bench/LIGHTHOUSE.md. Not part of `make test` (slow). Pinned by
# bench/lighthouse/package-lock.json; needs Chromium (CHROME_PATH, default /usr/bin/chromium).
LH_JS := bench/lighthouse
$(LH_JS)/node_modules/.package-lock.json: $(LH_JS)/package-lock.json
	@cd $(LH_JS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

lighthouse: bootstrap $(LH_JS)/node_modules/.package-lock.json
	@DEBUG=0 $(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)
