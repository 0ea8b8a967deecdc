# Redeeming Hope: `make run` serves the site with demo content, `make test` runs
# the linter and the whole test suite. Both create and use .venv.

VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000

# The first interpreter that is Python 3.12 or newer: pyenv's (as .python-version
# names it), then python3.13, python3.12, python3 on PATH.
PYTHON := $(shell for c in "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
	[ -n "$$c" ] && command -v "$$c" >/dev/null 2>&1 && \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && \
	{ command -v "$$c"; break; }; done)

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format bench clean

help:
	@echo "make run    set up .venv, migrate, load demo content, serve http://$(HOST_PORT)"
	@echo "make serve  the production settings on this machine: gunicorn and the task worker"
	@echo "make test   lint and run the whole test suite"
	@echo "make lint   ruff, mypy, import contracts, template format check"
	@echo "make format apply ruff's fixes and formatting and djhtml to templates/"
	@echo "make bench  requests/s, latency, queries and bytes per public page (PostgreSQL, Redis, wrk)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found: install Python 3.13 (e.g. 'pyenv install 3.13') and run make again." >&2; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	@mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo --site http://$(HOST_PORT)
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST_PORT)

# The production settings on this machine, to try them (not a deployment): DEBUG
# off, plain HTTP on $(HOST_PORT), a throwaway SECRET_KEY kept in var/, SQLite
# unless DATABASE_URL is set, media served by the app (SERVE_MEDIA), the local test
# payment page unless STRIPE_SECRET_KEY is set. Static files collected, database
# migrated, the demo loaded into an empty database; then gunicorn and the task
# worker run together, and Ctrl-C stops both. Set any of these to override them.
serve: $(VENV)/.runtime
	@mkdir -p var
	@test -s var/serve-secret-key || $(BIN)/python -c \
		"import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
	@set -e; \
	export DEBUG=0 HTTPS=0 SERVE_MEDIA=$${SERVE_MEDIA:-1} \
		SECRET_KEY="$${SECRET_KEY:-$$(cat var/serve-secret-key)}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		PAYMENTS_LOCAL_GATEWAY="$${PAYMENTS_LOCAL_GATEWAY:-$$([ -n "$$STRIPE_SECRET_KEY" ] && echo 0 || echo 1)}" \
		SITE_URL="$${SITE_URL:-http://$(HOST_PORT)}" \
		GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST_PORT)}"; \
	$(BIN)/python manage.py collectstatic --noinput -v0; \
	$(BIN)/python manage.py migrate --noinput; \
	if $(BIN)/python manage.py shell --no-imports -c \
		"from pages.models import Page; raise SystemExit(Page.objects.filter(slug='home').exists())"; \
		then $(BIN)/python manage.py seed_demo; fi; \
	$(BIN)/python manage.py tasks_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Serving http://$$GUNICORN_BIND with the production settings; Ctrl-C stops."; \
	$(BIN)/gunicorn -c gunicorn.conf.py redeeming_hope.wsgi

# The settings need no secrets with DEBUG=1; mypy's Django plugin loads them.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache
	DEBUG=1 $(BIN)/mypy
	$(BIN)/djhtml --check templates

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark loads the site with wrk: installed here when missing, as root on
# Debian (as .ci/run installs chromium). BENCH_ARGS=--quick for a short run.
bench: $(VENV)/.runtime
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's wrk for the benchmark"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "The benchmark needs wrk: 'sudo apt-get install wrk' (macOS: 'brew install wrk')." >&2; \
			exit 1; \
		fi; \
	fi
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
