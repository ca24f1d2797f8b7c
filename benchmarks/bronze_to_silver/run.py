"""bronze → silver benchmark: the DuckDB engine, the Spark engine and a no-logic floor on N generated postings.

    .venv/bin/python -m benchmarks.bronze_to_silver --n 1000000          # default N = 1,000,000
    .venv/bin/python benchmarks/bronze_to_silver/run.py --n 200000 --engines duckdb,floor
    .venv/bin/python -m benchmarks.bronze_to_silver --n 50000 --profile  # cProfile of the DuckDB engine

Generates one day of bronze (``generate.py``: the six API shapes, ~1 % bad lines, ~2 % duplicate ids) under
``--work``, then runs each job in its own subprocess and records wall time and peak memory:

* ``peak RSS (tree)``: the largest sum of RSS over the subprocess and all its descendants (worker processes, the
  Spark JVM and its Python workers), sampled every 100 ms with psutil;
* ``max RSS one process``: ``getrusage`` ``ru_maxrss`` of the job process and of its children (the largest
  single process among them); ``CPU``: user + system seconds of the job and all its children.

Day 31 vs day 1 (``day31`` on the DuckDB engine, ``spark31`` on Spark): the same bronze (hard links) processed as
2024-03-31 with 30 earlier days in the lake, against 2024-03-01 on an empty lake: silver of each day (hard links of
day 1's), and the cross-day dedupe index of a busy month: day 1's entries (today's postings, first seen then) and,
for each of the 29 days after it, as many entries of postings first seen that day (day 1's under new ids and
groups): 29 M entries, all in today's blocks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
DAY1 = date(2024, 3, 1)
DAY31 = DAY1 + timedelta(days=30)


def measure(args: list[str], cwd: Path) -> dict:
    """Run ``worker.py args`` in a subprocess; wall seconds, peak tree RSS, ru_maxrss and its RESULT line."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("worker.py")), *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(_rss(p) for p in procs))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed:\n{err[-4000:]}")
    result = json.loads(next(line[7:] for line in out.splitlines() if line.startswith("RESULT ")))
    return {"wall_s": round(wall, 1), "peak_rss_tree_mib": round(peak / 2**20), **result,
            "load_avg_1m_after": round(os.getloadavg()[0], 2)}


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def prepare(work: Path, n: int, real: bool = False) -> Path:
    from benchmarks.bronze_to_silver.generate import generate

    lake = work / (f"lake-real-{n}" if real else f"lake-{n}")
    marker = lake / "generated.json"
    if not marker.exists():
        shutil.rmtree(lake, ignore_errors=True)
        started = time.monotonic()
        counts = generate(lake, DAY1, n, real=real)
        marker.write_text(json.dumps({"n": n, "counts": counts, "seconds": round(time.monotonic() - started, 1)}))
    return lake


def with_history(lake: Path, days: int) -> None:
    """Day 31's bronze (links to day 1's) and ``days`` earlier days of silver and dedupe index (links to day 1's)."""
    for src in lake.glob(f"bronze/source=*/ingest_date={DAY1}"):
        dst = src.parent / f"ingest_date={DAY31}"
        if not dst.exists():
            dst.mkdir()
            for f in src.iterdir():
                os.link(f, dst / f.name)
    # day 1's silver as each earlier day's (hard links: nothing reads them but the volume baseline)
    silver1 = lake / "silver" / "jobs" / f"ingest_date={DAY1}" / "part-00000.parquet"
    index1 = lake / "silver" / "_dedupe_index" / f"ingest_date={DAY1}" / "part-00000.parquet"
    if not index1.exists():
        raise SystemExit(f"day31 needs day 1 processed first (run the duckdb job before it): no {index1}")
    for back in range(1, days):
        part = lake / "silver" / "jobs" / f"ingest_date={DAY31 - timedelta(days=back)}"
        if not part.exists():
            part.mkdir(parents=True)
            os.link(silver1, part / silver1.name)
    # the cross-day index as a busy month leaves it: day 1 holds today's postings (first seen then); each later
    # day as many postings of its own, first seen that day (day 1's entries under new ids and groups)
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    first = pq.read_table(index1)
    for back in range(1, days):
        d = DAY31 - timedelta(days=back)
        if d <= DAY1:
            continue
        part = lake / "silver" / "_dedupe_index" / f"ingest_date={d}"
        if not part.exists():
            part.mkdir(parents=True)
            suffix = f"-{d:%m%d}"
            table = (first.set_column(first.schema.get_field_index("job_id"), "job_id",
                                      pc.binary_join_element_wise(first.column("job_id"), suffix, ""))
                     .set_column(first.schema.get_field_index("duplicate_group"), "duplicate_group",
                                 pc.binary_join_element_wise(first.column("duplicate_group"), suffix, ""))
                     .set_column(first.schema.get_field_index("ingest_date"), "ingest_date",
                                 pa.array([d] * first.num_rows, pa.date32())))
            pq.write_table(table, part / "part-00000.parquet", compression="zstd")


def profile(lake: Path) -> None:
    import cProfile
    import pstats

    from job_analytics.core.settings import Settings
    from job_analytics.silver import engine_duckdb
    from job_analytics.silver import stage as silver

    engine_duckdb.DuckDBEngine.__init__.__defaults__ = (1,)  # one process, so the profile sees the mapping
    cProfile.runctx("silver.run(Settings(lake_url=str(lake)), DAY1)", globals(), {"silver": silver, "lake": lake,
                    "Settings": Settings, "DAY1": DAY1}, str(lake / "profile.out"))
    pstats.Stats(str(lake / "profile.out")).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-bronze-silver"))
    parser.add_argument("--engines", default="floor,duckdb,spark,day31,spark31")
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--real", action="store_true",
                        help="bronze of the recorded records as received (long real descriptions), not varied ones")
    parser.add_argument("--profile", action="store_true", help="cProfile the DuckDB engine in process instead")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    lake = prepare(args.work, args.n, args.real)
    print(f"# N = {args.n:,} · {platform.system()} {platform.machine()} · {os.cpu_count()} cores · "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB · Python {platform.python_version()}")
    print("generated:", (lake / "generated.json").read_text())
    if args.profile:
        profile(lake)
        return
    results = {}
    for job in args.engines.split(","):
        if job == "floor":
            results[job] = measure(["floor", str(lake), str(DAY1)], args.work)
        elif job in ("day31", "spark31"):  # day 31 on the DuckDB engine, on the Spark engine
            with_history(lake, args.history_days)
            engine = "duckdb" if job == "day31" else "spark"
            results[job] = measure(["engine", engine, str(lake), str(DAY31)], args.work)
        else:
            results[job] = measure(["engine", job, str(lake), str(DAY1)], args.work)
        print(job, json.dumps(results[job]), flush=True)
    (args.work / f"results-{'real-' if args.real else ''}{args.n}.json").write_text(json.dumps(results, indent=2))
    _report(results)


def _report(r: dict) -> None:
    print("\n| job | wall (s) | CPU (s) | peak RSS, tree (MiB) | max RSS one process (MiB) |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    for job, m in r.items():
        one = max(m["maxrss_self_mib"], m["maxrss_children_mib"])
        print(f"| {job} | {m['wall_s']} | {m['cpu_s']} | {m['peak_rss_tree_mib']} | {one} |")
    if "duckdb" in r:
        d = r["duckdb"]["wall_s"]
        if "spark" in r:
            print(f"spark / duckdb = {r['spark']['wall_s'] / d:.2f}x (goal <= 1.5)")
        if "floor" in r:
            print(f"duckdb / floor = {d / r['floor']['wall_s']:.2f}x (goal <= 3)")
        if "day31" in r:
            print(f"day 31 / day 1 = {r['day31']['wall_s'] / d:.2f}x (goal <= 1.2)")
    if "spark" in r and "spark31" in r:
        print(f"spark: day 31 / day 1 = {r['spark31']['wall_s'] / r['spark']['wall_s']:.2f}x")
    over = [job for job, m in r.items() if job != "floor" and m["peak_rss_tree_mib"] > 2048]
    print(f"peak RSS over 2 GiB (goal: none): {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
