"""The Spark engine (``ENGINE=spark``): the silver step on PySpark, ``local[*]``.

Step 1 runs ``mapping.map_file`` — the same Python rules as the DuckDB engine — in Spark's Python workers through
``mapInArrow``, one task per bronze file; its rows are written once to scratch Parquet and read back as the view
``mapped``, so step 2's SQL texts (``silver.SILVER_SQL`` …) run on Spark SQL over materialized rows. Each result is
written by Spark to scratch Parquet and streamed back to the step as Arrow batches, which casts them to the silver
schemas and writes the lake's partitions itself (same files, same schemas as DuckDB).

One ``SparkSession`` per process, created on first use and stopped at exit. This module is imported only when
``ENGINE=spark``. The lake must be a local folder: reading ``s3://`` from Spark needs the hadoop-aws jars.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from job_analytics.core.errors import ConfigError
from job_analytics.silver.mapping import MAPPED, BronzeFile, map_file

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

#: settings of the local session (overridable for a cluster later; the step itself does not depend on them)
SESSION_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "ERROR",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "1g",
    # one small JVM: a serial collector, no parallel GC threads' heaps, a capped code cache and metaspace; a heap that
    # shrinks after a full collection to 30 % more than it holds (SparkEngine._shrink_heap)
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:ReservedCodeCacheSize=96m -XX:MaxMetaspaceSize=256m "
                                     "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30",
    # a Python worker exits after its task (one bronze file) instead of idling, with the rules loaded, for a minute
    # beside the grouping's own workers that follow
    "spark.python.worker.reuse": "false",
}

#: rows per Arrow batch read back from a result
FETCH_ROWS = 20_000
#: Parquet row group of a result (bytes): the unit this process decodes when it reads the result back
RESULT_ROW_GROUP_BYTES = 16 * 2**20

_session: Any = None
_lock = threading.Lock()


def session() -> Any:
    """This process's SparkSession (created lazily, stopped at exit)."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            # PySpark starts its Python workers with $PYSPARK_PYTHON (default: python3 on the PATH, which may not
            # see this environment's packages); default it to this interpreter
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = SparkSession.builder.master("local[*]").appName("job-analytics-silver")
            for key, value in SESSION_CONF.items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            atexit.register(stop)
        return _session


def stop() -> None:
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None


class SparkEngine:
    name = "spark"

    def __init__(self, settings: Settings):
        if "://" in settings.lake_url:
            raise ConfigError(
                f"ENGINE=spark cannot read the lake {settings.lake_url!r}: this Spark has no S3 filesystem "
                "(hadoop-aws jars are not installed); use ENGINE=duckdb or a local JOB_ANALYTICS_LAKE_URL"
            )
        self.spark = session()
        self.scratch = Path(tempfile.mkdtemp(prefix="job-analytics-silver-spark-"))
        self._results = 0
        self._views: list[str] = []

    def map(self, settings: Settings, day: date, files: list[BronzeFile]) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        def mapper(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                for row in batch.to_pylist():
                    yield from map_file(settings, day, BronzeFile(row["index"], row["source"], row["path"]))

        listing = [(f.index, f.source, str(f.path)) for f in files]
        # one partition per file: each is one task, the files spread over the cores
        rdd = self.spark.sparkContext.parallelize(listing, len(listing))
        frame = self.spark.createDataFrame(rdd, "index long, source string, path string")
        out = str(self.scratch / "mapped")
        frame.mapInArrow(mapper, from_arrow_schema(MAPPED)).write.parquet(out)
        self.spark.read.parquet(out).createOrReplaceTempView("mapped")
        self._shrink_heap()

    def query(self, sql: str) -> Iterator[pa.RecordBatch]:
        import pyarrow.dataset as ds

        self._results += 1
        out = self.scratch / f"result-{self._results}"
        # small row groups (Spark's default is 128 MiB, decoded whole on reading) read back a few rows at a time: at
        # the defaults (131,072-row batches, 16 of them read ahead in each of 4 files) a day's silver rows with their
        # descriptions would sit in this process at once
        self.spark.sql(sql).write.option("parquet.block.size", RESULT_ROW_GROUP_BYTES).parquet(str(out))
        self._shrink_heap()
        yield from ds.dataset(out, format="parquet").to_batches(
            batch_size=FETCH_ROWS, batch_readahead=1, fragment_readahead=1)

    def _shrink_heap(self) -> None:
        """One full collection after a step: between steps the JVM holds little, but the heap a step grew stays
        committed until a full collection lets it shrink; in the write step it would sit beside this process's."""
        self.spark._jvm.java.lang.System.gc()

    def register(self, name: str, table: pa.Table) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        schema = from_arrow_schema(table.schema)
        frame = self.spark.createDataFrame(table, schema) if table.num_rows else self.spark.createDataFrame([], schema)
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def close(self) -> None:
        for view in ("mapped", *self._views):
            self.spark.catalog.dropTempView(view)
        shutil.rmtree(self.scratch, ignore_errors=True)
