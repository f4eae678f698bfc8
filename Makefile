# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 5000
SERVE_PORT ?= 8000
export FLASK_APP := app.py

.PHONY: install run serve test test-sqlite test-postgres lint bench check translations extract-messages clean
.PHONY: worker

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations $(NODE_STAMP)

# axe-core for the accessibility tests (tests/e2e), pinned in package-lock.json; `npm ci` runs
# again only when node_modules is missing or the lock file changed. Without npm the axe tests
# are skipped (in CI they fail).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility tests (axe-core) will be skipped"; fi

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d training/translations

## run: set everything up (venv, database, content, demo accounts) and serve on http://127.0.0.1:5000
## Sessions are signed with a random key made on the first run and kept in instance/secret_key
## (unless SECRET_KEY is set); links in emails start with PUBLIC_URL (default http://127.0.0.1:$(PORT)).
## Without MAIL_SERVER emails are written to the console: registration's confirmation link is there.
run: install
	PORT=$(PORT) $(BIN)/flask setup
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@[ -n "$$MAIL_SERVER" ] || echo "No MAIL_SERVER: emails are written to this console. To finish a registration, open the /auth/confirm/ link printed below."
	PORT=$(PORT) $(BIN)/flask run --host $(HOST) --port $(PORT)

## serve: the production configuration (ACADEMY_ENV=production): migrate, seed cities, sync the
## content (no demo accounts), then gunicorn with gunicorn.conf.py on $(HOST):$(SERVE_PORT).
## Needs SECRET_KEY and PUBLIC_URL; set DATABASE_URL (PostgreSQL) and REDIS_URL for a real deployment (README).
serve: install
	@if [ -z "$$SECRET_KEY" ]; then \
		echo "make serve needs SECRET_KEY, e.g. export SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_hex(32))')" >&2; \
		exit 1; fi
	@if [ -z "$$PUBLIC_URL" ]; then \
		echo "make serve needs PUBLIC_URL, the address users reach the site at, e.g. export PUBLIC_URL=https://academy.example.org" >&2; \
		exit 1; fi
	ACADEMY_ENV=production $(BIN)/flask setup --no-demo
	ACADEMY_ENV=production GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(SERVE_PORT)}" \
		exec $(BIN)/gunicorn -c gunicorn.conf.py app:app

## worker: a worker of the job queue (emails), for REDIS_URL; README "Emails and the job queue"
worker: install
	$(BIN)/flask notifications worker

## test: lint, then the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: install lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r training app.py gunicorn.conf.py --severity-level medium

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

## bench: page timings and query counts at growing data sizes, then requests per second under
## gunicorn against a bare endpoint and worker memory, the cohort page at 100 and 2,000 trainees,
## and the bytes on the wire of every page each role reaches, measured in Chromium (not part of
## the suite; with TEST_DATABASE_URL set the gunicorn figures are measured on PostgreSQL)
## The trainee pages against a bare "Hello, World!" (wrk) and the workshop burst (Locust, 300
## delegates) run on SQLite and on PostgreSQL ($(BENCH_PG)); their output goes to
## test-artifacts/bench.txt and the README's speed table is regenerated from it.
BENCH_PG ?= $(or $(TEST_DATABASE_URL),postgresql://postgres@127.0.0.1:5432/test)
bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	@mkdir -p test-artifacts
	$(BIN)/python -m tests.bench.profile_pages | tee test-artifacts/bench.txt
	env -u TEST_DATABASE_URL $(BIN)/python -m tests.bench.cpu_pages | tee -a test-artifacts/bench.txt
	env -u TEST_DATABASE_URL $(BIN)/python -m tests.bench.ratios | tee -a test-artifacts/bench.txt
	TEST_DATABASE_URL=$(BENCH_PG) $(BIN)/python -m tests.bench.ratios | tee -a test-artifacts/bench.txt
	env -u TEST_DATABASE_URL $(BIN)/python -m tests.bench.burst | tee -a test-artifacts/bench.txt
	TEST_DATABASE_URL=$(BENCH_PG) $(BIN)/python -m tests.bench.burst | tee -a test-artifacts/bench.txt
	$(BIN)/python -m tests.bench.readme_table test-artifacts/bench.txt
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.production
	$(BIN)/python -m tests.bench.cohort
	$(BIN)/python -m tests.bench.enrolment
	$(BIN)/python -m tests.bench.programme
	$(BIN)/python -m tests.bench.notifications
	$(BIN)/python -m tests.bench.search
	$(BIN)/pytest -q -n $(WORKERS) -p no:cacheprovider tests/e2e/test_page_weight.py
	@echo; echo "Bytes on the wire, first visit, with everything each page loads (test-artifacts/page-weight.txt):"
	@cat test-artifacts/page-weight.txt

## extract-messages: refresh the translation catalogs after changing interface strings
extract-messages: $(STAMP)
	$(BIN)/flask translate extract

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
