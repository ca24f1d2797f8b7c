"""agg_skill_demand grows with the postings, not with the calendar: a posting from 2020 beside one from 2024 adds one
row, not four years of zero days (the trailing window keeps calendar days so the trends stay calendar windows)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb

from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY = date(2024, 1, 1)


def test_spine_is_bounded_by_a_trailing_window(tmp_path, monkeypatch):
    monkeypatch.setattr(transform, "generate_docs", lambda settings, day: {})
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY, [
        posting("old", skills=["Python"], posted_at=datetime(2020, 1, 1, 8, tzinfo=UTC)),
        posting("week", skills=["Python"], posted_at=datetime(2023, 12, 26, 8, tzinfo=UTC)),
        posting("new", skills=["Python"], posted_at=datetime(2024, 1, 1, 8, tzinfo=UTC)),
    ])
    assert transform.run(settings, DAY)["failed"] == []
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        # the old spine made 1,462 rows (every day from 2020-01-01); now 56 trailing days + the one 2020 day
        assert con.execute("select count(*), min(posted_date) from agg_skill_demand").fetchall() == [
            (57, date(2020, 1, 1))]
        assert con.execute("""
            select posted_date, postings, postings_7d, postings_prev_7d, postings_28d from agg_skill_demand
            where posted_date in ('2020-01-01', '2023-11-07', '2024-01-01') order by 1""").fetchall() == [
            (date(2020, 1, 1), 1, 1, 0, 1), (date(2023, 11, 7), 0, 0, 0, 0), (DAY, 1, 2, 0, 2)]
