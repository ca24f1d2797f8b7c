"""bronze → silver on hand-made bronze: every line lands once, in silver or in quarantine with its reason."""

from __future__ import annotations

import gzip
import json
from datetime import date

import duckdb
import pytest

from job_analytics.core.errors import ConservationError, MissingInputError
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.ingest import bronze
from job_analytics.silver import engine_duckdb
from job_analytics.silver.stage import run

DAY = date(2024, 1, 1)


def remotive(job_id, title="Data Engineer", published="2023-12-30T10:00:00", **extra):
    return {"id": job_id, "url": f"https://remotive.com/remote-jobs/{job_id}", "title": title,
            "company_name": "Acme Inc.", "category": "Data", "tags": ["python", "k8s"], "job_type": "full_time",
            "publication_date": published, "candidate_required_location": "Remote - US",
            "salary": "$120k - $150k", "description": "<p>Build &amp; run <b>pipelines</b></p>", **extra}


def envelope(record, api="remotive"):
    return json.dumps({"source": "remotive", "api": api, "request_url": "https://remotive.com/api/remote-jobs",
                       "fetched_at": "2024-01-01T06:00:00+00:00", "record": record})


@pytest.fixture
def settings(tmp_path):
    return Settings(lake_url=str(tmp_path))


def write_bronze(settings, lines):
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    partition.mkdir(parents=True)
    with gzip.open(partition / "part-00000.jsonl.gz", "wt") as handle:
        handle.write("\n".join(lines) + "\n")


def test_every_bronze_line_is_accounted_for(settings, tmp_path):
    write_bronze(settings, [
        envelope(remotive(1)),
        envelope(remotive(2, title="<b>Senior</b> Data Engineer &amp; ML")),
        envelope(remotive(3, published="2023-12-01T00:00:00")),
        envelope(remotive(3, published="2023-12-20T00:00:00")),  # same id, later: wins
        envelope(remotive(4, title="")),
        envelope({k: v for k, v in remotive(5).items() if k != "id"}),
        envelope(remotive(6, published="2024-03-01T00:00:00")),
        envelope(remotive(7), api="no_such_api"),
        '{"source": "remotive", "api": "remotive", "record": {"id": 8,',  # a truncated line
    ])
    summary = run(settings, DAY)

    assert summary["bronze_records"] == 9
    assert summary["silver_rows"] == 3 and summary["quarantined"] == 6
    assert summary["quarantined_by_reason"] == {
        "duplicate_posting": 1, "missing_title": 1, "missing_id": 1, "posted_in_future": 1, "unknown_api": 1,
        "unparseable_line": 1}

    silver = duckdb.sql(f"select * from read_parquet('{tmp_path}/silver/jobs/ingest_date=2024-01-01/*.parquet') "
                        "order by source_job_id").fetchall()
    cols = [d[0] for d in duckdb.sql(f"select * from read_parquet('{tmp_path}/silver/jobs/*/*.parquet')").description]
    by_id = {r[cols.index("source_job_id")]: dict(zip(cols, r, strict=True)) for r in silver}
    assert by_id["2"]["title"] == "Senior Data Engineer & ML"
    assert str(by_id["3"]["posted_at"]).startswith("2023-12-20")
    assert by_id["1"]["country_code"] == "US" and by_id["1"]["is_remote"] is True
    assert by_id["1"]["salary_annual_usd_min"] == 120_000 and by_id["1"]["salary_currency"] == "USD"
    assert "Kubernetes" in by_id["1"]["skills"]
    assert by_id["1"]["description_text"] == "Build & run pipelines"

    quarantine = duckdb.sql(f"select reason, raw from read_parquet('{tmp_path}/silver/quarantine/*/*.parquet')")
    raws = dict(quarantine.fetchall())
    assert raws["unparseable_line"].endswith('{"id": 8,')  # kept exactly as landed


def test_rerun_replaces_the_partition(settings, tmp_path):
    write_bronze(settings, [envelope(remotive(1)), envelope(remotive(2))])
    first = run(settings, DAY)
    second = run(settings, DAY)
    assert first["silver_rows"] == second["silver_rows"] == 2
    assert len(list((tmp_path / "silver/jobs/ingest_date=2024-01-01").iterdir())) == 1


def test_missing_bronze_is_a_clear_error(settings):
    with pytest.raises(MissingInputError, match="run the scrape stage first"):
        run(settings, DAY)


def test_backfill_keeps_postings_newer_than_its_logical_date(settings):
    """Future means later than the fetch, not later than the logical date: a backfill fetches today's jobs."""
    line = json.loads(envelope(remotive(1, published="2025-06-01T09:00:00")))
    line["fetched_at"] = "2025-06-02T06:00:00+00:00"
    write_bronze(settings, [json.dumps(line)])
    summary = run(settings, DAY)
    assert summary["silver_rows"] == 1 and summary["quarantined"] == 0


def _silver_files(settings) -> dict[str, bytes]:
    lake = Lake.from_settings(settings)
    return {str(p): p.read_bytes() for part in (lake.silver_partition(DAY), lake.quarantine_partition(DAY))
            for p in sorted(part.glob("*"))}


def test_a_line_lost_in_mapping_fails_the_step_and_leaves_the_earlier_partitions(settings, monkeypatch):
    write_bronze(settings, [envelope(remotive(i)) for i in range(1, 6)])
    run(settings, DAY)
    before = _silver_files(settings)
    real = engine_duckdb.map_file

    def loses_the_first_line(*args, **kwargs):
        for batch in real(*args, **kwargs):
            yield batch.slice(1) if batch.num_rows and batch.column("_seq")[0].as_py() == 0 else batch

    monkeypatch.setattr(engine_duckdb, "map_file", loses_the_first_line)
    with pytest.raises(ConservationError, match="5 bronze records were landed, 4 came out of mapping"):
        run(settings, DAY)
    assert _silver_files(settings) == before


def test_a_part_that_disagrees_with_its_manifest_fails_the_step(settings):
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    partition.mkdir(parents=True)
    attempt = bronze.new_attempt_id()
    lines = [envelope(remotive(i)) for i in range(1, 4)]
    with gzip.open(partition / bronze.part_file(attempt), "wt") as handle:
        handle.write("\n".join(lines[:2]) + "\n")  # the third line was lost after landing
    (partition / bronze.attempt_manifest_file(attempt)).write_text(json.dumps(
        {"attempt": attempt, "records": 3, "files": [bronze.part_file(attempt)], "ok": True}))
    with pytest.raises(ConservationError, match="has 2 lines, its manifest says 3 records"):
        run(settings, DAY)


def test_silver_reads_every_attempt_and_the_latest_sighting_wins(settings, tmp_path):
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    partition.mkdir(parents=True)
    first, second = bronze.new_attempt_id(), bronze.new_attempt_id()
    assert first < second
    for attempt, records in ((first, [remotive(1, title="Data Engineer"), remotive(2)]),
                             (second, [remotive(1, title="Senior Data Engineer"), remotive(3)])):
        with gzip.open(partition / bronze.part_file(attempt), "wt") as handle:
            handle.write("".join(envelope(r) + "\n" for r in records))
        (partition / bronze.attempt_manifest_file(attempt)).write_text(json.dumps(
            {"attempt": attempt, "records": 2, "files": [bronze.part_file(attempt)], "ok": True}))

    summary = run(settings, DAY)

    assert (summary["bronze_records"], summary["silver_rows"], summary["quarantined"]) == (4, 3, 1)
    rows = dict(duckdb.sql(f"select source_job_id, title from read_parquet('{tmp_path}/silver/jobs/*/*.parquet')")
                .fetchall())
    assert rows == {"1": "Senior Data Engineer", "2": "Data Engineer", "3": "Data Engineer"}
