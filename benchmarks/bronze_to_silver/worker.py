"""One measured job, run in its own process by run.py: ``engine <duckdb|spark> LAKE DAY`` or ``floor LAKE DAY``."""

from __future__ import annotations

import json
import resource
import sys
from datetime import date
from pathlib import Path


def floor(lake: Path, day: date) -> dict:
    """No logic: DuckDB reads the day's bronze JSON lines (envelope parsed, record kept as JSON) → one Parquet."""
    import duckdb

    files = sorted(str(p) for p in lake.glob(f"bronze/source=*/ingest_date={day}/part-*.jsonl.gz"))
    out = lake / "floor" / f"ingest_date={day}"
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set memory_limit = '1GB'")
    con.execute(f"set temp_directory = '{lake / 'floor-spill'}'")
    con.execute(
        "copy (select * from read_json(?, format = 'newline_delimited', ignore_errors = true, "
        "columns = {source: 'varchar', api: 'varchar', request_url: 'varchar', fetched_at: 'varchar', "
        "record: 'json'})) to '" + str(out / "part-00000.parquet").replace("'", "''")
        + "' (format parquet, compression zstd)", [files])
    rows = con.execute("select count(*) from read_parquet(?)", [str(out / "part-00000.parquet")]).fetchone()[0]
    return {"rows": rows}


def main() -> None:
    mode, *rest = sys.argv[1:]
    if mode == "floor":
        result = floor(Path(rest[0]), date.fromisoformat(rest[1]))
    else:
        from job_analytics.core.settings import Settings
        from job_analytics.silver import stage as silver

        engine, lake, day = rest
        summary = silver.run(Settings(lake_url=lake, engine=engine), date.fromisoformat(day))
        result = {k: summary[k] for k in ("bronze_records", "silver_rows", "quarantined", "seconds", "step_seconds")}
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result.update(cpu_s=round(me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime, 1),
                  maxrss_self_mib=round(me.ru_maxrss / 1024), maxrss_children_mib=round(children.ru_maxrss / 1024))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
