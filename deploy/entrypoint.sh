#!/usr/bin/env bash
# The one definition of job-analytics' services: what each runs and how its health is checked.
#
#   deploy/entrypoint.sh <service>           run the service in the foreground (exec: its pid is the service's)
#   deploy/entrypoint.sh health <service>    exit 0 when the service answers its health check
#
# docker-compose.yml runs every Airflow container through this script, and `make stack` (deploy/stack.sh) runs the
# same services as local processes with it, so the two cannot drift. Where things live comes from the environment
# each of them sets (AIRFLOW_HOME, the metadata database URL, ports); the settings below are shared defaults that
# an explicit environment variable overrides.
#
# services:  init · webserver · apiserver · scheduler · dag-processor · triggerer      (Airflow)
#            postgres · pushgateway · prometheus                 (local processes; compose uses their images)
set -euo pipefail
# The whole script is one block, read before it runs: editing the file cannot disturb a running copy.
{

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="${JOB_ANALYTICS_HOME:-$(dirname "$HERE")}"

# --- settings every Airflow component shares ---------------------------------------------------------------------
export AIRFLOW__CORE__EXECUTOR="${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="${AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK:-True}"
export AIRFLOW__COSMOS__ENABLE_TELEMETRY="${AIRFLOW__COSMOS__ENABLE_TELEMETRY:-False}"
export GX_ANALYTICS_ENABLED="${GX_ANALYTICS_ENABLED:-False}"
export AIRFLOW__OPENLINEAGE__NAMESPACE="${AIRFLOW__OPENLINEAGE__NAMESPACE:-job_analytics}"
# LocalExecutor runs each task in a worker process; `parallelism` is how many at once. Airflow's default (32) is
# sized for a big host: two per core is what this pipeline (one chain, a few side branches) can use.
cores="$(nproc 2>/dev/null || echo 2)"
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-$((cores * 2))}"
# A scheduler that dies with tasks running (OOM, a lost host): once its heartbeat is 30 s old its successor resets
# those tasks so they run again. Airflow checks for them every 5 minutes by default; every 30 s here.
export AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL="${AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL:-30}"
# The UI and REST API: one worker process is plenty for a team's UI and keeps start-up short.
export AIRFLOW__API__WORKERS="${AIRFLOW__API__WORKERS:-1}"
# A DAG file added to dags/ is found within a minute (Airflow's default: five).
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="${AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL:-60}"
# The built-in auth manager: one admin, whose password init writes from _AIRFLOW_WWW_USER_PASSWORD.
_AIRFLOW_WWW_USER_USERNAME="${_AIRFLOW_WWW_USER_USERNAME:-airflow}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-${_AIRFLOW_WWW_USER_USERNAME}:admin}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-${AIRFLOW_HOME:-$HOME/airflow}/simple_auth_manager_passwords.json}"

API_PORT="${AIRFLOW_API_PORT:-8080}"                 # webserver: UI + REST API
EXECUTION_PORT="${AIRFLOW_EXECUTION_API_PORT:-8080}" # apiserver: Task Execution API
SCHEDULER_HEALTH_PORT="${AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT:-8974}"
PUSHGATEWAY_PORT="${PUSHGATEWAY_PORT:-9091}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" >&2; exit 64; }

# GET a URL; success on HTTP 2xx (python rather than curl: present wherever Airflow is).
http_ok() {
  python3 - "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
        sys.exit(0 if 200 <= response.status < 300 else 1)
except Exception:
    sys.exit(1)
EOF
}

as_postgres() {  # the server refuses to run as root: as root, drop to the postgres user
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi
}

pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -1)"
  if [ -n "$found" ]; then echo "$found"; else dirname "$(command -v postgres)"; fi
}

init() {
  # Idempotent: migrate the metadata DB, write the login, create or update the connections.
  export _AIRFLOW_WWW_USER_USERNAME _AIRFLOW_WWW_USER_PASSWORD="${_AIRFLOW_WWW_USER_PASSWORD:-airflow}"
  mkdir -p "${AIRFLOW_HOME:?}" "$(dirname "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")"
  airflow db migrate
  python3 -c 'import json, os; print(json.dumps({os.environ["_AIRFLOW_WWW_USER_USERNAME"]: os.environ["_AIRFLOW_WWW_USER_PASSWORD"]}))' \
    > "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
  chmod 600 "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
  echo "login: ${_AIRFLOW_WWW_USER_USERNAME} (password from _AIRFLOW_WWW_USER_PASSWORD)"
  python3 "$PROJECT/scripts/init_connections.py" "$PROJECT/config/connections.yaml"
  # the vendored dbt packages, linked into dbt/dbt_packages (offline); the dbt tasks use them from there
  dbt deps --project-dir "$PROJECT/dbt" --profiles-dir "$PROJECT/dbt" --quiet
}

postgres_server() {
  # A local PostgreSQL for the metadata (compose uses the postgres image instead): created on first start with
  # the POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB of .env, listening on 127.0.0.1 only.
  local bindir data="${PGDATA:?PGDATA: where the data directory lives}" port="${POSTGRES_PORT:-5432}"
  bindir="$(pg_bindir)"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    local pwfile="$data.pw"
    printf '%s\n' "${POSTGRES_PASSWORD:-airflow}" > "$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
    as_postgres "$bindir/initdb" -D "$data" -U "${POSTGRES_USER:-airflow}" --pwfile="$pwfile" \
      --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --no-locale --no-instructions >/dev/null
    rm -f "$pwfile"
    # The database is created once the server is up (deploy/stack.sh runs `entrypoint.sh createdb`).
  fi
  exec_as=(); [ "$(id -u)" = 0 ] && exec_as=(setpriv --reuid=postgres --regid=postgres --init-groups)
  exec "${exec_as[@]}" "$bindir/postgres" -D "$data" -c listen_addresses=127.0.0.1 -p "$port" \
    -c unix_socket_directories="" -c max_connections=100
}

createdb_once() {
  local bindir; bindir="$(pg_bindir)"
  export PGPASSWORD="${POSTGRES_PASSWORD:-airflow}"
  local db="${POSTGRES_DB:-airflow}" user="${POSTGRES_USER:-airflow}" port="${POSTGRES_PORT:-5432}"
  if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "select 1 from pg_database where datname='$db'" \
      | grep -q 1; then
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"
  fi
}

# What `airflow jobs check --job-type <type> --local` checks (a running job of this host with a recent heartbeat),
# read straight from the metadata DB (PostgreSQL): a check polled every second should not import all of Airflow.
job_alive() {
  python3 - "$1" <<'EOF'
import os, socket, sys
import sqlalchemy
try:
    engine = sqlalchemy.create_engine(os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as db:
        found = db.execute(sqlalchemy.text(
            "select count(*) from job where job_type = :type and state = 'running' and hostname in (:host, :fqdn)"
            " and latest_heartbeat > now() - interval '60 seconds'"),
            {"type": sys.argv[1], "host": socket.gethostname(), "fqdn": socket.getfqdn()}).scalar()
except Exception:
    sys.exit(1)
sys.exit(0 if found else 1)
EOF
}

health() {
  case "${1:-}" in
    webserver)     http_ok "http://127.0.0.1:${API_PORT}/api/v2/monitor/health" ;;
    apiserver)     http_ok "http://127.0.0.1:${EXECUTION_PORT}/execution/health" ;;
    scheduler)     http_ok "http://127.0.0.1:${SCHEDULER_HEALTH_PORT}/health" ;;
    dag-processor) job_alive DagProcessorJob ;;
    triggerer)     job_alive TriggererJob ;;
    postgres)      "$(pg_bindir)/pg_isready" -q -h "${POSTGRES_HOST:-127.0.0.1}" -p "${POSTGRES_PORT:-5432}" \
                     -U "${POSTGRES_USER:-airflow}" -d "${POSTGRES_DB:-airflow}" ;;
    pushgateway)   http_ok "http://127.0.0.1:${PUSHGATEWAY_PORT}/-/ready" ;;
    prometheus)    http_ok "http://127.0.0.1:${PROMETHEUS_PORT}/-/ready" ;;
    *) usage ;;
  esac
}

service="${1:-}"; shift || true
case "$service" in
  init)          init ;;
  webserver)     exec airflow api-server --apps core --port "$API_PORT" "$@" ;;
  apiserver)     exec airflow api-server --apps execution --port "$EXECUTION_PORT" "$@" ;;
  # The scheduler imports the tasks' heavy libraries once, before LocalExecutor forks its workers (preload.py).
  scheduler)     exec python3 "$HERE/preload.py" scheduler "$@" ;;
  dag-processor) exec airflow dag-processor "$@" ;;
  triggerer)     exec airflow triggerer "$@" ;;
  postgres)      postgres_server ;;
  createdb)      createdb_once ;;
  pushgateway)   exec prometheus-pushgateway --web.listen-address="127.0.0.1:${PUSHGATEWAY_PORT}" "$@" ;;
  prometheus)
    # deploy/prometheus.yml scrapes the Pushgateway at ${PUSHGATEWAY_TARGET}; prometheus has no env expansion,
    # so the target is filled in a copy beside its data.
    data="${PROMETHEUS_DATA:?PROMETHEUS_DATA: where Prometheus keeps its data}"
    mkdir -p "$data"
    sed "s|pushgateway:9091|${PUSHGATEWAY_TARGET:-127.0.0.1:${PUSHGATEWAY_PORT}}|" "$HERE/prometheus.yml" > "$data/prometheus.yml"
    exec prometheus --config.file="$data/prometheus.yml" --storage.tsdb.path="$data" \
      --web.listen-address="127.0.0.1:${PROMETHEUS_PORT}" "$@" ;;
  health)        health "$@" ;;
  *)             usage ;;
esac
exit
}
