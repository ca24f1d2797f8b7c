from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.schema import SILVER_JOBS
from job_analytics.core.settings import Settings
from job_analytics.maintenance import (
    airflow_db_clean,
    checkpoint_catalog,
    compact_silver,
    compact_silver_all,
    retention,
)
from tests.unit.silver_factory import lake_settings, posting, write_silver


def _lake(tmp_path):
    for rel in ["bronze/source=demo/ingest_date=2024-01-01", "bronze/source=demo/ingest_date=2024-03-30",
                "silver/jobs/ingest_date=2024-01-01", "silver/quarantine/ingest_date=2024-01-01",
                "runs/2024-01-01", "runs/2024-03-30"]:
        (tmp_path / rel).mkdir(parents=True)
        (tmp_path / rel / "f").write_text("x")
    (tmp_path / "dashboard").mkdir()
    for name in ["2024-01-01.html", "2024-03-30.html", "index.html"]:
        (tmp_path / "dashboard" / name).write_text("x")
    return Settings(lake_url=str(tmp_path), retention_days=30)


def test_dry_run_lists_but_keeps(tmp_path):
    settings = _lake(tmp_path)
    out = retention(settings, date(2024, 4, 1))
    assert out["dry_run"] is True and out["deleted"] == []
    assert set(out["expired"]) == {"bronze/source=demo/ingest_date=2024-01-01",
                                   "silver/quarantine/ingest_date=2024-01-01", "runs/2024-01-01",
                                   "dashboard/2024-01-01.html"}
    assert (tmp_path / "bronze/source=demo/ingest_date=2024-01-01/f").exists()


def test_delete_removes_only_expired_raw_and_operational_data(tmp_path):
    settings = _lake(tmp_path)
    out = retention(settings, date(2024, 4, 1), dry_run=False)
    assert len(out["deleted"]) == 4
    assert not (tmp_path / "bronze/source=demo/ingest_date=2024-01-01").exists()
    assert (tmp_path / "bronze/source=demo/ingest_date=2024-03-30").exists()
    assert (tmp_path / "silver/jobs/ingest_date=2024-01-01").exists()  # silver history is never expired
    assert (tmp_path / "dashboard/index.html").exists()


def test_retention_removes_every_attempt_of_a_date_together(tmp_path, monkeypatch):
    from job_analytics.ingest import stage as ingest

    settings = Settings(lake_url=str(tmp_path / "lake"), retention_days=30)
    for day in (date(2024, 1, 1), date(2024, 3, 30)):
        ingest.run(settings, day)
        ingest.run(settings, day, rescrape=True)  # two attempts: two read-only parts and their manifests
    lake = Lake.from_settings(settings)
    old, kept = lake.bronze_partition("demo", date(2024, 1, 1)), lake.bronze_partition("demo", date(2024, 3, 30))
    assert len(list(old.glob("part-*.jsonl.gz"))) == 2 and len(list(old.glob("_manifest-*.json"))) == 2

    out = retention(settings, date(2024, 4, 1), dry_run=False)

    assert "bronze/source=demo/ingest_date=2024-01-01" in out["deleted"]
    assert not old.exists()
    assert len(list(kept.glob("part-*.jsonl.gz"))) == 2  # a kept date keeps all its attempts


# -- compaction ---------------------------------------------------------------------------------------------------
def _silver_in_pieces(tmp_path, day, pieces):
    """A silver partition written as ``len(pieces)`` files, as an engine writing many small files would."""
    lake = Lake(tmp_path)
    for n, ids in enumerate(pieces):
        write_silver(lake, day, [posting(str(i), ingest_date=day) for i in ids], name=f"part-{n:05d}.parquet")
    return lake


def _rows(partition):
    return pq.read_table(partition).sort_by("source_job_id").to_pylist()


def test_compact_silver_merges_a_partition_into_one_file_with_the_same_rows(tmp_path):
    day = date(2024, 3, 30)
    lake = _silver_in_pieces(tmp_path, day, [[1, 2], [3], [4, 5, 6]])
    quarantine = lake.quarantine_partition(day)
    quarantine.mkdir(parents=True)
    for n in range(2):
        pq.write_table(pa.table({"reason": [f"r{n}"], "source": ["demo"]}), quarantine / f"part-{n}.parquet")
    before = _rows(lake.silver_partition(day))

    out = compact_silver(lake_settings(tmp_path), day)

    jobs = out["layers"]["silver/jobs"]
    assert (jobs["files_before"], jobs["files_after"], jobs["rows"], jobs["compacted"]) == (3, 1, 6, True)
    assert [p.name for p in lake.silver_partition(day).iterdir()] == ["part-00000.parquet"]
    assert _rows(lake.silver_partition(day)) == before
    assert pq.read_schema(lake.silver_partition(day) / "part-00000.parquet").equals(SILVER_JOBS, check_metadata=False)
    assert out["layers"]["silver/quarantine"]["rows"] == 2
    assert [p.name for p in lake.root.glob("silver/jobs/.*")] == []  # no staging directory left behind


def test_compact_silver_twice_is_a_no_op(tmp_path):
    day = date(2024, 3, 30)
    lake = _silver_in_pieces(tmp_path, day, [[1], [2]])
    compact_silver(lake_settings(tmp_path), day)
    written = (lake.silver_partition(day) / "part-00000.parquet").stat().st_mtime_ns

    again = compact_silver(lake_settings(tmp_path), day)

    assert again["layers"]["silver/jobs"]["compacted"] is False
    assert (lake.silver_partition(day) / "part-00000.parquet").stat().st_mtime_ns == written


def test_compact_failure_leaves_the_partition_as_it_was(tmp_path, monkeypatch):
    day = date(2024, 3, 30)
    lake = _silver_in_pieces(tmp_path, day, [[1], [2]])

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        compact_silver(lake_settings(tmp_path), day)
    assert sorted(p.name for p in lake.silver_partition(day).iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert [p.name for p in lake.root.glob("silver/jobs/.*")] == []


def test_compact_all_touches_only_partitions_with_several_files(tmp_path):
    old, new = date(2024, 1, 1), date(2024, 3, 30)
    _silver_in_pieces(tmp_path, old, [[1], [2], [3]])
    _silver_in_pieces(tmp_path, new, [[4, 5]])

    out = compact_silver_all(lake_settings(tmp_path))

    assert out == {"days": ["2024-01-01"], "compacted": ["silver/jobs/ingest_date=2024-01-01"]}


# -- airflow db clean ---------------------------------------------------------------------------------------------
class _Recorder:
    def __init__(self, returncode=0, output=("Performing dry run for table dag_run\nChecking table dag_run\n"
                                             "Found 3 rows meeting deletion criteria.\nChecking table job\n"
                                             "Found 0 rows meeting deletion criteria.\n")):
        self.returncode, self.output, self.calls = returncode, output, []

    def __call__(self, command, **kwargs):
        self.calls.append(command)
        return subprocess.CompletedProcess(command, self.returncode, stdout=self.output, stderr="")


def test_airflow_db_clean_is_a_dry_run_by_default():
    run = _Recorder()
    out = airflow_db_clean(30, now=datetime(2024, 4, 1, tzinfo=UTC), run=run)
    (command,) = run.calls
    assert command[1:5] == ["-m", "airflow", "db", "clean"]
    assert command[command.index("--clean-before-timestamp") + 1] == "2024-03-02T00:00:00+00:00"
    assert {"--yes", "--skip-archive", "--dry-run"} <= set(command)
    assert out["dry_run"] is True and out["rows"] == {"dag_run": 3}


def test_airflow_db_clean_deletes_when_asked_and_fails_loudly():
    run = _Recorder()
    airflow_db_clean(7, dry_run=False, run=run)
    assert "--dry-run" not in run.calls[0]
    with pytest.raises(RuntimeError, match="exit code 1"):
        airflow_db_clean(7, run=_Recorder(returncode=1, output="boom"))
    with pytest.raises(ValueError):
        airflow_db_clean(0, run=_Recorder())


# -- catalog checkpoint -------------------------------------------------------------------------------------------
def test_checkpoint_catalog(tmp_path):
    settings = lake_settings(tmp_path)
    assert checkpoint_catalog(settings) == {"catalog": "catalog/job_analytics.duckdb", "checkpointed": False,
                                            "reason": "no catalog yet"}
    path = Lake(tmp_path).catalog_path
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE VIEW agg_daily_postings AS SELECT 1 AS postings")

    out = checkpoint_catalog(settings)

    assert out["checkpointed"] is True and not Path(f"{path}.wal").exists()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT postings FROM agg_daily_postings").fetchone() == (1,)
