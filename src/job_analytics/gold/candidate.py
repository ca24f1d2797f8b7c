"""The gold candidate: the warehouse dbt builds for a day, before the gate has passed it. Its tables, a read-only
connection to it, and its fingerprint — what the gate validated and what publish checks is still there unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb

from job_analytics.core.errors import MissingInputError
from job_analytics.core.lake import Lake

#: the marts dbt builds and publish copies to gold/, in dependency order
GOLD_TABLES = ("fct_job_postings", "dim_company", "dim_location", "bridge_job_skill", "dim_skill",
               "agg_daily_postings", "agg_skill_demand", "agg_salary_by_role", "agg_top_companies",
               "fct_posting_lifecycle", "dim_posting_salary", "agg_daily_flow", "agg_demand_index")


@contextmanager
def connect_candidate(lake: Lake, day: date) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only DuckDB connection to the warehouse, in UTC, once the gold tables are known to exist."""
    path = lake.warehouse_path
    if not path.exists():
        raise MissingInputError(f"{day}: no gold candidate at {path} (run dbt first)")
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = [table for table in GOLD_TABLES if table not in present]
        if missing:
            raise MissingInputError(f"{day}: gold candidate {path} lacks {', '.join(missing)} (run dbt first)")
        yield con


def candidate_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per gold table, its row count and an order-independent hash of its rows: equal means same content."""
    fingerprint = {}
    for table in GOLD_TABLES:
        rows, digest = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} AS t").fetchone()
        fingerprint[table] = f"{rows}:{digest}"
    return fingerprint
