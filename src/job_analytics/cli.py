"""``job-analytics``: every stage runnable by hand, and the whole pipeline.

    job-analytics run --date 2024-01-01          # all stages, no Airflow
    job-analytics scrape --date 2024-01-01       # one stage: scrape, process, dbt, validate, publish, dashboard, notify
    job-analytics scrape --date 2024-01-01 --rescrape   # fetch again although the date has a complete scrape
    job-analytics maintenance --date 2024-01-01  # retention (dry-run unless JOB_ANALYTICS_MAINTENANCE_DRY_RUN=false)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import UTC, date, datetime

from job_analytics.errors import ConfigError, JobAnalyticsError


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from job_analytics import pipeline
    from job_analytics.settings import Settings

    try:
        settings = Settings()
    except ConfigError as exc:  # a bad environment variable: one line naming it, exit 2 (a usage error)
        print(f"job-analytics {args.command}: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if args.command == "run":
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
