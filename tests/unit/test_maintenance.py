from __future__ import annotations

from datetime import date

from job_analytics.maintenance import retention
from job_analytics.settings import Settings


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
