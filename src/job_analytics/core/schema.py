"""The silver contract (docs/lake.md, "the silver row") as Arrow schemas, written once and used by every engine."""

from __future__ import annotations

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

SILVER_JOBS = pa.schema(
    [
        ("job_id", pa.string()),  # sha256(source + ":" + source_job_id)[:32]
        ("source", pa.string()),
        ("source_job_id", pa.string()),
        ("title", pa.string()),
        ("company", pa.string()),
        ("city", pa.string()),
        ("region", pa.string()),
        ("country_code", pa.string()),  # ISO 3166-1 alpha-2; null when unknown or worldwide
        ("is_remote", pa.bool_()),
        ("employment_type", pa.string()),  # full_time | part_time | contract | internship | temporary | null
        ("seniority", pa.string()),
        ("role_family", pa.string()),
        ("salary_min", pa.float64()),
        ("salary_max", pa.float64()),
        ("salary_currency", pa.string()),  # ISO 4217
        ("salary_period", pa.string()),  # year | month | week | day | hour
        ("salary_source", pa.string()),  # field | description | title | null: where the salary was read
        ("salary_annual_usd_min", pa.float64()),
        ("salary_annual_usd_max", pa.float64()),
        ("skills", pa.list_(pa.string())),
        ("description_text", pa.string()),
        ("url", pa.string()),
        ("posted_at", UTC_TS),
        ("ingest_date", pa.date32()),
        ("duplicate_group", pa.string()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("source", pa.string()),
        ("api", pa.string()),  # the raw shape (remotive, arbeitnow, …); the demo source replays several
        ("ingest_date", pa.date32()),
        ("reason", pa.string()),  # a short code: unparseable_line, missing_id, duplicate_posting, …
        ("detail", pa.string()),
        ("request_url", pa.string()),
        ("raw", pa.string()),  # the bronze line exactly as landed
    ]
)

EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")
SALARY_PERIODS = ("year", "month", "week", "day", "hour")
SALARY_SOURCES = ("field", "description", "title")
