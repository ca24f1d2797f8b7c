"""update_catalog: publish the validated gold candidate (the "publish" of write-audit-publish).

Only a candidate the quality gate passed, and that has not changed since, is published:

- each gold table is exported from the warehouse to ``gold/<table>/data.parquet``, the folder swapped in whole;
- ``catalog/job_analytics.duckdb`` is rebuilt beside itself with one view per table over that Parquet, carrying
  the dbt descriptions as comments, and renamed over the old catalog.

Readers see the old table or the new one, and the old catalog or the new one, never half of either. A refused
publish touches nothing. (The production deployment registers the same Parquet in the AWS Glue Data Catalog.)
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from job_analytics.core.errors import ConfigError, QualityGateFailed
from job_analytics.core.lake import Lake, is_remote, staged_dir, write_bytes_atomic
from job_analytics.core.logs import kv
from job_analytics.gold.candidate import GOLD_TABLES, candidate_fingerprint, connect_candidate

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)


def publish(settings: Settings, day: date) -> dict:
    """Publish the candidate for ``day`` if its gate passed; returns and records the "publish" run summary.

    Raises ``QualityGateFailed`` (and publishes nothing) when the "validate" summary for ``day`` is missing or
    failed, or when the candidate differs from the one the gate validated. Idempotent.
    """
    lake = Lake.from_settings(settings)
    if settings.catalog == "glue" and not lake.remote:
        raise ConfigError("JOB_ANALYTICS_CATALOG=glue registers s3:// tables: set JOB_ANALYTICS_LAKE_URL=s3://…")
    gate = lake.read_run_summary(day, "validate")
    if not gate or gate.get("success") is not True:
        raise QualityGateFailed(f"refusing to publish {day}: gate has not passed")

    with connect_candidate(lake, day) as con:
        if candidate_fingerprint(con) != gate.get("candidate"):
            raise QualityGateFailed(
                f"refusing to publish {day}: the gold candidate changed after the gate passed (run validate again)"
            )
        docs = _descriptions(con)
        rows = {table: _export(con, table, lake.gold_table(table)) for table in GOLD_TABLES}
        schemas = {table: con.execute(f"SELECT * FROM {table} LIMIT 0").arrow().schema for table in GOLD_TABLES}

    catalog = build_catalog(lake, docs)
    summary = {"day": day.isoformat(), "tables": rows, "catalog": str(catalog),
               "gold": {table: str(lake.gold_table(table)) for table in GOLD_TABLES}}
    if settings.catalog == "glue":
        summary["glue"] = _publish_glue(settings, lake, day, schemas, docs)
    lake.write_run_summary(day, "publish", summary)
    log.info("published %s", kv(day=day, tables=rows, catalog=catalog))
    return summary


def _publish_glue(settings: Settings, lake: Lake, day: date, schemas: dict, docs: dict[str, dict[str, str]]) -> dict:
    """Register the published gold Parquet in the AWS Glue Data Catalog (and start the configured crawlers)."""
    from job_analytics.publish.glue import publish_glue
    from job_analytics.publish.glue_schema import table_spec

    tables = {table: table_spec(str(lake.gold_table(table)), schemas[table], docs.get(table, {}))
              for table in GOLD_TABLES}
    result = publish_glue(database=settings.glue_database, tables=tables, crawlers=settings.glue_crawlers,
                          parameters={"job_analytics_day": day.isoformat()})
    return result


def build_catalog(lake: Lake, docs: dict[str, dict[str, str]] | None = None) -> Path:
    """Write the catalog (one view per gold table over its Parquet) beside the old one and swap it in.

    On an S3 lake the file is built in a local temporary folder and uploaded in one PUT; its views read
    ``s3://…`` paths, which a reader opens with DuckDB's httpfs or an fsspec filesystem (``Lake.open_catalog``).
    """
    docs = docs or {}
    target = lake.catalog_path
    if is_remote(target):
        with tempfile.TemporaryDirectory(prefix="catalog-") as tmp:
            local = Path(tmp) / target.name
            _write_catalog(lake, local, docs)
            write_bytes_atomic(target, local.read_bytes())
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        _write_catalog(lake, staging, docs)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return target


def _write_catalog(lake: Lake, path: Path, docs: dict[str, dict[str, str]]) -> None:
    with lake.duckdb_connect(str(path)) as con:
        for table in GOLD_TABLES:
            files = _literal(str(lake.gold_table(table) / "*.parquet"))
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files})")
            table_docs = docs.get(table, {})
            about = table_docs.get("") or f"Published gold table {table} (dbt/models/marts/{table}.yml)."
            con.execute(f"COMMENT ON VIEW {table} IS {_literal(about)}")
            for column, text in table_docs.items():
                if column:
                    con.execute(f"COMMENT ON COLUMN {table}.{_identifier(column)} IS {_literal(text)}")
        con.execute("CHECKPOINT")


def _export(con: duckdb.DuckDBPyConnection, table: str, final: Path) -> int:
    with staged_dir(final) as stage:
        (rows,) = con.execute(
            f"COPY (SELECT * FROM {table}) TO {_literal(str(stage / 'data.parquet'))} (FORMAT parquet)"
        ).fetchone()
    return int(rows)


def _descriptions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """The dbt descriptions (persisted as comments in the warehouse): ``{table: {"": table doc, column: doc}}``."""
    docs: dict[str, dict[str, str]] = {table: {} for table in GOLD_TABLES}
    for table, comment in con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall():
        if table in docs and comment:
            docs[table][""] = " ".join(comment.split())
    for table, column, comment in con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns()"
    ).fetchall():
        if table in docs and comment:
            docs[table][column] = " ".join(comment.split())
    return docs


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A SQL string literal (DuckDB's COPY and COMMENT take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"
