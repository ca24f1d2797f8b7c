"""``job-analytics``: every stage runnable by hand, and the whole pipeline.

    job-analytics run --date 2024-01-01          # all stages, no Airflow
    job-analytics scrape --date 2024-01-01       # one stage: scrape, process, dbt, validate, publish, dashboard, notify
    job-analytics scrape --date 2024-01-01 --rescrape   # fetch again although the date has a complete scrape
    job-analytics maintenance --date 2024-01-01  # retention (dry-run unless JOB_ANALYTICS_MAINTENANCE_DRY_RUN=false)
    job-analytics demo-history --until 2024-01-01 --days 21   # the demo's earlier days: scrape + process only
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from job_analytics.core.errors import ConfigError, JobAnalyticsError

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings


def _parser() -> argparse.ArgumentParser:
    from job_analytics.pipeline import STAGES

    parser = argparse.ArgumentParser(prog="job-analytics", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [("run", "the whole pipeline"), *((s, f"the {t} stage") for s, (t, _) in STAGES.items()),
                            ("maintenance", "retention of old partitions")]:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--date", type=date.fromisoformat, default=datetime.now(UTC).date(),
                         help="logical date YYYY-MM-DD (default: today, UTC)")
        if name in ("run", "scrape"):
            cmd.add_argument("--rescrape", action="store_true",
                             help="fetch again even when the date has a complete scrape (adds to bronze, never replaces)")
        if name == "maintenance":
            cmd.add_argument("--delete", action="store_true", help="really delete (overrides the dry-run setting)")
    history = sub.add_parser("demo-history", help="scrape and process the demo's days before its date")
    history.add_argument("--until", type=date.fromisoformat, default=date(2024, 1, 1),
                         help="the last day of the history, YYYY-MM-DD (default: the demo date, 2024-01-01)")
    history.add_argument("--days", type=int, default=21, help="consecutive days ending on --until (default 21)")
    return parser


def demo_history(settings: Settings, until: date, days: int) -> dict:
    """Scrape and process the demo source for each of the ``days`` days ending on ``until`` that lie before the
    demo date, from recordings derived for that day (``sources.demo.write_history``). The demo date itself is the
    pipeline's to run (it models every day in one go). Idempotent: a day whose silver is in place is re-used, and a
    day with bronze already landed is processed from it (a failed scrape stays the failed scrape it was)."""
    import tempfile
    from pathlib import Path

    from job_analytics.core.errors import ScrapeFailed
    from job_analytics.core.lake import Lake
    from job_analytics.ingest import stage as ingest
    from job_analytics.ingest.bronze import attempts
    from job_analytics.ingest.sources.demo import DEMO_DATE, write_history
    from job_analytics.silver import stage as silver

    if days < 1 or until > DEMO_DATE:
        raise ConfigError(f"demo-history: --days must be >= 1 and --until not after the demo date {DEMO_DATE}")
    lake = Lake.from_settings(settings)
    outcome: dict[str, str] = {}
    for back in range(days - 1, -1, -1):
        day = until - timedelta(days=back)
        if day >= DEMO_DATE:
            continue
        if lake.glob(str(lake.silver_partition(day) / "*.parquet")) and lake.glob(
                str(lake.scrapes_partition(day) / "*.parquet")):
            outcome[day.isoformat()] = "re-used"
            continue
        with tempfile.TemporaryDirectory(prefix="demo-history-") as folder:
            day_settings = settings.model_copy(update={"sources": ["demo"],
                                                       "demo_data_dir": write_history(day, Path(folder))})
            status = "processed"
            if not attempts(lake.bronze_partition("demo", day)):
                try:
                    ingest.run(day_settings, day)
                    status = "scraped, processed"
                except ScrapeFailed:  # bronze holds what it landed and the failure; processing goes on
                    status = "scrape failed, processed"
            silver.run(day_settings, day)
        outcome[day.isoformat()] = status
    return {"until": until.isoformat(), "days": days, "history": outcome}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from job_analytics import pipeline
    from job_analytics.core.settings import Settings

    try:
        settings = Settings()
    except ConfigError as exc:  # a bad environment variable: one line naming it, exit 2 (a usage error)
        print(f"job-analytics {args.command}: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if args.command == "demo-history":
            args.date = args.until
            result = demo_history(settings, args.until, args.days)
        elif args.command == "run":
            result = pipeline.run_all(settings, args.date, rescrape=args.rescrape)
        elif args.command == "maintenance":
            from job_analytics.maintenance import retention

            result = retention(settings, args.date, dry_run=False if args.delete else None)
        elif args.command == "scrape":
            result = pipeline.run_stage("scrape", settings, args.date, rescrape=args.rescrape)
        else:
            result = pipeline.run_stage(args.command, settings, args.date)
    except JobAnalyticsError as exc:
        print(f"job-analytics {args.command} {args.date}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, default=str))
    print(f"job-analytics {args.command} {args.date}: done in {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
