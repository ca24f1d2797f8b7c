# job-analytics — `make demo` runs the whole pipeline for one day of bundled data under Airflow;
# `make test` runs every test. Both do their own set-up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
DEMO_DATE ?= 2024-01-01
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen --env-file .env
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export AIRFLOW__OPENLINEAGE__NAMESPACE ?= job_analytics

.PHONY: help setup demo test lint clean compose-up stack stack-down

help:
	@echo "make demo   set up, then run job_analytics_dag for $(DEMO_DATE) under Airflow on the bundled demo data"
	@echo "make test   set up, then run all tests"
	@echo "make stack  set up, then start the deployed services as local processes (UI on :8080, airflow/airflow;"
	@echo "            MONITORING=1 adds Pushgateway + Prometheus); make stack-down stops them"
	@echo "make lint   ruff"

setup: .env
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@mkdir -p .airflow .cache/cosmos data/lake
	$(RUN) airflow db migrate >/dev/null
	$(RUN) dbt deps --project-dir dbt --profiles-dir dbt --quiet
	@echo "set-up done: .venv, .env, AIRFLOW_HOME=$(CURDIR)/.airflow"

# .env is written once from .env.example with this checkout's absolute paths; edit it freely afterwards.
.env:
	sed -e 's|^AIRFLOW_HOME=.*|AIRFLOW_HOME=$(CURDIR)/.airflow|' \
	    -e 's|^AIRFLOW__CORE__DAGS_FOLDER=.*|AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags|' \
	    -e 's|^AIRFLOW__COSMOS__CACHE_DIR=.*|AIRFLOW__COSMOS__CACHE_DIR=$(CURDIR)/.cache/cosmos|' \
	    -e 's|^JOB_ANALYTICS_LAKE_URL=.*|JOB_ANALYTICS_LAKE_URL=$(CURDIR)/data/lake|' \
	    .env.example > .env

# One progress line per task on the terminal; Airflow's whole log in logs/demo-<date>.log (scripts/demo.py).
demo: setup
	$(RUN) python scripts/demo.py $(DEMO_DATE)

# Two workers (pytest-xdist), each taking whole test files; the longest files first (tests/conftest.py).
test: setup
	$(RUN) pytest -n $(or $(TEST_WORKERS),2) --dist loadfile

lint:
	$(UV) run --frozen ruff check src dags tests scripts benchmarks

clean:
	rm -rf data/lake .airflow .cache dbt/target dbt/logs logs

# The docker-compose services as local processes (deploy/stack.sh runs deploy/entrypoint.sh, as compose does):
# PostgreSQL, init, api-server on :8080, scheduler, dag-processor, triggerer; state in data/stack, logs in logs/.
stack: setup
	deploy/stack.sh up

stack-down:
	deploy/stack.sh down

# The docker-compose deployment (docs/deployment.md): PostgreSQL metadata, LocalExecutor, UI on :8080.
compose-up: .env
	docker-compose up airflow-init && docker-compose up -d

.PHONY: mutation
MODULES ?=
# Mutation score per rule module (mutmut, each module in a temporary copy of the repo); not part of `make test`.
mutation: setup
	$(RUN) python scripts/mutation.py $(MODULES) --survivors
