"""``silver/scrapes``: what each day's scrapes listed and which of them were complete, for gold to decide when a
posting closed (dbt: ``stg_silver__scrapes`` → ``int_posting_episodes``).

Written by the process stage beside ``silver/jobs`` (and swapped in with it), one Parquet file per ingest date:

- one row per source scraped that day, ``board`` null: the source as a whole;
- for a board API (``Source.lists_whole_board``: each response lists every open job of one board, the request path
  naming the board), one more row per board it listed, with the ids of the silver postings it listed (``job_ids``).

``complete`` says whether a scrape attempt that read everything it was asked for (no error, not capped:
``ingest.bronze.is_complete``) landed what the row describes: for a source row, any attempt of the day; for a board row,
an attempt that listed the board. A failed, capped or partial scrape is never complete, so it closes nothing.
A board that answered with no job at all lands no line and so has no row: its postings stay open until a complete
scrape lists the board again (or forever, if the board is no longer scraped — never closed by mistake).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

#: silver/scrapes/ingest_date=<d>/part-00000.parquet
SCRAPES = pa.schema([
    ("ingest_date", pa.date32()),
    ("source", pa.string()),
    ("board", pa.string()),  # the request path that listed the board; null: the source as a whole
    ("lists_whole_board", pa.bool_()),
    ("complete", pa.bool_()),
    ("attempts", pa.int32()),  # the day's attempts the row covers (those that listed the board, for a board)
    ("records", pa.int64()),  # bronze lines
    ("postings", pa.int64()),  # silver rows written from them
    ("job_ids", pa.list_(pa.string())),  # a board row: the silver postings it listed; null on a source row
])

#: lines per (source, request URL, bronze file) and how many became silver rows; ``_seq`` >> 32 is the file index
LINES_SQL = """
    select source, _url as url, cast(floor(_seq / 4294967296) as bigint) as file_index,
           count(*) as records, sum(case when kept then 1 else 0 end) as postings
    from listed
    group by source, _url, cast(floor(_seq / 4294967296) as bigint)
"""


def board_of(url: str | None) -> str | None:
    """The board a request listed: its path (``/v1/boards/acme/jobs``); paging parameters live in the query."""
    if not url:
        return None
    return urlsplit(url).path or "/"


def build(day: date, files: list[Any], manifests: dict[Any, list[dict]], lines: Iterable[dict],
          winners: Iterable[dict]) -> pa.Table:
    """The day's scrapes table. ``files``: the day's ``mapping.BronzeFile`` list (index → source, path);
    ``manifests``: each bronze partition's attempt manifests (``silver.bronze_manifests``); ``lines``: rows of
    ``LINES_SQL``; ``winners``: ``{source, url, job_id}`` of every silver row."""
    from job_analytics.ingest.bronze import is_complete
    from job_analytics.ingest.sources import REGISTRY

    def whole_board(source: str) -> bool:
        cls = REGISTRY.get(source)
        return bool(cls is not None and cls.lists_whole_board)

    index_of = {str(file.path): file.index for file in files}
    complete_of: dict[str, dict[str, bool]] = {}  # source → attempt id → complete
    attempt_of_file: dict[int, str] = {}  # file index → the attempt that landed it
    for partition, landed in manifests.items():
        source = partition.parent.name.split("=", 1)[1]
        complete_of[source] = {m["attempt"]: is_complete(m) for m in landed}
        for manifest in landed:
            for name in manifest.get("files") or ():
                if (index := index_of.get(str(partition / name))) is not None:
                    attempt_of_file[index] = manifest["attempt"]

    totals: dict[str, list[int]] = {source: [0, 0] for source in complete_of}
    boards: dict[tuple[str, str], dict[str, Any]] = {}
    for row in lines:
        source, records, postings = row["source"], int(row["records"]), int(row["postings"] or 0)
        totals.setdefault(source, [0, 0])
        totals[source][0] += records
        totals[source][1] += postings
        board = board_of(row["url"])
        if whole_board(source) and board is not None:
            entry = boards.setdefault((source, board), {"attempts": set(), "records": 0, "postings": 0, "ids": []})
            entry["records"] += records
            entry["postings"] += postings
            attempt = attempt_of_file.get(int(row["file_index"]))
            if attempt is not None:
                entry["attempts"].add(attempt)
    for row in winners:
        entry = boards.get((row["source"], board_of(row["url"])))
        if entry is not None:
            entry["ids"].append(row["job_id"])

    out = []
    for source in sorted(totals):
        flags = complete_of.get(source, {})
        out.append({"ingest_date": day, "source": source, "board": None, "lists_whole_board": whole_board(source),
                    "complete": any(flags.values()), "attempts": len(flags), "records": totals[source][0],
                    "postings": totals[source][1], "job_ids": None})
    for (source, board), entry in sorted(boards.items()):
        flags = complete_of.get(source, {})
        out.append({"ingest_date": day, "source": source, "board": board, "lists_whole_board": True,
                    "complete": any(flags.get(a, False) for a in entry["attempts"]),
                    "attempts": len(entry["attempts"]), "records": entry["records"], "postings": entry["postings"],
                    "job_ids": sorted(entry["ids"])})
    return pa.Table.from_pylist(out, schema=SCRAPES)
