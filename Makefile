# Multi-agency supervision. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install assets run test test-fast check backup-drill fault-drill bench messages clean

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

supervision/static/css/app.css: node_modules/.installed scss/app.scss
	npm run --silent build

install: $(VENV)/.synced node_modules/.installed ## Install Python and Node dependencies (from the lock files)

assets: supervision/static/css/app.css ## Compile the GOV.UK Frontend styles and copy its assets

run: install assets ## Set up an SQLite database with the fictional demo case and serve http://127.0.0.1:8000
	DEMO_MODE=true $(RUN)/python manage.py migrate --noinput
	DEMO_MODE=true $(RUN)/python manage.py collectstatic --noinput -v0
	DEMO_MODE=true $(RUN)/python manage.py load_demo_data
	DEMO_MODE=true $(RUN)/python manage.py load_demo_chronology
	DEMO_MODE=true $(RUN)/python manage.py load_demo_documents
	DEMO_MODE=true $(RUN)/python manage.py load_demo_request
	DEMO_MODE=true $(RUN)/python manage.py load_demo_session
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEMO_MODE=true HOST=$(HOST) PORT=$(PORT) bash scripts/serve

test: install assets ## Run the whole test suite (browser tests included; DATABASE_URL selects the database)
	bash scripts/ensure-chromium
	$(RUN)/pytest

test-fast: install assets ## Run the suite without the browser tests
	$(RUN)/pytest -m "not browser"

check: install ## Lint, format, types, import contracts, migrations and security checks
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .
	$(RUN)/mypy supervision benchmarks
	$(RUN)/lint-imports
	TESTING=true $(RUN)/python manage.py makemigrations --check --dry-run
	TESTING=true $(RUN)/python scripts/check_translations.py
	$(RUN)/bandit --quiet --recursive supervision --exclude '*/tests/*' --severity-level medium

backup-drill: install ## Back up a demo PostgreSQL database, restore it and compare (DATABASE_URL=postgres://...)
	$(RUN)/python scripts/backup_drill.py

fault-drill: install ## Kill PostgreSQL mid-write and stop the mail server: check nothing is lost (root)
	$(RUN)/python scripts/fault_drill.py

bench: install ## Run the performance benchmarks (not part of make test)
	$(RUN)/pytest benchmarks --benchmark-only -p no:randomly

messages: install ## Extract translatable strings into the Welsh catalogue and compile it
	cd supervision && TESTING=true ../$(RUN)/python ../manage.py makemessages -l cy --no-obsolete --add-location file
	TESTING=true $(RUN)/python scripts/check_translations.py --compile

clean: ## Remove installed dependencies, compiled assets and the demo database
	rm -rf $(VENV) $(TOOLS) node_modules staticfiles supervision/static/css supervision/static/js/govuk-frontend.min.js supervision/static/govuk db.sqlite3*
