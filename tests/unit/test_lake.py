from __future__ import annotations

from datetime import date

import pytest

from job_analytics.core.lake import Lake, safe_segment, staged_dir


@pytest.mark.parametrize("raw, expected", [
    ("remotive", "remotive"), ("../../etc", "etc"), ("Arbeit Now!", "arbeit_now"), ("", "_"), ("a/b", "a_b"),
])
def test_safe_segment_cannot_escape_the_lake(raw, expected):
    assert safe_segment(raw) == expected


def test_staged_dir_swaps_whole_partition(tmp_path):
    final = tmp_path / "p"
    with staged_dir(final) as stage:
        (stage / "a").write_text("1")
    with staged_dir(final) as stage:
        (stage / "b").write_text("2")
    assert sorted(p.name for p in final.iterdir()) == ["b"]
    assert [p.name for p in tmp_path.iterdir()] == ["p"]  # no staging or old folders left behind


def test_staged_dir_keeps_old_partition_on_error(tmp_path):
    final = tmp_path / "p"
    with staged_dir(final) as stage:
        (stage / "a").write_text("1")
    with pytest.raises(RuntimeError), staged_dir(final) as stage:
        (stage / "half").write_text("x")
        raise RuntimeError("writer died")
    assert [p.name for p in final.iterdir()] == ["a"]
    assert [p.name for p in tmp_path.iterdir()] == ["p"]


def test_staged_dir_removes_what_a_killed_writer_left(tmp_path):
    """A SIGKILLed writer runs no cleanup: its hidden staging folder stays until the partition's next writer."""
    final = tmp_path / "ingest_date=2024-01-01"
    (tmp_path / ".ingest_date=2024-01-01.staging-dead0001").mkdir()
    (tmp_path / ".ingest_date=2024-01-01.staging-dead0001" / "part-0.parquet").write_text("half")
    (tmp_path / ".ingest_date=2024-01-01.old-dead0002").mkdir()
    (tmp_path / ".ingest_date=2024-01-02.staging-other003").mkdir()  # another partition's writer: not ours
    with staged_dir(final) as stage:
        (stage / "a").write_text("1")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ingest_date=2024-01-02.staging-other003",
                                                          "ingest_date=2024-01-01"]
    assert [p.name for p in final.iterdir()] == ["a"]


def test_run_summary_round_trip_is_stamped(tmp_path):
    lake = Lake(tmp_path)
    lake.write_run_summary(date(2024, 1, 1), "scrape", {"records": 3})
    summary = lake.read_run_summary(date(2024, 1, 1), "scrape")
    assert summary["records"] == 3 and "finished_at" in summary
    assert lake.read_run_summary(date(2024, 1, 2), "scrape") is None


def test_a_bronze_part_is_written_once_and_never_replaced(tmp_path):
    from job_analytics.core.lake import write_bytes_once

    part = tmp_path / "bronze" / "part-a.jsonl.gz"
    write_bytes_once(part, b"first")
    with pytest.raises(FileExistsError):
        write_bytes_once(part, b"second")
    assert part.read_bytes() == b"first"
    assert not (part.stat().st_mode & 0o222)  # read-only
    assert [p.name for p in part.parent.iterdir()] == ["part-a.jsonl.gz"]  # no temporary file left
