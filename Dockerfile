# syntax=docker/dockerfile:1
# The official Airflow image extended with job-analytics. Every Python package is pinned by uv.lock, so the
# containers run what `make test` ran; tests/unit/test_compose.py checks that the base image's Airflow version
# is the one in uv.lock. Build: `docker-compose build` (docker-compose.yml builds it for every Airflow service).

# --- 1. uv.lock → requirements.txt: the run-time dependencies at their locked versions (no dev tools) ------
FROM python:3.11-slim AS requirements
RUN pip install --no-cache-dir uv
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv export --frozen --no-dev --no-emit-project --no-hashes --output-file requirements.txt

# --- 2. Airflow + the locked requirements + the project ------------------------------------------------------
FROM apache/airflow:3.3.2-python3.11

# ENGINE=spark runs PySpark local[*], which needs a Java runtime (the DuckDB default does not).
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
USER airflow

ENV JOB_ANALYTICS_HOME=/opt/job-analytics
WORKDIR ${JOB_ANALYTICS_HOME}

# Dependencies first: this layer is rebuilt only when uv.lock changes. As the image asks, pip runs as the
# `airflow` user (into the image's own environment); apache-airflow is in the lock at the image's version.
COPY --from=requirements /src/requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt

# The project itself, installed editable so src/, dbt/, scripts/ and config/ stay side by side under
# /opt/job-analytics (Settings finds dbt/ beside src/). Group 0 may write: compose runs the containers as
# ${AIRFLOW_UID}:0, and dbt writes its target/ and logs/ inside the project directory.
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
COPY --chown=airflow:0 src ./src
COPY --chown=airflow:0 dbt ./dbt
COPY --chown=airflow:0 scripts ./scripts
COPY --chown=airflow:0 config ./config
COPY --chown=airflow:0 deploy ./deploy
RUN pip install --no-cache-dir --no-deps -e . \
 && mkdir -p data/lake \
 && dbt deps --project-dir dbt --profiles-dir dbt --quiet \
 && chmod -R g+w ${JOB_ANALYTICS_HOME}

# The DAGs are baked in (so the image runs on its own) and bind-mounted over by docker-compose.yml in development.
COPY --chown=airflow:0 dags /opt/airflow/dags

WORKDIR /opt/airflow
