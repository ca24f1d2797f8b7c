"""A fingerprint of one day's silver output, to show that a change of how the rules run left the rows as they were.

    .venv/bin/python -m benchmarks.bronze_to_silver.fingerprint LAKE DAY

Prints, for each of ``silver/jobs``, ``silver/quarantine``, ``silver/scrapes`` and ``silver/_dedupe_index``, the
row count and a SHA-256 of its rows (every column, rows sorted, so the order of the files does not count); a
column that differs is named by its own hash. Run it on the same bronze before and after a change and compare.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

TABLES = ("jobs", "quarantine", "scrapes", "_dedupe_index")


def fingerprint(lake: Path, day: str) -> dict:
    out: dict = {}
    for name in TABLES:
        path = lake / "silver" / name / f"ingest_date={day}" / "part-00000.parquet"
        if not path.exists():
            continue
        table = pq.read_table(path)
        rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())
        columns = {c: hashlib.sha256(json.dumps(sorted(json.dumps(v, default=str) for v in table.column(c)
                                                       .to_pylist())).encode()).hexdigest()[:12]
                   for c in table.column_names}
        out[name] = {"rows": table.num_rows, "sha256": hashlib.sha256("\n".join(rows).encode()).hexdigest(),
                     "columns": columns}
    return out


if __name__ == "__main__":
    print(json.dumps(fingerprint(Path(sys.argv[1]), sys.argv[2]), indent=1))
