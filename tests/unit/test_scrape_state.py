"""The per-source scrape state: cursors from earlier dates only, a compact file, trimmed to its window."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from job_analytics.ingest import state as scrape_state
from job_analytics.ingest.state import LOOKBACK, Cursor, SourceState

D1, D2, D3 = date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)
T1 = datetime(2024, 1, 1, 5, 0, tzinfo=UTC)
T2 = datetime(2024, 1, 2, 5, 0, tzinfo=UTC)


def test_no_state_gives_a_cursor_that_knows_nothing(tmp_path):
    cursor = scrape_state.load(tmp_path / "state.json", "arbeitnow").cursor(D1)
    assert (cursor.last_run_date, cursor.since, cursor.seen_ids, cursor.days_since_last_run) == (
        None,
        None,
        frozenset(),
        None,
    )
    assert not cursor.is_known("a", T1)


def test_the_cursor_comes_from_earlier_dates_only():
    state = (
        SourceState("arbeitnow")
        .with_run(D1, ["a", "b"], T1, records=2, window_days=7)
        .with_run(D2, ["b", "c"], T2, records=2, window_days=7)
    )

    after = state.cursor(D3)
    assert (after.last_run_date, after.since, after.seen_ids) == (D2, T2 - LOOKBACK, {"a", "b", "c"})
    assert after.days_since_last_run == 1

    rerun = state.cursor(D2)  # exactly what the first run of D2 started from
    assert (rerun.last_run_date, rerun.since, rerun.seen_ids) == (D1, T1 - LOOKBACK, {"a", "b"})
    assert state.cursor(D1) == Cursor(day=D1)  # a backfill before every run asks for everything


@pytest.mark.parametrize(
    "job_id, posted_at, known",
    [
        ("a", T2, True),  # seen before, whatever its date
        ("z", T1 - LOOKBACK - timedelta(seconds=1), True),  # older than the watermark's lookback
        ("z", T1 - LOOKBACK, False),
        ("z", None, False),  # no date: new unless its id was seen
        (None, T2, False),
    ],
)
def test_is_known(job_id, posted_at, known):
    cursor = SourceState("s").with_run(D1, ["a"], T1, records=1, window_days=7).cursor(D2)
    assert cursor.is_known(job_id, posted_at) is known


def test_ids_keep_their_first_date_and_the_window_trims_old_dates():
    state = SourceState("s").with_run(D1, ["a"], T1, records=1, window_days=2)
    state = state.with_run(D2, ["a", "b"], T2, records=2, window_days=2)
    assert state.first_seen == {"a": D1, "b": D2}
    state = state.with_run(D3, ["c"], None, records=1, window_days=2)  # keeps D2 and D3
    assert (sorted(state.runs), state.first_seen) == ([D2, D3], {"b": D2, "c": D3})
    assert state.cursor(date(2024, 1, 4)).since == T2 - LOOKBACK  # a run with no dates keeps the older watermark


def test_a_backfill_moves_an_id_to_its_earlier_date():
    state = SourceState("s").with_run(D2, ["a"], T2, records=1, window_days=7)
    assert state.with_run(D1, ["a"], T1, records=1, window_days=7).first_seen == {"a": D1}


def test_the_file_is_compact_and_reads_back(tmp_path):
    path = tmp_path / "state" / "source=arbeitnow.json"
    scrape_state.record_run(path, "arbeitnow", D1, ids=["b", "a"], newest=T1, records=2, window_days=7)
    scrape_state.record_run(path, "arbeitnow", D2, ids=["a", "c"], newest=T2, records=2, window_days=7)

    saved = json.loads(path.read_text())
    assert saved["format"] == 1 and saved["source"] == "arbeitnow"
    assert saved["runs"] == {
        "2024-01-01": {"newest_posted_at": T1.isoformat(), "records": 2},
        "2024-01-02": {"newest_posted_at": T2.isoformat(), "records": 2},
    }
    assert saved["first_seen"] == {"2024-01-01": ["a", "b"], "2024-01-02": ["c"]}  # each id once
    assert scrape_state.load(path, "arbeitnow").cursor(D3).seen_ids == {"a", "b", "c"}


@pytest.mark.parametrize("text", ["{not json", '{"format": 99}', "[]", '{"format": 1, "runs": {"x": {}}}'])
def test_an_unreadable_state_is_no_state(tmp_path, text, caplog):
    path = tmp_path / "source=s.json"
    path.write_text(text)
    assert scrape_state.load(path, "s").cursor(D2) == Cursor(day=D2)
    assert "scrape_state_unreadable" in caplog.text


def test_the_cursor_manifest_names_what_it_used():
    cursor = SourceState("s").with_run(D1, ["a"], T1, records=1, window_days=7).cursor(D2)
    cursor.pages_skipped = 2
    cursor.notes["date_posted"] = "today"
    assert cursor.manifest() == {
        "since": (T1 - LOOKBACK).isoformat(),
        "last_run_date": "2024-01-01",
        "pages_skipped": 2,
        "date_posted": "today",
    }
