# The two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi.py
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench setup translations catalogues chromium pango vnu wrk clean

## Set up the virtual environment, the compiled catalogues and the development database.
setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	@$(PY) -m babel.messages.frontend compile -d portal/translations --use-fuzzy >/dev/null

## Serve the portal on http://127.0.0.1:5000 (SQLite, demo data, built-in mailbox) with the outbox worker beside it.
run: export PORTAL_ENV := development
run: setup pango
	$(FLASK) db upgrade
	$(FLASK) signing-key
	$(FLASK) demo
	$(FLASK) digest send
	@echo "Portal: http://127.0.0.1:5000   Mailbox: http://127.0.0.1:5000/dev/mailbox/"
	@trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(FLASK) outbox work --poll 1 & worker=$$!; \
	  $(FLASK) run --host 127.0.0.1 --port 5000 --debug

## Run every test: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set, the browser journeys in Chromium; one
## pytest worker per core (PYTEST_WORKERS=0 runs them in this process, e.g. to debug).
PYTEST_WORKERS ?= auto
test: setup chromium pango vnu
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing and cannot be installed here: the browser tests will be skipped."; fi; }

## WeasyPrint (agreement certificates) draws text with Debian's Pango; installed when missing and we may.
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Pango for the certificate PDFs..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "Pango is missing (apt-get install libpango-1.0-0 libpangoft2-1.0-0): certificate PDFs cannot be made."; fi; }

## The W3C Nu HTML checker (tests/test_html.py), fetched with npm into .cache/vnu when missing; it runs on Java.
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR)

$(VNU_JAR):
	@command -v npm >/dev/null 2>&1 && npm install --no-save --no-audit --no-fund --silent --prefix .cache/vnu \
	  vnu-jar@$(VNU_VERSION) >/dev/null || echo "npm is missing or failed: the HTML validity test will be skipped."
	@command -v java >/dev/null 2>&1 || echo "Java is missing (apt-get install default-jre-headless): the HTML validity test will be skipped."

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing (apt-get install wrk): the web benchmarks cannot run."; exit 1; fi; }

## Benchmarks (never part of `make test`).
bench: setup wrk
	$(PY) bench/outbox.py
	$(PY) bench/approval_queue.py
	$(PY) bench/directory.py
	$(PY) bench/reset_timing.py
	$(PY) bench/agreements.py
	$(PY) bench/events.py
	$(PY) bench/alerts.py
	$(PY) bench/shares.py
	$(PY) bench/dashboard.py
	$(PY) bench/digest.py
	$(PY) bench/personal_data.py

## Refresh the catalogues after changing strings; Thai gaps are listed (and fail the translation test).
catalogues: $(VENV)/.installed
	$(PY) scripts/translations.py $(THAI)

clean:
	rm -rf $(VENV) instance .pytest_cache test-results
