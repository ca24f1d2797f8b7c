"""The DuckDB engine (``ENGINE=duckdb``, the default): the silver step in this process.

Step 1 (``mapping.map_file``) writes each bronze file's ``MAPPED`` rows to a scratch Parquet file — in worker
processes, one file each, when the day has several files and the machine several cores (the rules are Python:
one core maps ~one file at a time). Step 2's SQL runs in DuckDB over those files with a memory limit, spilling to
the scratch folder, and streams its result as Arrow batches.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from job_analytics.core.lake import Lake
from job_analytics.silver.mapping import MAPPED, BronzeFile, map_file

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

#: DuckDB's memory for the day's SQL (it spills to the scratch folder beyond it)
MEMORY_LIMIT = "1GB"
#: rows per Arrow batch streamed out of DuckDB
FETCH_ROWS = 20_000


def map_to_parquet(settings: Settings, day: date, file: BronzeFile, out: str) -> int:
    """``mapping.map_file`` over one bronze file into the Parquet file ``out``; returns the lines mapped."""
    import pyarrow.parquet as pq

    lines = 0
    with pq.ParquetWriter(out, MAPPED, compression="zstd") as writer:
        for batch in map_file(settings, day, file):
            writer.write_batch(batch)
            lines += batch.num_rows
    return lines


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, lake: Lake, workers: int | None = None):
        self.lake = lake
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.scratch = Path(tempfile.mkdtemp(prefix="job-analytics-silver-"))
        self.con: Any = None

    def map(self, settings: Settings, day: date, files: list[BronzeFile]) -> None:
        mapped = self.scratch / "mapped"
        mapped.mkdir()
        outs = [str(mapped / f"part-{f.index:05d}.parquet") for f in files]
        workers = min(self.workers, len(files))
        if workers <= 1:
            for file, out in zip(files, outs, strict=True):
                map_to_parquet(settings, day, file, out)
        else:
            # spawn, not fork: the parent may hold DuckDB/Arrow threads (Airflow tasks, tests)
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                # the biggest files first, so one large file does not start last
                order = sorted(range(len(files)), key=lambda i: -_size(files[i].path))
                list(pool.map(map_to_parquet, *zip(*[(settings, day, files[i], outs[i]) for i in order],
                                                   strict=True)))
        self.con = self.lake.duckdb_connect()
        self.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(f"set temp_directory = '{_quoted(self.scratch / 'spill')}'")
        self.con.read_parquet(str(mapped / "*.parquet")).create_view("mapped")

    def query(self, sql: str) -> Iterator[pa.RecordBatch]:
        reader = self.con.execute(sql).to_arrow_reader(FETCH_ROWS)
        yield from reader

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        shutil.rmtree(self.scratch, ignore_errors=True)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _size(path: Any) -> int:
    try:
        return os.path.getsize(path)
    except (OSError, TypeError):
        return 0
