"""docker-compose.yml and Dockerfile, checked without a Docker engine.

The compose file is validated against the Compose Specification through compose-pydantic (models generated from
the spec's JSON schema); the checks below it cover what a schema cannot: the files and variables the deployment
refers to exist, the image runs the Airflow of uv.lock, and the seed's commands find their services.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from tests.conftest import REPO

COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
DOCKERFILE = (REPO / "Dockerfile").read_text()
AIRFLOW_SERVICES = ["airflow-init", "airflow-webserver", "airflow-apiserver", "airflow-scheduler",
                    "airflow-dag-processor", "airflow-triggerer"]
LONG_RUNNING = ["postgres", *AIRFLOW_SERVICES[1:], "minio", "pushgateway", "prometheus", "grafana"]
ENTRYPOINT = (REPO / "deploy/entrypoint.sh").read_text()
# Folders the deployment creates at run time (airflow-init makes them); git ignores them.
RUNTIME_DIRS = {"logs", "data/lake"}


def _locked_version(package: str) -> str:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    return next(p["version"] for p in lock["package"] if p["name"] == package)


def _env_example_names() -> set[str]:
    text = (REPO / ".env.example").read_text()
    return set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", text, re.MULTILINE))


def test_validates_against_the_compose_specification():
    spec = pytest.importorskip("compose_pydantic", reason="compose-pydantic (dev dependency) validates the schema")
    # The specification allows any top-level `x-` extension (our YAML anchors); the generated models do not.
    document = {key: value for key, value in COMPOSE.items() if not key.startswith("x-")}
    spec.ComposeSpecification(**document)


def test_seed_commands_find_their_services():
    # docker-compose up airflow-init · up -d · ps · logs -f airflow-webserver; Airflow 3's own name too.
    for name in ["airflow-init", "airflow-webserver", "airflow-apiserver"]:
        assert name in SERVICES


def test_airflow_3_components_on_postgres_with_the_local_executor():
    for name in [*AIRFLOW_SERVICES, "postgres"]:
        assert name in SERVICES
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    # Each service runs deploy/entrypoint.sh <service>, the script `make stack` runs too (one definition).
    commands = {name: SERVICES[name].get("command") for name in AIRFLOW_SERVICES[1:]}
    assert commands == {"airflow-webserver": "webserver", "airflow-apiserver": "apiserver",
                        "airflow-scheduler": "scheduler", "airflow-dag-processor": "dag-processor",
                        "airflow-triggerer": "triggerer"}
    for name, service in commands.items():
        assert SERVICES[name]["entrypoint"] == ["/opt/job-analytics/deploy/entrypoint.sh"], name
        assert SERVICES[name]["healthcheck"]["test"] == ["CMD", "/opt/job-analytics/deploy/entrypoint.sh", "health",
                                                         service], name
    assert "webserver)     exec airflow api-server --apps core" in ENTRYPOINT
    assert "apiserver)     exec airflow api-server --apps execution" in ENTRYPOINT
    assert 'scheduler)     exec python3 "$HERE/preload.py" scheduler' in ENTRYPOINT
    assert any(p.endswith(":8080") for p in SERVICES["airflow-webserver"]["ports"])
    for name in AIRFLOW_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        host = re.match(r"http://([^:/]+)", env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]).group(1)
        assert host == "airflow-apiserver"
        assert SERVICES[name].get("env_file") == ".env"


def test_init_migrates_creates_the_login_and_the_connections():
    assert "/opt/job-analytics/deploy/entrypoint.sh init" in SERVICES["airflow-init"]["command"][-1]
    script = ENTRYPOINT[ENTRYPOINT.index("init() {"):]
    script = script[:script.index("\n}\n")]
    assert "airflow db migrate" in script
    assert "_AIRFLOW_WWW_USER_USERNAME" in script and "_AIRFLOW_WWW_USER_PASSWORD" in script
    assert "scripts/init_connections.py" in script and "config/connections.yaml" in script
    env = SERVICES["airflow-init"]["environment"]
    assert env["_AIRFLOW_WWW_USER_USERNAME"] == "${_AIRFLOW_WWW_USER_USERNAME:-airflow}"
    assert env["_AIRFLOW_WWW_USER_PASSWORD"] == "${_AIRFLOW_WWW_USER_PASSWORD:-airflow}"
    for name in AIRFLOW_SERVICES[1:]:
        assert SERVICES[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}


def test_long_running_services_have_healthchecks_and_dependencies_exist():
    for name in LONG_RUNNING:
        assert SERVICES[name]["healthcheck"]["test"], name
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"


def test_minio_and_monitoring_are_optional():
    assert SERVICES["minio"]["profiles"] == ["minio"] and SERVICES["minio-init"]["profiles"] == ["minio"]
    for name in ["pushgateway", "prometheus", "grafana"]:
        assert SERVICES[name]["profiles"] == ["monitoring"], name
    for name in AIRFLOW_SERVICES:
        assert not {"minio", "pushgateway", "prometheus", "grafana"} & set(SERVICES[name].get("depends_on", {}))


def test_dags_logs_and_lake_are_mounted():
    for name in AIRFLOW_SERVICES:
        targets = {volume.split(":")[1] for volume in SERVICES[name]["volumes"]}
        assert {"/opt/airflow/dags", "/opt/airflow/logs", "/opt/job-analytics/data/lake"} <= targets, name
        assert SERVICES[name]["environment"]["JOB_ANALYTICS_LAKE_URL"].endswith(":-/opt/job-analytics/data/lake}")


def test_every_referenced_file_exists():
    gitignore = (REPO / ".gitignore").read_text().split()
    assert (REPO / ".env.example").exists()  # env_file .env is written from it (make setup, or cp)
    for name, service in SERVICES.items():
        if "build" in service:
            context = REPO / service["build"]
            assert (context / "Dockerfile").exists(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("./"):
                assert source in COMPOSE["volumes"], f"{name}: undeclared named volume {source}"
                continue
            relative = source[2:].rstrip("/")
            if relative in RUNTIME_DIRS:
                assert f"/{relative.split('/')[0]}/" in gitignore, f"{relative} is made at run time: gitignore it"
            else:
                assert (REPO / relative).exists(), f"{name} mounts missing {relative}"
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, re.MULTILINE):
        sources = [part for part in line.split()[:-1] if not part.startswith("--")]
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


def test_every_variable_without_a_default_is_in_env_example():
    text = re.sub(r"\$\$", "", COMPOSE_TEXT)  # $$ is a literal dollar for the container's shell
    assert not re.search(r"\$[A-Za-z_]", text), "use ${VAR} so the check below sees every variable"
    required = {name for name, default in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}", text)
                if not default or default.lstrip(":").startswith("?")}
    assert required <= _env_example_names(), f"missing from .env.example: {sorted(required - _env_example_names())}"


def test_image_runs_the_airflow_and_python_of_the_lock():
    base = re.search(r"^FROM apache/airflow:(\S+)", DOCKERFILE, re.MULTILINE).group(1)
    airflow, python = re.fullmatch(r"(\d+\.\d+\.\d+)-python(\d+\.\d+)", base).groups()
    assert airflow == _locked_version("apache-airflow")
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f">={python}" in requires
    assert "uv export --frozen --no-dev" in DOCKERFILE  # the image's requirements are the lock's


def test_secrets_stay_out_of_the_image():
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "data"} <= set(ignored)
