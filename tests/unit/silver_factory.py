"""Silver test data: postings with the SILVER_JOBS schema, written as ``silver/jobs/ingest_date=<d>/`` partitions.

``posting(...)`` gives one plausible row (override any column); ``write_silver(lake, day, rows)`` writes a
partition exactly where the process stage would.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from job_analytics.core.lake import Lake
from job_analytics.core.schema import SILVER_JOBS
from job_analytics.core.settings import Settings


def job_id(source: str, source_job_id: str) -> str:
    return hashlib.sha256(f"{source}:{source_job_id}".encode()).hexdigest()[:32]


def posting(source_job_id: str = "1", *, source: str = "remotive", ingest_date: date = date(2024, 1, 1),
            **overrides: Any) -> dict[str, Any]:
    """One silver row; posted the morning of its ingest date, remote, in Germany, paid 60–80k EUR a year."""
    row: dict[str, Any] = {
        "job_id": job_id(source, source_job_id),
        "source": source,
        "source_job_id": source_job_id,
        "title": "Data Engineer",
        "company": "Acme GmbH",
        "city": "Berlin",
        "region": "Berlin",
        "country_code": "DE",
        "is_remote": True,
        "employment_type": "full_time",
        "seniority": "senior",
        "role_family": "data",
        "salary_min": 60_000.0,
        "salary_max": 80_000.0,
        "salary_currency": "EUR",
        "salary_period": "year",
        "salary_annual_usd_min": 65_000.0,
        "salary_annual_usd_max": 87_000.0,
        "skills": ["python", "sql"],
        "description_text": "Build pipelines.",
        "url": f"https://example.test/{source}/{source_job_id}",
        "posted_at": datetime(ingest_date.year, ingest_date.month, ingest_date.day, 8, tzinfo=UTC),
        "ingest_date": ingest_date,
        "duplicate_group": job_id(source, source_job_id),
    }
    unknown = set(overrides) - set(SILVER_JOBS.names)
    if unknown:
        raise KeyError(f"not silver columns: {sorted(unknown)}")
    return {**row, **overrides}


def write_silver(lake: Lake, day: date, rows: list[dict[str, Any]], name: str = "part-0.parquet") -> None:
    """Write ``rows`` (each forced to ``ingest_date=day``) as one file of the day's silver partition."""
    partition = lake.silver_partition(day)
    partition.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([{**row, "ingest_date": day} for row in rows], schema=SILVER_JOBS)
    pq.write_table(table, partition / name)


def lake_settings(root: Path) -> Settings:
    """Settings for a throwaway lake at ``root`` (explicit values win over the developer's ``.env``)."""
    return Settings(lake_url=str(root), sources=["demo"])


def full_refresh_as_of(settings: Settings, silver: Path, fingerprint: Callable[[Lake], dict]) -> Callable[[date], dict]:
    """A build from nothing, as of a day, of a lake (``settings``) that shares the ``silver`` folder of another:
    what that lake's incremental gold must equal. Returns ``day → fingerprint(fresh lake)``."""
    from job_analytics.gold import stage as transform

    fresh = Lake.from_settings(settings)
    fresh.root.mkdir()
    (fresh.root / "silver").symlink_to(silver)

    def build(day: date) -> dict:
        shutil.rmtree(fresh.warehouse_path.parent, ignore_errors=True)
        transform.run(settings, day)
        return fingerprint(fresh)

    return build
