# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app.py

.PHONY: install run test test-sqlite test-postgres lint bench check translations extract-messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d training/translations

## run: set everything up (venv, database, content, demo accounts) and serve on http://127.0.0.1:5000
run: install
	$(BIN)/flask setup
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: lint, then the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: install lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: install
	env -u TEST_DATABASE_URL $(BIN)/pytest -n $(WORKERS) -q

test-postgres: install
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(BIN)/pytest -n $(WORKERS) -q; \
	else echo "TEST_DATABASE_URL is not set: skipping the PostgreSQL run"; fi

## check: validate the curriculum files (every problem, with file and field)
check: install
	$(BIN)/flask content check

## bench: page timings and query counts at growing data sizes (not part of the suite)
bench: install
	$(BIN)/python -m tests.bench.run

## extract-messages: refresh the translation catalogs after changing interface strings
extract-messages: $(STAMP)
	$(BIN)/flask translate extract

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
