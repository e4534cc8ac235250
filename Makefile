# Improvement-plan tracker. Prerequisites: Python 3.11+, Node/npm and make.
# `make run` sets everything up and serves the app; `make test` sets up and runs the tests.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BOOTSTRAP := .cache/uv-bootstrap
UV := $(or $(shell command -v uv 2>/dev/null),$(BOOTSTRAP)/bin/uv)
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and calendar feeds point at the address `make run` serves (unless set).
SITE_URL ?= http://$(HOST):$(PORT)
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install assets browser pdf redis haproxy run test test-fast lint format bench load cluster clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BOOTSTRAP)/bin/uv:
	@echo "uv not found: installing it into $(BOOTSTRAP)"
	python3 -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets/build/.built: node_modules/.installed $(shell find assets/src -type f 2>/dev/null) assets/build.mjs
	npm run build
	@touch $@

install: $(VENV)/.synced assets/build/.built pdf ## Create .venv with uv, install npm packages, build the GOV.UK assets

assets: assets/build/.built ## Build the stylesheet and scripts

PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation poppler-utils

pdf: ## Make sure Debian's Pango, the Liberation fonts and poppler (for the tests) are there for the board pack PDF
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Install the Debian packages $$missing for the board pack PDF"; exit 1; fi; \
	fi

browser: ## Make sure Debian's Chromium, poppler's pdfinfo (print tests) and Java (Nu Html Checker) are there
	@if [ ! -x $(CHROMIUM) ] || ! command -v pdfinfo >/dev/null || ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils default-jre-headless; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils default-jre-headless; \
	  else echo "Install chromium, poppler-utils and default-jre-headless (Debian packages) to run the browser tests"; exit 1; fi; \
	fi

REDIS_START := redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no

redis: ## Make sure Redis (Debian's redis-server) answers on 127.0.0.1:6379, for the shared-cache tests and the cluster
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	  else echo "Install Redis (the Debian package redis-server) for the shared-cache tests"; exit 1; fi; \
	fi
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || $(REDIS_START)
	@for i in $$(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; \
	echo "Redis did not start on 127.0.0.1:6379"; exit 1

haproxy: ## Make sure Debian's HAProxy is there, for make cluster
	@if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	  else echo "Install HAProxy (the Debian package haproxy) for make cluster"; exit 1; fi; \
	fi

run: install ## Set up, migrate, load the demo data and serve on 127.0.0.1:8000 (PORT=, HOST= to change)
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	SITE_URL=$(SITE_URL) DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install browser redis ## Set up and run the whole test suite
	$(PY) -m pytest

test-fast: install redis ## Run the tests that do not need a browser
	$(PY) -m pytest -m "not browser"

lint: $(VENV)/.synced ## Check style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced ## Reformat with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/.cache/bench.sqlite3
BENCH_ARGS ?= --size both --requests 30

bench: $(VENV)/.synced pdf ## Time the pages at a council's and a national size (BENCH_DATABASE_URL=postgres://... for PostgreSQL)
	@mkdir -p .cache
	@rm -f .cache/bench.sqlite3 .cache/bench.sqlite3-wal .cache/bench.sqlite3-shm
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --fresh $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_pack

load: install ## Mixed load on gunicorn + PostgreSQL with a database restart and a killed worker
	$(PY) loadtest/run.py

CLUSTER_SECONDS ?= 60
CLUSTER_ARGS ?=

cluster: install redis haproxy ## Two app hosts behind HAProxy with PostgreSQL and Redis: load, a killed host, reminders on both
	$(PY) loadtest/cluster.py --seconds $(CLUSTER_SECONDS) $(CLUSTER_ARGS)

clean: ## Remove the environment, packages and built files
	rm -rf $(VENV) node_modules assets/build staticfiles .cache .pytest_cache
