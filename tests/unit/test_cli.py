from __future__ import annotations

import json

from job_analytics.cli import main


def test_stage_failure_exits_1_with_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOB_ANALYTICS_LAKE_URL", str(tmp_path))
    assert main(["process", "--date", "2024-01-01"]) == 1
    assert "MissingInputError" in capsys.readouterr().err


def test_maintenance_is_dry_run_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOB_ANALYTICS_LAKE_URL", str(tmp_path))
    monkeypatch.setenv("JOB_ANALYTICS_RETENTION_DAYS", "1")
    (tmp_path / "bronze/source=demo/ingest_date=2020-01-01").mkdir(parents=True)
    assert main(["maintenance", "--date", "2024-01-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True and out["expired"] == ["bronze/source=demo/ingest_date=2020-01-01"]
    assert (tmp_path / "bronze/source=demo/ingest_date=2020-01-01").exists()


def test_scrape_then_process_by_hand(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOB_ANALYTICS_LAKE_URL", str(tmp_path))
    monkeypatch.setenv("JOB_ANALYTICS_SOURCES", "demo")
    assert main(["scrape", "--date", "2024-01-01"]) == 0
    assert main(["process", "--date", "2024-01-01"]) == 0
    summary = json.loads(capsys.readouterr().out.split("\n}\n")[-2] + "\n}")
    assert summary["bronze_records"] == summary["silver_rows"] + summary["quarantined"]
