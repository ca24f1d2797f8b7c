"""Each posting's life, the daily flows and the demand index, on a scripted six-day history (one real dbt build per
case). ``close_after_days`` is 2; Greenhouse is a board API (closes on the first complete scrape without it),
Remotive a search API (closes on the second complete scrape without it).

    day            1    2        3        4    5       6
    greenhouse     ok   FAILED   ok       ok   CAPPED  ok       board /v1/boards/acme/jobs
      g1           x    x        x        x    .       x        open all along (absent only from the capped day)
      g2           x    x        .                              closed on day 3
      g3           x    .        x        .    .       x        day 2 failed: still open; closed day 4; back day 6
    remotive       ok   ok       FAILED   ok   ok      ok
      r1           x    x$       .        .    .       .        salary raised on day 2; closed on day 5
      r2           x    .        .        .                     closed on day 4 (day 3 failed: not counted)
      r3           x    .        .        .    x       .        closed on day 4, back on day 5, open
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.gold import stage as transform
from job_analytics.silver.scrapes import SCRAPES
from tests.unit.silver_factory import full_refresh_as_of, job_id, posting, write_silver

DAYS = [date(2024, 1, 1) + timedelta(days=n) for n in range(6)]
D1, D2, D3, D4, D5, D6 = DAYS
BOARD = "/v1/boards/acme/jobs"
# per day: greenhouse (complete, listed), remotive (complete, listed); None: the board has no listing that day
HISTORY = {
    D1: ((True, ["g1", "g2", "g3"]), (True, ["r1", "r2", "r3"])),
    D2: ((False, ["g1", "g2"]), (True, ["r1"])),
    D3: ((True, ["g1", "g3"]), (False, [])),
    D4: ((True, ["g1"]), (True, [])),
    D5: ((False, None), (True, ["r3"])),
    D6: ((True, ["g1", "g3"]), (True, [])),
}
RAISED = {"salary_min": 66_000.0, "salary_max": 88_000.0, "salary_annual_usd_min": 71_500.0,
          "salary_annual_usd_max": 95_700.0}


def gid(name: str) -> str:
    return job_id("greenhouse" if name[0] == "g" else "remotive", name)


def write_day(lake: Lake, day: date) -> None:
    (gh_complete, gh_listed), (rm_complete, rm_listed) = HISTORY[day]
    rows = [posting(name, source="greenhouse", ingest_date=day) for name in gh_listed or []]
    rows += [posting(name, source="remotive", ingest_date=day, **(RAISED if (name, day) == ("r1", D2) else {}))
             for name in rm_listed]
    write_silver(lake, day, rows)
    scrapes = [
        {"source": "greenhouse", "board": None, "lists_whole_board": True, "complete": gh_complete,
         "records": len(gh_listed or []), "job_ids": None},
        {"source": "remotive", "board": None, "lists_whole_board": False, "complete": rm_complete,
         "records": len(rm_listed), "job_ids": None},
    ]
    if gh_listed is not None:
        scrapes.append({"source": "greenhouse", "board": BOARD, "lists_whole_board": True, "complete": gh_complete,
                        "records": len(gh_listed), "job_ids": sorted(gid(n) for n in gh_listed)})
    partition = lake.scrapes_partition(day)
    partition.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([{**row, "ingest_date": day, "attempts": 1, "postings": row["records"]}
                                  for row in scrapes], schema=SCRAPES)
    pq.write_table(table, partition / "part-00000.parquet")


def settings_for(root: Path) -> Settings:
    return Settings(lake_url=str(root), sources=["demo"], close_after_days=2)


def rows(lake: Lake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Lake:
    settings = settings_for(tmp_path_factory.mktemp("lake"))
    lake = Lake.from_settings(settings)
    for day in DAYS:
        write_day(lake, day)
    summary = transform.run(settings, D6)
    assert summary["failed"] == [] and summary["warned"] == []
    return lake


LIFECYCLE_SQL = """
    select source_job_id, first_seen, last_seen, closed_on, days_open, times_reposted, current_opened_on
    from fct_posting_lifecycle join (select job_id, source_job_id from fct_job_postings) using (job_id)
    order by 1
"""


def test_each_posting_life(history):
    assert rows(history, LIFECYCLE_SQL) == [
        ("g1", D1, D6, None, 6, 0, D1),  # absent from the capped scrape only: never closed
        ("g2", D1, D2, D3, 2, 0, D1),    # the first complete scrape of its board without it
        ("g3", D1, D6, None, 6, 1, D6),  # the failed day 2 closed nothing; closed day 4, back day 6
        ("r1", D1, D2, D5, 2, 0, D1),    # the 2nd complete scrape of remotive after day 2 (day 3 failed)
        ("r2", D1, D1, D4, 1, 0, D1),    # days 2 and 4 (day 3 failed)
        ("r3", D1, D5, None, 5, 1, D5),  # closed on day 4, back on day 5, one complete scrape since
    ]


def test_episodes_of_a_reposted_posting(history):
    assert rows(history, f"""
        select episode, opened_on, last_seen, closed_on, days_seen from int_posting_episodes
        where posting_key = '{gid("g3")}' order by 1""") == [(1, D1, D3, D4, 2), (2, D6, D6, None, 1)]


def test_daily_flows(history):
    assert rows(history, """
        select flow_date, sum(new_postings), sum(reposted_postings), sum(closed_postings), sum(open_postings)
        from agg_daily_flow group by 1 order by 1""") == [
        (D1, 6, 0, 0, 6), (D2, 0, 0, 0, 6), (D3, 0, 0, 1, 5), (D4, 0, 0, 3, 2), (D5, 1, 1, 1, 2),
        (D6, 1, 1, 0, 3),
    ]
    # per source: open = open the day before + new - closed
    assert rows(history, "select flow_date, new_postings, closed_postings, open_postings from agg_daily_flow "
                         "where source = 'greenhouse' order by 1") == [
        (D1, 3, 0, 3), (D2, 0, 0, 3), (D3, 0, 1, 2), (D4, 0, 1, 1), (D5, 0, 0, 1), (D6, 1, 0, 2)]


def test_salary_history_is_type_2(history):
    assert rows(history, f"""
        select valid_from, valid_to, salary_annual_usd_mid, change_annual_usd, is_current from dim_posting_salary
        where posting_key = '{gid("r1")}' order by 1""") == [(D1, D2, 76_000.0, None, False),
                                                              (D2, None, 83_600.0, 7_600.0, True)]
    assert rows(history, f"select salary_first_annual_usd, salary_last_annual_usd from fct_posting_lifecycle "
                         f"where posting_key = '{gid('r1')}'") == [(76_000.0, 83_600.0)]


def test_demand_index_leaves_out_the_first_day_and_indexes_to_the_baseline(history):
    # day 1 is every source's first day (its backlog); opened after it: r3 on day 5, g3 on day 6, 5 days in all
    assert rows(history, "select index_date, new_postings, new_postings_7d_avg, baseline_daily_avg, demand_index "
                         "from agg_demand_index where dimension = 'role_family' order by 1") == [
        (D2, 0, 0.0, 0.4, 0.0), (D3, 0, 0.0, 0.4, 0.0), (D4, 0, 0.0, 0.4, 0.0), (D5, 1, 0.25, 0.4, 62.5),
        (D6, 1, 0.4, 0.4, 100.0),
    ]
    assert rows(history, "select distinct value from agg_demand_index where dimension = 'skill' order by 1") == [
        ("python",), ("sql",)]


def _fingerprint(lake: Lake) -> dict:
    tables = ("int_posting_episodes", "fct_posting_lifecycle", "agg_daily_flow", "agg_demand_index",
              "dim_posting_salary")
    return {t: rows(lake, f"select count(*), coalesce(sum(hash(x)), 0) from {t} as x")[0] for t in tables}


def test_backfill_knows_only_its_past_and_reruns_agree(history, tmp_path, monkeypatch):
    """Day by day (incremental appends), a backfill of day 3, a re-run: each equals a fresh build as of its day."""
    monkeypatch.setattr(transform, "generate_docs", lambda settings, day: {})
    settings = settings_for(tmp_path / "lake")
    lake = Lake.from_settings(settings)
    lake.root.mkdir()
    (lake.root / "silver").symlink_to(history.root / "silver")
    full = full_refresh_as_of(settings_for(tmp_path / "fresh"), history.root / "silver", _fingerprint)

    for day in (D2, D4, D6):  # appends: D4 after D2, D6 after D4
        transform.run(settings, day)
        assert _fingerprint(lake) == full(day), day
    assert _fingerprint(lake) == _fingerprint(history)

    transform.run(settings, D3)  # a backfill: nothing after day 3 is known
    assert _fingerprint(lake) == full(D3)
    assert rows(lake, LIFECYCLE_SQL) == [
        ("g1", D1, D3, None, 3, 0, D1), ("g2", D1, D2, D3, 2, 0, D1), ("g3", D1, D3, None, 3, 0, D1),
        ("r1", D1, D2, None, 2, 0, D1), ("r2", D1, D1, None, 1, 0, D1), ("r3", D1, D1, None, 1, 0, D1),
    ]
    transform.run(settings, D6)
    transform.run(settings, D6)  # a re-run of the day: the same rows
    assert _fingerprint(lake) == _fingerprint(history)


def test_a_lake_without_scrape_records_closes_nothing(tmp_path):
    settings = settings_for(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, D1, [posting("1")])
    write_silver(lake, D2, [posting("2", ingest_date=D2)])
    assert transform.run(settings, D2)["failed"] == []
    assert rows(lake, "select count(*), count(closed_on) from fct_posting_lifecycle") == [(2, 0)]
