# ICIS: `make run` serves the Hanoi demo, `make test` runs every check. Both install what they need.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/icis
# Test processes (pytest-xdist); a file's tests stay together in one process. PYTEST_WORKERS=0 runs in one.
# Tests that empty the database (transactional, live server) run afterwards, alone (icis/conftest.py).
PYTEST_WORKERS ?= 2
PYTEST = $(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not flushes" && $(RUN) pytest -m flushes
RUN := $(UV) run --frozen --no-sync

.PHONY: run test install lint test-sqlite test-postgres bench bench-registry bench-portal messages clean

.tools/bin/uv:
	python3 scripts/bootstrap_uv.py

.venv/.synced: uv.lock pyproject.toml | $(filter .tools/bin/uv,$(UV))
	$(UV) sync --frozen
	touch $@

install: .venv/.synced

# The web server and, beside it, one background-job worker (imports, long reports; docs/jobs.md); the
# worker stops when the server stops (Ctrl+C or kill). It runs with DEBUG off, as users see the site
# (Vietnamese error pages, no debug pages; static files from WhiteNoise), on a development-only key;
# `DEBUG=1 make run` for Django's debug pages.
DEV_KEY := make-run-development-only-key-not-for-production-0123456789
run: install
	@export DEBUG=$${DEBUG:-0} SECRET_KEY=$${SECRET_KEY:-$(DEV_KEY)}; \
	$(RUN) python manage.py migrate --noinput && \
	$(RUN) python manage.py createcachetable && \
	$(RUN) python manage.py load_demo && \
	{ $(RUN) python manage.py jobs_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN) python manage.py runserver 127.0.0.1:$(PORT); }

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

test-sqlite: install
	DATABASE_URL=sqlite:///:memory: $(PYTEST)

test-postgres: install
	@if $(RUN) python scripts/db_reachable.py "$(PG_TEST_URL)"; then \
		echo "== PostgreSQL: $(PG_TEST_URL) =="; \
		DATABASE_URL="$(PG_TEST_URL)" $(PYTEST); \
	elif [ -n "$$ICIS_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is required (ICIS_REQUIRE_POSTGRES) but not reachable"; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): skipped =="; \
	fi

test: lint test-sqlite test-postgres

# The national benchmark (docs/benchmark.md): PostgreSQL at DATABASE_URL (default icis_bench on 127.0.0.1,
# created when missing), the 1x national synthetic data set
# (generated once, kept), every main page and endpoint through gunicorn, one table appended to
# bench/RESULTS.md. BENCH_10X=1 also fills icis_bench_10x (BENCH_10X_URL) at 10x and measures it beside.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/icis_bench
BENCH_10X_URL ?= postgres://postgres@127.0.0.1:5432/icis_bench_10x
BENCH_SETTINGS := --settings=config.settings.bench
bench: install
	@export DATABASE_URL=$${DATABASE_URL:-$(BENCH_URL)}; set -e; \
	$(RUN) python scripts/ensure_database.py "$$DATABASE_URL"; \
	$(RUN) python manage.py migrate --noinput -v0 $(BENCH_SETTINGS); \
	$(RUN) python manage.py createcachetable $(BENCH_SETTINGS); \
	$(RUN) python manage.py generate_national_dataset --if-missing --replace $(BENCH_SETTINGS); \
	ten=""; \
	if [ -n "$(BENCH_10X)" ]; then \
		$(RUN) python scripts/ensure_database.py "$(BENCH_10X_URL)"; \
		DATABASE_URL="$(BENCH_10X_URL)" $(RUN) python manage.py migrate --noinput -v0 $(BENCH_SETTINGS); \
		DATABASE_URL="$(BENCH_10X_URL)" $(RUN) python manage.py createcachetable $(BENCH_SETTINGS); \
		DATABASE_URL="$(BENCH_10X_URL)" $(RUN) python manage.py generate_national_dataset --scale 10 --if-missing --replace $(BENCH_SETTINGS); \
		ten="--ten-x-url $(BENCH_10X_URL)"; \
	fi; \
	$(RUN) python manage.py bench_national $$ten --output bench/RESULTS.md $(BENCH_SETTINGS)

# The earlier in-process registry benchmark (bench/RESULTS.md, first tables), on var/bench.sqlite3 or DATABASE_URL.
bench-registry: install
	$(RUN) python manage.py migrate --noinput --settings=config.settings.bench
	$(RUN) python manage.py createcachetable --settings=config.settings.bench
	$(RUN) python manage.py generate_synthetic_registry --replace --settings=config.settings.bench
	$(RUN) python manage.py bench_registry --output bench/RESULTS.md --settings=config.settings.bench

# The public investment portal at national scale (docs/portal.md), on the national dataset `make bench` fills
# (DATABASE_URL, default BENCH_URL): publishes the synthetic clusters, times the public list and map data.
bench-portal: install
	@export DATABASE_URL=$${DATABASE_URL:-$(BENCH_URL)}; set -e; \
	$(RUN) python manage.py migrate --noinput -v0 $(BENCH_SETTINGS); \
	$(RUN) python manage.py generate_national_dataset --if-missing --replace $(BENCH_SETTINGS); \
	$(RUN) python manage.py bench_portal --publish --output bench/RESULTS.md $(BENCH_SETTINGS)

# Extract strings into locale/{vi,en}/LC_MESSAGES/django.po (needs GNU gettext), then compile the .mo with polib.
messages: install
	@command -v xgettext >/dev/null || { echo "makemessages needs GNU gettext: apt-get install gettext"; exit 1; }
	DEBUG=1 $(RUN) python manage.py makemessages -l vi -l en --no-obsolete -i ".venv/*" -i ".tools/*" -i "var/*"
	$(RUN) python scripts/compile_messages.py

clean:
	rm -rf .venv .tools var/*.sqlite3* var/static
