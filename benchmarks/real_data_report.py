"""How right silver is on the APIs' recorded responses, per source (issue #12's figures).

    uv run --env-file .env python -m benchmarks.real_data_report [--json out.json]

Each recordings root (``tests/fixtures/recorded`` in the APIs' 2024 shapes, ``tests/fixtures/recorded/2026`` in
their 2025–2026 shapes) is served over real HTTP on 127.0.0.1 and scraped by the six live sources into a lake of
its own; that bronze is processed into silver with the configured engine. Per source it prints:

- rows (silver) and the share with a company, with a place (a country or the remote flag), with ``posted_at`` (of
  the records that carry a date in any form), with ``employment_type``;
- salary found / records that state one anywhere (the structured fields, or a currency-marked amount next to a
  pay word in the title or description — a deliberately loose test, so a miss is printed for a human to judge);
- rows with mojibake left (ftfy's badness test on every text column), descriptions with HTML left;
- bronze = silver + quarantined, from the step's own independent count.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[1]
ROOTS = {  # label: (recordings roots, first match wins; the boards and sites they hold)
    "2024 shapes": ([REPO / "tests/fixtures/recorded", REPO / "src/job_analytics/ingest/sources/recordings"],
                    {"greenhouse_boards": "acme-analytics,nordlicht", "lever_companies": "fjordlake"}),
    "2025-26 shapes": ([REPO / "tests/fixtures/recorded/2026"],
                       {"greenhouse_boards": "airbnb,sofi", "lever_companies": "spotify,metabase,nosuchco",
                        "ashby_boards": "ramp,northwind", "smartrecruiters_companies": "Visa,NorthwindTraders",
                        "workable_accounts": "zego,northwind"}),
}
LIVE = ["jsearch", "remotive", "arbeitnow", "remoteok", "greenhouse", "lever", "ashby", "smartrecruiters", "workable"]
#: a board source runs only for a root that names its boards (the 2024 recordings hold none for the later boards)
BOARD_LISTS = {"ashby": "ashby_boards", "smartrecruiters": "smartrecruiters_companies", "workable": "workable_accounts"}
DAY = date(2026, 12, 1)

#: a loose "this text states a salary" test: a currency-marked amount near a pay word (the denominator)
_MONEY = r"(?:[$€£₹¥]|\b(?:USD|EUR|GBP|INR|CAD|AUD|CHF)\b)\s?\d|\d[\d.,]*\s?(?:k\b|K\b|€|\b(?:USD|EUR|GBP|INR)\b)"
_PAY = r"salary|pay|compensation|gehalt|vergütung|stipend|ctc|per annum|per year|per hour|/hr|/yr|brutto|base"
_STATES = re.compile(rf"(?is)(?:{_PAY}).{{0,80}}(?:{_MONEY})|(?:{_MONEY}).{{0,60}}(?:{_PAY})")


def run_root(roots: list[Path], extra: dict[str, str], lake: Path) -> dict[str, Any]:
    from pydantic import SecretStr

    from job_analytics.core.settings import Settings
    from job_analytics.ingest import stage as ingest
    from job_analytics.ingest.sources.replay import serve_recordings
    from job_analytics.silver import stage as silver

    server, base = serve_recordings(roots)
    sources = [s for s in LIVE if s not in BOARD_LISTS or BOARD_LISTS[s] in extra]
    try:
        settings = Settings(
            _env_file=None, lake_url=str(lake), sources=sources, rapidapi_key=SecretStr("report-key"),
            jsearch_queries=["data engineer"], jsearch_countries=["us"], min_sources_ok=0, incremental=False,
            requests_per_second=0, http_max_attempts=1,
            **{f"{s}_base_url": f"{base}/{s}" for s in sources},
            **{k: v.split(",") for k, v in extra.items()},
        )
        scrape = ingest.run(settings, DAY)
        process = silver.run(settings, DAY)
    finally:
        server.shutdown()
    return {"scrape": scrape, "process": process, "lake": lake}


def _bronze_records(lake: Path) -> dict[str, list[dict]]:
    import gzip

    out: dict[str, list[dict]] = defaultdict(list)
    for part in sorted(lake.glob(f"bronze/source=*/ingest_date={DAY}/part-*.jsonl.gz")):
        with gzip.open(part, "rt") as lines:
            for line in lines:
                envelope = json.loads(line)
                out[envelope["source"]].append(envelope)
    return out


def _states_salary(envelope: dict) -> bool:
    """The record gives a salary in its fields, or its title/description states one (loosely)."""
    from job_analytics.ingest.sources import mapper_for
    from job_analytics.silver.text import html_to_text

    try:
        posting = mapper_for(envelope["api"], None).to_posting(envelope["record"])
    except Exception:  # noqa: BLE001 - a bad record states nothing
        return False
    if posting.salary_min or posting.salary_max or re.search(r"[1-9]", posting.salary_text or ""):
        return True
    text = f"{posting.title}\n{html_to_text(posting.description_html) or ''}"
    return bool(_STATES.search(text))


def _carries_date(envelope: dict) -> bool:
    from job_analytics.ingest.sources import mapper_for

    try:
        posting = mapper_for(envelope["api"], None).to_posting(envelope["record"])
    except Exception:  # noqa: BLE001
        return False
    return posting.posted_at is not None or bool(posting.posted_text)


def measure(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from ftfy.badness import is_bad

    from job_analytics.ingest.sources import mapper_for
    from job_analytics.silver.text import has_html

    per: dict[str, Counter] = defaultdict(Counter)
    misses: list[str] = []
    for result in results:
        lake = result["lake"]
        glob = f"{lake}/silver/jobs/ingest_date={DAY}/*.parquet"
        rows = duckdb.sql(f"select * from read_parquet('{glob}')").to_arrow_table().to_pylist()
        by_id = {(r["source"], r["source_job_id"]): r for r in rows}
        for source, envelopes in _bronze_records(lake).items():
            c = per[source]
            c["bronze"] += len(envelopes)
            for envelope in envelopes:
                try:
                    posting = mapper_for(envelope["api"], None).to_posting(envelope["record"])
                except Exception:  # noqa: BLE001, S112 - quarantined; counted by the step's own summary
                    continue
                row = by_id.get((source, str(posting.source_job_id).strip()))
                if row is None:
                    continue
                states = _states_salary(envelope)
                found = row["salary_min"] is not None or row["salary_max"] is not None
                c["states_salary"] += states
                c["salary_found_of_stated"] += states and found
                c["salary_found"] += found
                if states != found:
                    what = (f"read {row['salary_min']}-{row['salary_max']} {row['salary_currency']}/"
                            f"{row['salary_period']} from the {row['salary_source']}" if found else "none read")
                    misses.append(f"{'unstated' if found else 'missed  '} {source} {row['source_job_id']}: "
                                  f"{row['title'][:50]!r}: {what}")
                c["carries_date"] += _carries_date(envelope)
                c["posted_at_of_dated"] += _carries_date(envelope) and row["posted_at"] is not None
        for row in rows:
            c = per[row["source"]]
            c["rows"] += 1
            c["company"] += bool(row["company"])
            c["place"] += row["country_code"] is not None or bool(row["is_remote"])
            c["posted_at"] += row["posted_at"] is not None
            c["employment_type"] += row["employment_type"] is not None
            texts = [row[k] for k in ("title", "company", "city", "region", "description_text") if row[k]]
            texts += list(row["skills"] or [])
            c["mojibake"] += any(is_bad(t) for t in texts)
            c["html_left"] += has_html(row["description_text"])
        process = result["process"]
        for source, counts in process["by_source"].items():
            per[source]["silver_rows"] += counts["silver"]
            per[source]["quarantined"] += counts["quarantined"]
            per[source]["step_bronze"] += counts["bronze"]
    report = {}
    for source, c in sorted(per.items()):
        share = lambda n, d: round(100 * n / d, 1) if d else None
        report[source] = {
            "rows": c["rows"],
            "company_%": share(c["company"], c["rows"]),
            "place_%": share(c["place"], c["rows"]),
            "posted_at_%_of_dated": share(c["posted_at_of_dated"], c["carries_date"]),
            "employment_type_%": share(c["employment_type"], c["rows"]),
            "salary_found/stated": f"{c['salary_found_of_stated']}/{c['states_salary']}",
            "salary_rows": c["salary_found"],
            "mojibake_rows": c["mojibake"],
            "html_left": c["html_left"],
            "bronze=silver+quarantined": f"{c['bronze']} = {c['silver_rows']} + {c['quarantined']}"
                                         + ("" if c["bronze"] == c["silver_rows"] + c["quarantined"] else "  LOST"),
        }
    report["_misses"] = misses
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="real-data-report-") as tmp:
        results = []
        for label, (roots, extra) in ROOTS.items():
            results.append(run_root(roots, extra, Path(tmp) / label.replace(" ", "_")))
        report = measure(results)
    misses = report.pop("_misses")
    columns = list(next(iter(report.values())).keys())
    print("source      " + " | ".join(columns))
    for source, figures in report.items():
        print(f"{source:<11} " + " | ".join(str(figures[c]) for c in columns))
    if misses:
        print("\nwhere the loose test and silver disagree on a salary — check by eye:")
        for miss in misses:
            print("  " + miss)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
