"""The lake's primitives on S3 (a moto server on 127.0.0.1, reached over HTTP by s3fs): layer buckets, atomic
writes, partition replacement, DuckDB reads, retention and compaction."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from job_analytics import maintenance
from job_analytics.core.errors import ConfigError
from job_analytics.core.lake import Lake, staged_dir, write_json_atomic
from job_analytics.core.settings import Settings
from tests.moto_server import aws_env, moto_reset, moto_server  # noqa: F401  (fixtures)

DAY = date(2024, 1, 1)


@pytest.fixture
def s3(moto_server, moto_reset, monkeypatch, tmp_path):  # noqa: F811
    import boto3

    for key, value in aws_env(moto_server).items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3")
    for bucket in ("lake", "bronze", "silver"):
        client.create_bucket(Bucket=bucket)
    return client


def _keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def _settings(tmp_path, **extra) -> Settings:
    return Settings(_env_file=None, lake_url="s3://lake/prod", work_dir=tmp_path / "work", **extra)


def test_layers_go_to_their_buckets_and_the_rest_under_the_lake_url(s3, tmp_path):
    lake = Lake.from_settings(_settings(tmp_path, S3_BRONZE_BUCKET="bronze", S3_SILVER_BUCKET="silver"))
    assert lake.remote
    assert str(lake.bronze_partition("demo", DAY)) == "s3://bronze/bronze/source=demo/ingest_date=2024-01-01"
    assert lake.silver_glob == "s3://silver/silver/jobs/ingest_date=*/*.parquet"
    assert str(lake.gold_table("fct")) == "s3://lake/prod/gold/fct"  # no gold bucket: under the lake URL
    assert str(lake.catalog_path) == "s3://lake/prod/catalog/job_analytics.duckdb"
    assert lake.warehouse_path == (tmp_path / "work" / "warehouse" / "candidate.duckdb").resolve()
    assert lake.relative(lake.bronze_partition("demo", DAY)) == "bronze/source=demo/ingest_date=2024-01-01"


def test_other_schemes_are_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="s3://"):
        Lake.from_settings(Settings(_env_file=None, lake_url="gs://bucket/lake"))


def test_staged_dir_replaces_a_partition_and_drops_stale_objects(s3, tmp_path):
    lake = Lake.from_settings(_settings(tmp_path))
    partition = lake.silver_partition(DAY)
    with staged_dir(partition) as stage:
        (stage / "part-00000.parquet").write_bytes(b"one")
        (stage / "part-00001.parquet").write_bytes(b"two")
    with staged_dir(partition) as stage:
        (stage / "part-00000.parquet").write_bytes(b"new")
    assert _keys(s3, "lake") == ["prod/silver/jobs/ingest_date=2024-01-01/part-00000.parquet"]
    assert (partition / "part-00000.parquet").read_bytes() == b"new"


def test_staged_dir_failure_leaves_the_old_partition(s3, tmp_path):
    lake = Lake.from_settings(_settings(tmp_path))
    partition = lake.silver_partition(DAY)
    with staged_dir(partition) as stage:
        (stage / "part-00000.parquet").write_bytes(b"old")
    with pytest.raises(RuntimeError), staged_dir(partition) as stage:
        (stage / "part-00000.parquet").write_bytes(b"half")
        raise RuntimeError("writer died")
    assert (partition / "part-00000.parquet").read_bytes() == b"old"


def test_run_summaries_and_duckdb_reads(s3, tmp_path):
    lake = Lake.from_settings(_settings(tmp_path))
    lake.write_run_summary(DAY, "process", {"silver_rows": 2})
    assert lake.read_run_summary(DAY, "process")["silver_rows"] == 2
    write_json_atomic(lake.root / "x" / "y.json", {"a": 1})
    assert (lake.root / "x" / "y.json").exists()
    with staged_dir(lake.silver_partition(DAY)) as stage:
        pq.write_table(pa.table({"job_id": ["a", "b"]}), stage / "part-00000.parquet")
    assert lake.glob(lake.silver_glob) == ["s3://lake/prod/silver/jobs/ingest_date=2024-01-01/part-00000.parquet"]
    with lake.duckdb_connect() as con:
        rows = con.execute(f"select count(*) from read_parquet('{lake.silver_glob}')").fetchone()
    assert rows == (2,)


def test_retention_and_compaction_on_s3(s3, tmp_path):
    settings = _settings(tmp_path, S3_BRONZE_BUCKET="bronze", retention_days=10, maintenance_dry_run=False)
    lake = Lake.from_settings(settings)
    old, new = date(2023, 1, 1), date(2024, 1, 1)
    for day in (old, new):
        with staged_dir(lake.bronze_partition("demo", day)) as stage:
            (stage / "part-00000.jsonl.gz").write_bytes(b"x")
        lake.write_run_summary(day, "scrape", {})
        for layer in ("jobs", "quarantine"):
            partition = lake.silver_dir / layer / f"ingest_date={day.isoformat()}"
            with staged_dir(partition) as stage:
                for n in range(2):
                    pq.write_table(pa.table({"n": [n]}), stage / f"part-0000{n}.parquet")

    summary = maintenance.retention(settings, date(2024, 1, 5))
    assert sorted(summary["deleted"]) == ["bronze/source=demo/ingest_date=2023-01-01", "runs/2023-01-01",
                                          "silver/quarantine/ingest_date=2023-01-01"]
    assert _keys(s3, "bronze") == ["bronze/source=demo/ingest_date=2024-01-01/part-00000.jsonl.gz"]

    compacted = maintenance.compact_silver(settings, new)
    assert compacted["layers"]["silver/jobs"]["compacted"] and compacted["layers"]["silver/jobs"]["rows"] == 2
    jobs = [k for k in _keys(s3, "lake") if k.startswith("prod/silver/jobs/ingest_date=2024-01-01/")]
    assert jobs == ["prod/silver/jobs/ingest_date=2024-01-01/part-00000.parquet"]
