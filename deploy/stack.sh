#!/usr/bin/env bash
# The docker-compose deployment as local processes: `make stack` / `make stack-down`.
#
#   deploy/stack.sh up       PostgreSQL → init (db migrate, login, connections) → apiserver, webserver, scheduler,
#                            dag-processor, triggerer (+ pushgateway, prometheus with MONITORING=1); waits for every
#                            health check, then prints the URL and the login
#   deploy/stack.sh down     stops what `up` started, by process id (newest first; PostgreSQL last)
#   deploy/stack.sh status   each service: its pid and whether its health check passes
#   deploy/stack.sh stop|start <service>   one service (start waits for its health check)
#
# Each service runs under a small supervisor loop that starts it again whenever it exits, as compose's
# `restart: always` does (a lost database connection makes Airflow's components exit, by design).
#
# Every service runs `deploy/entrypoint.sh <service>`, the script docker-compose.yml runs in its containers; the
# environment below plays the part of compose's `environment:` block (where things live on this machine).
# State (PostgreSQL data, AIRFLOW_HOME, pids) goes to STACK_DIR (default data/stack), logs to STACK_LOGS (default
# logs/: one file per service under logs/stack/, task logs beside them). Settings come from .env (STACK_ENV_FILE),
# the environment winning over it.
set -euo pipefail
# The whole script is one block, read before it runs: editing the file cannot disturb a running copy.
{

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENTRYPOINT="$REPO/deploy/entrypoint.sh"

# --- the environment: .env for what the caller did not set ---------------------------------------------------------
env_file="${STACK_ENV_FILE:-$REPO/.env}"
if [ -f "$env_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    name="${BASH_REMATCH[1]}"; value="${BASH_REMATCH[2]}"
    value="${value%\"}"; value="${value#\"}"; value="${value%\'}"; value="${value#\'}"
    [ -z "${!name+x}" ] && export "$name=$value"
  done < "$env_file"
fi

STACK_DIR="$(mkdir -p "${STACK_DIR:-$REPO/data/stack}" && cd "${STACK_DIR:-$REPO/data/stack}" && pwd)"
STACK_LOGS="$(mkdir -p "${STACK_LOGS:-$REPO/logs}" && cd "${STACK_LOGS:-$REPO/logs}" && pwd)"
PIDS="$STACK_DIR/pids"
SERVICE_LOGS="$STACK_LOGS/stack"
mkdir -p "$PIDS" "$SERVICE_LOGS"
[ -d "$REPO/.venv/bin" ] && export PATH="$REPO/.venv/bin:$PATH"

export POSTGRES_USER="${POSTGRES_USER:-airflow}" POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-airflow}"
export POSTGRES_DB="${POSTGRES_DB:-airflow}" POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export PGDATA="$STACK_DIR/postgres"
export AIRFLOW_API_PORT="${AIRFLOW_WEB_PORT:-8080}"
export AIRFLOW_EXECUTION_API_PORT="${AIRFLOW_EXECUTION_API_PORT:-8081}"
export AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT="${AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT:-8974}"
export PUSHGATEWAY_PORT="${PUSHGATEWAY_PORT:-9091}" PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
export PROMETHEUS_DATA="$STACK_DIR/prometheus"

export AIRFLOW_HOME="$STACK_DIR/airflow"
unset AIRFLOW_CONFIG
export AIRFLOW__CORE__DAGS_FOLDER="$REPO/dags"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${POSTGRES_PORT}/${POSTGRES_DB}"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:${AIRFLOW_EXECUTION_API_PORT}/execution/"
export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$STACK_LOGS"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$AIRFLOW_HOME/simple_auth_manager_passwords.json"
export AIRFLOW__COSMOS__CACHE_DIR="$STACK_DIR/cosmos"
export _AIRFLOW_WWW_USER_USERNAME="${_AIRFLOW_WWW_USER_USERNAME:-airflow}"
export _AIRFLOW_WWW_USER_PASSWORD="${_AIRFLOW_WWW_USER_PASSWORD:-airflow}"
export JOB_ANALYTICS_LAKE_URL="${JOB_ANALYTICS_LAKE_URL:-$REPO/data/lake}"
if [ "${MONITORING:-0}" = 1 ]; then
  export JOB_ANALYTICS_METRICS_PUSH_URL="${JOB_ANALYTICS_METRICS_PUSH_URL:-http://127.0.0.1:${PUSHGATEWAY_PORT}}"
fi

AIRFLOW_SERVICES=(apiserver webserver scheduler dag-processor triggerer)
MONITORING_SERVICES=(pushgateway prometheus)
ALL_SERVICES=(postgres "${MONITORING_SERVICES[@]}" "${AIRFLOW_SERVICES[@]}")
HEALTH_TIMEOUT="${STACK_HEALTH_TIMEOUT:-240}"

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }  # its supervisor
service_pid() { cat "$PIDS/$1.service.pid" 2>/dev/null || true; }

stop_signal() { if [ "$1" = postgres ]; then echo INT; else echo TERM; fi; }  # PostgreSQL: a fast shutdown

start() {  # start <service>: supervised in its own session (`down` stops the whole group), log to logs/stack/
  local service=$1
  if alive "$service"; then echo "  $service already running (pid $(pid_of "$service"))"; return; fi
  rm -f "$PIDS/$service.exits"
  setsid "$REPO/deploy/stack.sh" supervise "$service" >>"$SERVICE_LOGS/$service.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$service.pid"
}

supervise() {  # supervise <service>: compose's `restart: always` — run it; whenever it exits, start it again
  # The service runs in a session of its own (its pid in <service>.service.pid): killing it, or its whole process
  # group, is a crash the loop recovers from, as a container restarted by compose. A TERM to the loop stops both.
  local service=$1 child status
  trap 'kill "-$(stop_signal "$service")" -- "-$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
  while :; do
    setsid "$ENTRYPOINT" "$service" < /dev/null &
    child=$!
    echo "$child" > "$PIDS/$service.service.pid"
    status=0; wait "$child" || status=$?
    echo $(( $(cat "$PIDS/$service.exits" 2>/dev/null || echo 0) + 1 )) > "$PIDS/$service.exits"
    echo "stack: $service (pid $child) exited with status $status at $(date -u +%FT%TZ); starting it again in 3 s"
    sleep 3 & wait $!
  done
}

wait_healthy() {  # wait_healthy <service>...: each health check passes, or a service died, or time is up
  local pending=("$@") left service deadline=$((SECONDS + HEALTH_TIMEOUT))
  while [ ${#pending[@]} -gt 0 ]; do
    left=()
    for service in "${pending[@]}"; do
      if "$ENTRYPOINT" health "$service"; then
        printf '  %-14s healthy after %3ds (pid %s)\n' "$service" "$((SECONDS - T0))" "$(service_pid "$service")"
      elif ! alive "$service" || [ -s "$PIDS/$service.exits" ]; then  # it died before it was healthy
        echo "error: $service exited; the end of $SERVICE_LOGS/$service.log:" >&2
        tail -n 30 "$SERVICE_LOGS/$service.log" >&2
        return 1
      else
        left+=("$service")
      fi
    done
    pending=("${left[@]+"${left[@]}"}")
    if [ ${#pending[@]} -gt 0 ]; then
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "error: not healthy after ${HEALTH_TIMEOUT}s: ${pending[*]} (logs in $SERVICE_LOGS/)" >&2
        return 1
      fi
      sleep 1
    fi
  done
}

up() {
  T0=$SECONDS
  echo "job-analytics stack: state in $STACK_DIR, logs in $SERVICE_LOGS/"
  start postgres
  wait_healthy postgres
  "$ENTRYPOINT" createdb >>"$SERVICE_LOGS/init.log" 2>&1
  if ! "$ENTRYPOINT" init >>"$SERVICE_LOGS/init.log" 2>&1; then
    echo "error: init failed; the end of $SERVICE_LOGS/init.log:" >&2; tail -n 30 "$SERVICE_LOGS/init.log" >&2
    return 1
  fi
  printf '  %-14s done after %3ds (db migrate, login, connections)\n' init "$((SECONDS - T0))"
  local services=("${AIRFLOW_SERVICES[@]}")
  [ "${MONITORING:-0}" = 1 ] && services=("${MONITORING_SERVICES[@]}" "${services[@]}")
  for service in "${services[@]}"; do start "$service"; done
  wait_healthy "${services[@]}"
  cat <<EOF

Airflow is up: http://localhost:${AIRFLOW_API_PORT}  login ${_AIRFLOW_WWW_USER_USERNAME} / (_AIRFLOW_WWW_USER_PASSWORD, default airflow)
  switch job_analytics_dag on, then trigger it or wait for 06:00 UTC; the lake is ${JOB_ANALYTICS_LAKE_URL}
EOF
  [ "${MONITORING:-0}" = 1 ] && echo "  metrics: Pushgateway http://localhost:${PUSHGATEWAY_PORT}, Prometheus http://localhost:${PROMETHEUS_PORT}"
  echo "  logs: $SERVICE_LOGS/<service>.log   stop: make stack-down"
}

stop() {  # stop <service>: its supervisor (which stops the service), by the pids `start` recorded
  local service=$1 pid child
  pid="$(pid_of "$service")"
  child="$(cat "$PIDS/$service.service.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    # still there after 30 s: the whole of both sessions, without asking
    if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
    echo "  $service stopped (pid $pid)"
  fi
  [ -n "$child" ] && kill -KILL -- "-$child" 2>/dev/null || true
  rm -f "$PIDS/$service.pid" "$PIDS/$service.service.pid" "$PIDS/$service.exits"
}

down() {
  local i
  for ((i = ${#ALL_SERVICES[@]} - 1; i >= 0; i--)); do stop "${ALL_SERVICES[i]}"; done
}

status() {
  local service state
  for service in "${ALL_SERVICES[@]}"; do
    if ! alive "$service"; then state="stopped"
    elif "$ENTRYPOINT" health "$service"; then state="healthy (pid $(service_pid "$service"))"
    else state="running, not healthy (pid $(service_pid "$service"))"; fi
    [ -s "$PIDS/$service.exits" ] && state="$state, restarted $(cat "$PIDS/$service.exits")×"
    printf '  %-14s %s\n' "$service" "$state"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  supervise) supervise "$2" ;;
  start|stop) [ -n "${2:-}" ] || { echo "usage: $0 $1 <service>" >&2; exit 64; }
              T0=$SECONDS; "$1" "$2"; if [ "$1" = start ]; then wait_healthy "$2"; fi ;;
  *) sed -n '2,15p' "${BASH_SOURCE[0]}" >&2; exit 64 ;;
esac
exit
}
