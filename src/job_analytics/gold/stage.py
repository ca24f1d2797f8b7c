"""run_dbt_models: build the gold *candidate* with dbt from every silver partition.

dbt writes the candidate into the warehouse (``<lake>/warehouse/candidate.duckdb``); users never read it. The
quality gate validates it and only then does ``catalog.publish`` copy it to ``gold/``. The dbt project reads
every path from the environment that :func:`dbt_env` returns, so the CLI (:func:`run`, dbt in process) and the
Airflow DAG (astronomer-cosmos, dbt per model) run the same project the same way.

:func:`generate_docs` runs ``dbt docs generate`` on the candidate and keeps the site in the lake
(``docs/dbt/``: a single-file ``index.html`` that opens offline, plus ``manifest.json`` and ``catalog.json``).

The project's packages (dbt_utils, dbt-project-evaluator) are vendored under ``dbt/vendor/`` and named in
``packages.yml`` as ``local:`` packages; :func:`install_packages` runs ``dbt deps`` (no network) before a command
when they are not linked into ``dbt/dbt_packages/`` yet. ``make setup``, the image and the stack's init install them
once; the Airflow tasks link that folder into their copy of the project.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from job_analytics.core.errors import MissingInputError, TransformError
from job_analytics.core.lake import Lake, staged_dir
from job_analytics.core.logs import kv
from job_analytics.ingest.sources import REGISTRY

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

_FAILED = {"error", "fail", "runtime error"}
#: the docs site kept in the lake: dbt's target file → its name in ``docs/dbt/`` (the static index embeds the
#: manifest and catalog, so it opens from a file or object store without a web server)
DOCS_FILES = {"static_index.html": "index.html", "manifest.json": "manifest.json", "catalog.json": "catalog.json"}


def dbt_env(settings: Settings, day: date | None = None) -> dict[str, str]:
    """The environment the dbt project needs, every path absolute.

    ``day``: build gold as of that date (only silver partitions up to it), which a backfill needs so that a
    later partition's postings do not enter an earlier day's gold. Without it every partition is read.
    """
    lake = Lake.from_settings(settings)
    env = {
        "JOB_ANALYTICS_WAREHOUSE_PATH": str(lake.warehouse_path),
        "JOB_ANALYTICS_SILVER_GLOB": lake.silver_glob,
        "JOB_ANALYTICS_SCRAPES_GLOB": lake.scrapes_glob,
        "JOB_ANALYTICS_CLOSE_AFTER_DAYS": str(getattr(settings, "close_after_days", 7)),
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir.resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "JOB_ANALYTICS_KNOWN_SOURCES": ",".join(REGISTRY),  # dbt's var known_sources
    }
    if day is not None:
        env["JOB_ANALYTICS_AS_OF_DATE"] = day.isoformat()
    if lake.remote and getattr(settings, "s3_endpoint_url", None):
        env["AWS_ENDPOINT_URL_S3"] = settings.s3_endpoint_url  # botocore's own name: s3fs in dbt finds it
    return env


def dbt_target(settings: Settings) -> str:
    """The profiles.yml output for this lake: ``duckdb``, or ``duckdb_s3`` (silver read through s3fs)."""
    return "duckdb_s3" if Lake.from_settings(settings).remote else "duckdb"


def run(settings: Settings, day: date) -> dict:
    """``dbt build`` (models and their tests) into the warehouse, then the docs site (:func:`generate_docs`);
    returns and records the "dbt" run summary.

    Idempotent: ``fct_job_postings`` is incremental on ingest_date, and a re-run or a backfill of a day rebuilds
    it whole as of that day (dbt/macros/incremental_as_of.sql); the other marts are tables rebuilt from it. Raises
    ``MissingInputError`` when there is no silver yet and ``TransformError`` naming the failed nodes when a model
    or an error-severity test fails. A docs failure does not fail the build: it is logged and recorded under
    ``docs.error``.
    """
    lake = Lake.from_settings(settings)
    if not lake.glob(lake.silver_glob):
        raise MissingInputError(f"dbt {day}: no silver parquet under {lake.silver_glob} (run process first)")
    work_dir = lake.warehouse_path.parent
    outcome, seconds = _invoke(settings, day, ["build"], target=work_dir / "target")

    nodes = list(getattr(outcome.result, "results", None) or [])
    by_type = [str(getattr(n.node, "resource_type", "")) for n in nodes]
    failed = [_describe(n) for n in nodes if str(n.status) in _FAILED]
    summary = {
        "day": day.isoformat(),
        "models": by_type.count("model"),
        "seeds": by_type.count("seed"),
        "tests": by_type.count("test"),
        "failed": failed,
        "warned": [_describe(n) for n in nodes if str(n.status) == "warn"],
        "skipped": [n.node.name for n in nodes if str(n.status) == "skipped"],
        "seconds": seconds,
        "warehouse": str(lake.warehouse_path),
    }
    if outcome.exception is not None and not failed:
        # dbt stopped before running nodes (a parse or connection error): that is the failure to report
        failed.append({"node": "dbt", "type": "invocation", "status": "error",
                       "message": _short(str(outcome.exception))})
    log.info("dbt_build_done %s", kv(day=day, models=summary["models"], tests=summary["tests"], failed=len(failed),
                                     seconds=round(seconds, 1)))
    if failed or not outcome.success:
        lake.write_run_summary(day, "dbt", summary)
        named = "; ".join(f"{f['type']} {f['node']}: {f['message']}" for f in failed) or "see the dbt log"
        raise TransformError(f"dbt build failed for {day}: {len(failed)} node(s) failed: {named} "
                             f"(log: {work_dir / 'logs' / 'dbt.log'})")
    try:
        summary["docs"] = generate_docs(settings, day)
    except Exception as exc:  # noqa: BLE001 - the docs describe the candidate; they never block it
        log.error("dbt_docs_failed %s", kv(day=day, error=str(exc)))
        summary["docs"] = {"error": _short(str(exc))}
    lake.write_run_summary(day, "dbt", summary)
    return summary


def generate_docs(settings: Settings, day: date) -> dict:
    """``dbt docs generate --static`` on the built candidate; the site replaces ``<lake>/docs/dbt/`` whole.

    Returns and records (``runs/<day>/dbt_docs.json``) a small summary: where the site is, how many models and
    catalogued tables it describes, and how long it took. Raises ``MissingInputError`` before any dbt build and
    ``TransformError`` when dbt fails; the site in the lake is then left as it was.
    """
    lake = Lake.from_settings(settings)
    if not lake.warehouse_path.exists():
        raise MissingInputError(f"dbt docs {day}: no gold candidate at {lake.warehouse_path} (run dbt first)")
    target = lake.warehouse_path.parent / "docs_target"  # not the build's target: its run results stay
    for name in DOCS_FILES:
        (target / name).unlink(missing_ok=True)  # never publish a file an earlier run left behind
    outcome, seconds = _invoke(settings, day, ["docs", "generate", "--static"], target=target)
    missing = [name for name in DOCS_FILES if not (target / name).is_file()]
    if not outcome.success or missing:
        reason = _short(str(outcome.exception)) if outcome.exception else f"missing {', '.join(missing) or 'nothing'}"
        raise TransformError(f"dbt docs generate failed for {day}: {reason} "
                             f"(log: {lake.warehouse_path.parent / 'logs' / 'dbt.log'})")

    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    with staged_dir(lake.dbt_docs_dir) as stage:
        for source, name in DOCS_FILES.items():
            shutil.copyfile(target / source, stage / name)
    summary = {
        "day": day.isoformat(),
        "site": str(lake.dbt_docs_dir / "index.html"),
        "models": sum(1 for node in manifest["nodes"].values() if node["resource_type"] == "model"),
        "catalog_tables": len(catalog.get("nodes") or {}),
        "catalog_errors": catalog.get("errors") or [],
        "bytes": (target / "static_index.html").stat().st_size,
        "seconds": seconds,
    }
    lake.write_run_summary(day, "dbt_docs", summary)
    log.info("dbt_docs_done %s", kv(day=day, site=summary["site"], models=summary["models"], seconds=round(seconds, 1)))
    return summary


def missing_packages(project_dir: Path) -> list[str]:
    """The ``local:`` packages of ``packages.yml`` not installed in ``dbt_packages/`` as links to their folder."""
    declared = (yaml.safe_load((project_dir / "packages.yml").read_text()) or {}).get("packages") or []
    missing = []
    for package in declared:
        if "local" not in package:
            continue  # a hub or git package: dbt itself says when it is not installed
        source = (project_dir / package["local"]).resolve()
        name = yaml.safe_load((source / "dbt_project.yml").read_text())["name"]
        installed = project_dir / "dbt_packages" / name
        if not (installed / "dbt_project.yml").is_file() or installed.resolve() != source:
            missing.append(name)
    return missing


def install_packages(settings: Settings, day: date | None = None) -> None:
    """``dbt deps`` when a package is not installed (a fresh checkout or image); the packages are vendored, so no
    network is needed. A lock on ``packages.yml`` keeps processes sharing the project from installing at once (deps
    replaces ``dbt_packages/`` whole); with the packages installed this reads two small files and returns."""
    project_dir = settings.dbt_project_dir.resolve()
    if not (project_dir / "packages.yml").is_file() or not missing_packages(project_dir):
        return
    log_path = Lake.from_settings(settings).warehouse_path.parent / "logs"
    with open(project_dir / "packages.yml") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (missing := missing_packages(project_dir)):
            return  # another process installed them while this one waited
        log.info("dbt_deps %s", kv(packages=missing))
        outcome = _dbt(settings, day, ["deps", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                                       "--log-path", str(log_path), "--no-use-colors"])
    if not outcome.success or missing_packages(project_dir):
        reason = _short(str(outcome.exception)) if outcome.exception else "packages still missing"
        raise TransformError(f"dbt deps failed: {reason} (log: {log_path / 'dbt.log'})")


def _invoke(settings: Settings, day: date, command: list[str], *, target: Any) -> tuple[Any, float]:
    """Run one dbt command against this lake's target (after :func:`install_packages`); ``(dbtRunnerResult,
    seconds)``."""
    lake = Lake.from_settings(settings)
    work_dir = lake.warehouse_path.parent
    work_dir.mkdir(parents=True, exist_ok=True)
    install_packages(settings, day)
    project_dir = settings.dbt_project_dir.resolve()
    args = [
        *command,
        "--target", dbt_target(settings),
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(target),
        "--log-path", str(work_dir / "logs"),
        "--no-use-colors",
    ]
    started = time.monotonic()
    outcome = _dbt(settings, day, args)
    return outcome, round(time.monotonic() - started, 2)


def _dbt(settings: Settings, day: date | None, args: list[str]) -> Any:
    """``dbt <args>`` in this process with :func:`dbt_env` applied for its duration; dbt's result."""
    from dbt.cli.main import dbtRunner  # heavy: only when dbt runs

    with _environ(dbt_env(settings, day)):
        return dbtRunner().invoke(args)


def _describe(result: Any) -> dict:
    node = result.node
    return {"node": node.name, "type": str(node.resource_type), "status": str(result.status),
            "message": _short(result.message or "")}


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """Apply ``values`` to ``os.environ`` for the block, then put back exactly what was there."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
