# Twinning: `make run` serves the site with the seed data; `make test` runs what CI runs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# `make run PORT=8080` when 8000 is taken.
PORT ?= 8000
# Local development runs with DEBUG on; tests run with production settings and a throwaway key.
DEV_ENV := DEBUG=true
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false SECURE_SSL_REDIRECT=false

.PHONY: install run seed superuser test screenshots api-contract lint browser lock messages loadtest overload bench backup restore clean

$(INSTALLED): requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(INSTALLED)

install: $(INSTALLED)

seed: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py loaddata fixtures/seed.json
	$(DEV_ENV) $(BIN)/python manage.py import_cities
	$(DEV_ENV) $(BIN)/python manage.py load_open_data
	$(DEV_ENV) $(BIN)/python manage.py rebuild_facets

run: seed
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

superuser: install
	$(DEV_ENV) $(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

# Chromium for the browser tests (tests/browser); installed when missing and possible.
browser:
	.ci/ensure-chromium

# Every page type in en, it, fa and vi at 1366 and 390 px as PNGs in screenshots/, for a
# reviewer to look at (tests/browser/test_screenshots.py; the test also checks they fit).
screenshots: install browser
	rm -rf screenshots
	SCREENSHOT_DIR=screenshots DJANGO_ALLOW_ASYNC_UNSAFE=true $(TEST_ENV) $(BIN)/pytest tests/browser/test_screenshots.py -q
	@echo "screenshots/: $$(ls screenshots | wc -l) pages"

test: lint browser
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	# The browser tests each in a session of their own: their live site empties its tables
	# between tests, the serialized tests without post_migrate, and in one session a test could
	# start without the content types the seed needs (cause not yet found).
	$(TEST_ENV) $(BIN)/pytest --ignore=tests/browser
	set -e; for module in tests/browser/test_*.py; do $(TEST_ENV) $(BIN)/pytest -q $$module; done

# schemathesis against a served instance on a throwaway database: the API does what its schema says.
api-contract: install
	.ci/api-contract

# Regenerate the locked dependency files from pyproject.toml (needs pip-tools).
lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

# Every record and document to backups/twinning-<date>.tar.gz; `make restore BACKUP=...` loads one.
BACKUP ?= backups/twinning-$(shell date +%Y%m%d-%H%M%S).tar.gz
backup: install
	$(DEV_ENV) $(BIN)/python manage.py backup $(BACKUP)

restore: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py restore $(BACKUP)

# 200,000 partnerships on PostgreSQL, measured from outside; the table in the README.
bench: install
	perf/bench.sh

# 32 connections for a minute against gunicorn on PostgreSQL with generated records.
loadtest: install
	perf/loadtest.sh

# Six clients busting the cache of the heaviest pages for 20 s against gunicorn on PostgreSQL
# with the German twin-town list, /robots.txt timed meanwhile (target: p99 under 100 ms).
overload: install
	perf/overload.sh

# Extract new interface strings into locale/*/django.po and compile them (needs GNU gettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l it -l fa -l vi --no-location --ignore='.venv/*' --ignore='staticfiles/*'
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
