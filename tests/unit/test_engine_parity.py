"""ENGINE=duckdb and ENGINE=spark give the same silver and quarantine rows from the same bronze, row for row.

One SparkSession for the module (PySpark local[*]); each case runs both engines on one lake and compares every
column (lists and timestamps included) after sorting, and the written files' schemas with the contract's.
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.schema import QUARANTINE, SILVER_JOBS
from job_analytics.core.settings import Settings
from job_analytics.ingest import stage as ingest
from job_analytics.silver import stage as silver

pytest.importorskip("pyspark")

DAY = date(2024, 1, 1)
RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"


@pytest.fixture(scope="module")
def spark():
    from job_analytics.silver import engine_spark

    session = engine_spark.session()
    yield session
    engine_spark.stop()


def run_both(spark, root: Path) -> dict[str, tuple[dict, list[dict], list[dict]]]:
    """Run each engine on a copy of the lake at ``root``; its summary, silver rows and quarantine rows."""
    results = {}
    for engine in ("duckdb", "spark"):
        lake_root = root.parent / f"{root.name}-{engine}"
        shutil.copytree(root, lake_root)
        settings = Settings(lake_url=str(lake_root), sources=["demo"], engine=engine)
        summary = silver.run(settings, DAY)
        lake = Lake.from_settings(settings)
        jobs = _read(lake.silver_partition(DAY), SILVER_JOBS)
        quarantine = _read(lake.quarantine_partition(DAY), QUARANTINE)
        assert lake.read_run_summary(DAY, "process")["engine"] == engine
        results[engine] = (summary, sorted(jobs, key=lambda r: r["job_id"]),
                           sorted(quarantine, key=lambda r: (r["raw"], r["reason"], r["detail"])))
    return results


def _read(partition: Path, schema) -> list[dict]:
    files = sorted(partition.glob("*.parquet"))
    assert [f.name for f in files] == ["part-00000.parquet"]
    table = pq.read_table(files[0])
    assert table.schema.equals(schema), f"{partition}: {table.schema} != {schema}"
    return table.to_pylist()


def assert_same(results: dict) -> tuple[dict, list[dict], list[dict]]:
    (s_duck, jobs_duck, q_duck), (s_spark, jobs_spark, q_spark) = results["duckdb"], results["spark"]
    assert len(jobs_duck) == len(jobs_spark)
    for a, b in zip(jobs_duck, jobs_spark, strict=True):
        assert a == b
    assert q_duck == q_spark
    ignore = {"engine", "seconds", "step_seconds", "finished_at"}
    assert {k: v for k, v in s_duck.items() if k not in ignore} == {k: v for k, v in s_spark.items() if k not in ignore}
    return results["duckdb"]


def test_demo_day_is_the_same_on_both_engines(spark, tmp_path):
    root = tmp_path / "demo"
    ingest.run(Settings(lake_url=str(root), sources=["demo"]), DAY)
    summary, jobs, quarantine = assert_same(run_both(spark, root))
    assert summary["bronze_records"] == summary["silver_rows"] + summary["quarantined"] > 200
    assert len(jobs) == summary["silver_rows"] and len(quarantine) == summary["quarantined"]
    assert any(row["skills"] for row in jobs) and all(row["posted_at"].tzinfo for row in jobs if row["posted_at"])


# -- a day of bad records over two sources and three files ---------------------------------------------------------

def remotive(job_id, title="Data Engineer", published="2023-12-30T10:00:00", **extra):
    return {"id": job_id, "url": f"https://remotive.com/remote-jobs/{job_id}", "title": title,
            "company_name": "Acme Inc.", "category": "Data", "tags": ["python", "k8s"], "job_type": "full_time",
            "publication_date": published, "candidate_required_location": "Remote - US",
            "salary": "$120k - $150k", "description": "<p>Build &amp; run <b>pipelines</b></p>", **extra}


def envelope(record, api="remotive", source="remotive", fetched="2024-01-01T06:00:00+00:00"):
    return json.dumps({"source": source, "api": api, "request_url": f"https://{api}.test/api",
                       "fetched_at": fetched, "record": record})


def greenhouse_records() -> list[dict]:
    path = next((RECORDED / "greenhouse").rglob("*.json"))
    return json.loads(path.read_text())["jobs"]


def write_part(root: Path, source: str, name: str, lines: list[str]) -> None:
    partition = Lake(root).bronze_partition(source, DAY)
    partition.mkdir(parents=True, exist_ok=True)
    (partition / name).write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))


def test_bad_records_are_the_same_on_both_engines(spark, tmp_path):
    root = tmp_path / "bad"
    gh = greenhouse_records()
    write_part(root, "remotive", "part-00000.jsonl.gz", [
        envelope(remotive(1)),
        envelope(remotive(2, title="<b>Senior</b> Data Engineer &amp; ML <script>x</script>")),
        envelope(remotive(3, published="2023-12-01T00:00:00")),
        envelope(remotive(3, published="2023-12-20T00:00:00")),  # same id, later posted_at: wins
        envelope(remotive(3, published="2023-12-05T00:00:00")),
        envelope(remotive(4, published="2023-12-10T00:00:00", company_name="Tie A")),
        envelope(remotive(4, published="2023-12-10T00:00:00", company_name="Tie B")),  # a tie: the later line
        envelope(remotive(5, title="")),
        envelope({k: v for k, v in remotive(6).items() if k != "id"}),  # missing id
        envelope(remotive(7, published="2024-03-01T00:00:00")),  # posted in the future
        envelope(remotive(8, salary="$90,000,000,000 per year")),  # absurd salary: nulled, noted
        envelope(remotive(9, salary="€4.500 - €5.000 / Monat", candidate_required_location="Berlin, Germany")),
        envelope(remotive(10, published=None)),  # no date: loses to a dated duplicate
        envelope(remotive(10, published="2023-11-01T00:00:00")),
        envelope(remotive(11), api="no_such_api"),
        envelope(["not", "an", "object"]),
        '{"source": "remotive", "api": "remotive", "record": {"id": 12,',  # a truncated line
        "",
        "\x00\xff not json at all",
        envelope(remotive(13, url="javascript:alert(1)", job_type="freelance-ish")),
    ])
    write_part(root, "remotive", "part-00001.jsonl.gz", [
        envelope(remotive(4, published="2023-12-10T00:00:00", company_name="Tie C")),  # later file: wins the tie
        envelope(remotive(14, title="Data Engineer (m/w/d)")),
    ])
    write_part(root, "greenhouse", "part-00000.jsonl.gz", [
        *[envelope(r, api="greenhouse", source="greenhouse") for r in gh],
        envelope({**gh[0], "updated_at": "2023-01-01T00:00:00Z"}, api="greenhouse", source="greenhouse"),
        envelope({**gh[0], "id": None}, api="greenhouse", source="greenhouse"),
        envelope({**gh[0], "updated_at": "not a date"}, api="greenhouse", source="greenhouse"),
    ])

    summary, jobs, quarantine = assert_same(run_both(spark, root))

    assert summary["bronze_records"] == 20 + 2 + len(gh) + 3
    assert summary["bronze_records"] == summary["silver_rows"] + summary["quarantined"]
    reasons = summary["quarantined_by_reason"]
    assert reasons["duplicate_posting"] == 2 + 2 + 1 + 1  # ids 3, 4 (x2), 10 and greenhouse's first job
    assert {"missing_id", "missing_title", "posted_in_future", "unknown_api", "unparseable_line"} <= set(reasons)
    by_id = {(r["source"], r["source_job_id"]): r for r in jobs}
    assert str(by_id["remotive", "3"]["posted_at"]).startswith("2023-12-20")
    assert by_id["remotive", "4"]["company"] == "Tie C"
    assert str(by_id["remotive", "10"]["posted_at"]).startswith("2023-11-01")
    assert by_id["remotive", "2"]["title"].startswith("Senior Data Engineer & ML")
    assert by_id["remotive", "8"]["salary_min"] is None and summary["notes"]["salary_implausible"] >= 1
    assert by_id["remotive", "13"]["url"] is None
    unparseable = [q for q in quarantine if q["reason"] == "unparseable_line"]
    assert {q["raw"] for q in unparseable} >= {"", '{"source": "remotive", "api": "remotive", "record": {"id": 12,'}


def test_spark_refuses_a_remote_lake_with_a_clear_error(tmp_path):
    from job_analytics.core.errors import ConfigError
    from job_analytics.silver.engine_spark import SparkEngine

    with pytest.raises(ConfigError, match="hadoop-aws"):
        SparkEngine(Settings(lake_url="s3://bucket/lake", engine="spark"))


def test_a_line_lost_in_mapping_fails_on_spark_too(spark, tmp_path, monkeypatch):
    from job_analytics.core.errors import ConservationError
    from job_analytics.silver import engine_spark

    root = tmp_path / "lake"
    settings = Settings(lake_url=str(root), sources=["demo"], engine="spark")
    ingest.run(settings, DAY)
    real = engine_spark.SparkEngine.map

    def loses_a_line(self, *args):
        real(self, *args)
        self.spark.read.parquet(str(self.scratch / "mapped")).where("_seq <> 0").createOrReplaceTempView("mapped")

    monkeypatch.setattr(engine_spark.SparkEngine, "map", loses_a_line)
    with pytest.raises(ConservationError, match="came out of mapping"):
        silver.run(settings, DAY)
    assert not Lake.from_settings(settings).silver_partition(DAY).exists()
