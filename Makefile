# IPT Clinic: `make run` to try it, `make test` to check it. `make help` lists everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
LOGIN ?= tess
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal
.PHONY: help run test test-clock lint format bench bench-data bench-load bench-explain bench-service backup restore demo demo-code migrate system-packages nhsuk-frontend two-nodes clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# `make run` installs only what the application needs; `make test` adds the development tools.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP)

# The local OpenID provider that the single sign-on tests start (tests/oidc_provider).
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/oidc_provider/package-lock.json | system-packages
	npm ci --prefix tests/oidc_provider --no-audit --no-fund --silent

migrate: $(STAMP) ## Create or update the database (SQLite unless DATABASE_URL is set)
	$(BIN)/python manage.py migrate --verbosity 0

demo: migrate ## Load the invented demo data (safe to run twice)
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_measures
	$(BIN)/python manage.py load_demo_groups
	$(BIN)/python manage.py run_safety_net

run: demo ## Set up everything and serve on http://127.0.0.1:8000 with one background worker
	@echo "Serving IPT Clinic on http://127.0.0.1:8000 with a background worker (Ctrl+C stops both). Sign in with a demo login above, then its code: make demo-code LOGIN=tess."
	scripts/serve

demo-code: ## Print the current sign-in code of a demo login (development only): make demo-code LOGIN=tess
	$(BIN)/python manage.py demo_code $(LOGIN)

system-packages: ## Install the Debian packages for browser tests and letter formats
	scripts/system-packages

nhsuk-frontend: ## Refresh the vendored NHS design system stylesheet of the portal: make nhsuk-frontend [VERSION=10.6.1]
	scripts/refresh-nhsuk-frontend $(VERSION)

lint: $(DEV_STAMP) ## ruff, mypy on the pure core, and the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(DEV_STAMP) ## Format and fix the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(DEV_STAMP) system-packages $(OIDC_PROVIDER) lint ## The whole suite on every core, browser journeys included (IPTCLINIC_TEST_NOW=... to run it at a chosen instant)
	$(PYTEST)

# Instants where clock bugs hide: 01:30 on the night the clocks go back in Europe/London, a minute
# before midnight on a Sunday, and a minute before a demo session starts (10:00 on a weekday).
# The walks (every page, URL or persona checked for words, access or accessibility) are left out:
# what they check does not move with the clock, and make test runs them on both databases.
CLOCK_INSTANTS := 2026-10-25T01:30+01:00 2026-11-29T23:59+00:00 2026-12-01T09:59+00:00

test-clock: $(DEV_STAMP) system-packages $(OIDC_PROVIDER) ## The suite but its walks again at three awkward instants (clock changes, Sunday midnight, just before a session)
	@for instant in $(CLOCK_INSTANTS); do \
	  echo "== the suite at $$instant"; \
	  IPTCLINIC_TEST_NOW=$$instant $(PYTEST) -m "not walk" || exit 1; \
	done

bench: $(STAMP) ## Measure page and rule speed (see bench/README.md)
	$(BIN)/python bench/run.py

two-nodes: $(STAMP) ## Prove a deployment of several nodes: two gunicorn nodes and two workers on a throwaway PostgreSQL database (docs/deploy.md)
	$(BIN)/python scripts/two-nodes

SIZE ?= 1k
bench-data: $(DEV_STAMP) ## Build invented trust-scale data for the load bench: make bench-data SIZE=tiny|1k|10k|100k [BENCH_DATABASE_URL=...]
	DJANGO_DEBUG=0 $(BIN)/python bench/data.py $(SIZE)

bench-load: $(DEV_STAMP) ## Load each page with wrk under gunicorn against the bench data and a floor app; exit 1 on a missed target (bench/README.md)
	@command -v wrk >/dev/null || scripts/system-packages
	$(BIN)/python bench/load.py

bench-explain: $(DEV_STAMP) ## EXPLAIN ANALYZE every query of the load bench's pages on the bench data (PostgreSQL: BENCH_DATABASE_URL=...)
	DJANGO_DEBUG=0 $(BIN)/python bench/explain.py

bench-service: $(DEV_STAMP) ## Time the service dashboard (3 and 12 months) and the dataset export on the bench data; exit 1 over 300 ms (bench/service.py)
	DJANGO_DEBUG=0 $(BIN)/python bench/service.py

backup: $(STAMP) ## Back up the database to a new owner-only file: make backup FILE=path (docs/operations/backup-and-restore.md)
	$(BIN)/python manage.py backup $(FILE)

restore: $(STAMP) ## Restore the database from a backup into an empty database: make restore FILE=path [REPLACE=--replace]
	$(BIN)/python manage.py restore $(REPLACE) $(FILE)

clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) db.sqlite3 staticfiles tests/oidc_provider/node_modules
