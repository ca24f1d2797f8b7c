"""`make demo`: run job_analytics_dag for one day under `airflow dags test`, quietly.

    python scripts/demo.py 2024-01-01 [--log logs/demo-2024-01-01.log] [--history-days 21]

With the demo source, the 20 days before are scraped and processed first, without Airflow (their log:
logs/demo-history-<day>.log), so the day's run models three weeks of history. Airflow's whole output goes to
the log file; the terminal gets one line per task as it ends (state and seconds),
then the run's outcome and where to look. Exits with Airflow's exit status; on a failure it also prints the end
of the log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAG_ID = "job_analytics_dag"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
STARTED = re.compile(r"\[DAG TEST\] starting task_id=(\S+)")
ENDED = re.compile(r"\[DAG TEST\] end task task_id=(\S+)")
STATE = re.compile(r"Task instance state updated .*new_state=(\w+)")
RUN_DONE = re.compile(r"DagRun Finished: .*state=(\w+)")
MARKS = {"success": "ok", "failed": "FAILED", "upstream_failed": "skipped (upstream failed)", "skipped": "skipped"}


def run(day: str, log_path: Path) -> int:
    """Run the DAG, echo one line per task, return Airflow's exit status."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"job_analytics_dag {day} under `airflow dags test`; Airflow's log: {log_path}")
    run_state = None
    with log_path.open("w", encoding="utf-8") as log, subprocess.Popen(
        ["airflow", "dags", "test", DAG_ID, day], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, encoding="utf-8", errors="replace", bufsize=1,
    ) as airflow:
        started: dict[str, float] = {}
        state: dict[str, str] = {}
        current = None
        assert airflow.stdout is not None
        for raw in airflow.stdout:
            log.write(raw)
            line = ANSI.sub("", raw)
            if found := STARTED.search(line):
                current = found.group(1)
                started[current] = time.monotonic()
            elif (found := STATE.search(line)) and current:
                state[current] = found.group(1)
            elif found := ENDED.search(line):
                task = found.group(1)
                seconds = time.monotonic() - started.get(task, time.monotonic())
                outcome = state.get(task, "success" if seconds else "skipped")
                print(f"  {task:<52} {MARKS.get(outcome, outcome):<10} {seconds:5.1f} s", flush=True)
                current = None
            elif found := RUN_DONE.search(line):
                run_state = found.group(1)
        status = airflow.wait()
    if status != 0 or run_state != "success":
        print(f"\nThe run did not succeed (exit status {status}, run state {run_state}). "
              f"The end of {log_path}:", file=sys.stderr)
        print("".join(ANSI.sub("", t) for t in log_path.read_text(encoding="utf-8").splitlines(True)[-30:]),
              file=sys.stderr)
        return status or 1
    return 0


def history(day: str, days: int, log_path: Path) -> int:
    """The demo's earlier days, scraped and processed without Airflow (`job-analytics demo-history`), so the day's
    run models a history: postings that open, close and come back. Re-uses what an earlier demo left."""
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        done = subprocess.run(["job-analytics", "demo-history", "--until", day, "--days", str(days)], cwd=REPO,
                              stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        print(f"demo history failed (exit status {done.returncode}); the end of {log_path}:", file=sys.stderr)
        print("".join(log_path.read_text(encoding="utf-8").splitlines(True)[-20:]), file=sys.stderr)
        return done.returncode
    print(f"  {f'history: the {days - 1} days before {day} (scrape + process)':<52} {'ok':<10} "
          f"{time.monotonic() - started:5.1f} s")
    return 0


def look_at(day: str) -> None:
    """What the run produced and where it is (the lake of this checkout's .env)."""
    lake = os.environ.get("JOB_ANALYTICS_LAKE_URL", str(REPO / "data" / "lake"))
    summary = Path(lake) / "notifications" / day / "success.json"
    if summary.exists():
        text = json.loads(summary.read_text()).get("text", "")
        print("\n" + text.strip())
    catalog = f"{lake}/catalog/job_analytics.duckdb"
    print(f"""
Demo run for {day} done. Look at:
  dashboard     {lake}/dashboard/index.html
  catalog       {sys.executable} -c "import duckdb; print(duckdb.connect('{catalog}', read_only=True).sql('select * from agg_daily_postings limit 10'))"
  run summaries {lake}/runs/{day}/   quality results {lake}/quality/{day}/
  notification  {lake}/notifications/{day}/""")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("day", help="the logical date, YYYY-MM-DD")
    parser.add_argument("--log", type=Path, help="Airflow's log (default: logs/demo-<day>.log)")
    parser.add_argument("--history-days", type=int, default=21,
                        help="days of demo history ending on the day, scraped and processed first (default 21)")
    args = parser.parse_args()
    log_path = args.log or REPO / "logs" / f"demo-{args.day}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no logs/ yet
    if os.environ.get("JOB_ANALYTICS_SOURCES", "demo") == "demo":
        status = history(args.day, args.history_days, log_path.with_name(f"demo-history-{args.day}.log"))
        if status:
            return status
    status = run(args.day, log_path)
    if status == 0:
        look_at(args.day)
    return status


if __name__ == "__main__":
    sys.exit(main())
