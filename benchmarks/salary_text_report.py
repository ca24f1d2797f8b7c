"""Precision and recall of ``salary_in_text`` on the labeled snippets (tests/fixtures/salary/snippets.csv).

    uv run python benchmarks/salary_text_report.py [--misses]

A reading counts as correct only when min, max, currency and period all equal the label. Precision: correct
readings / readings returned; recall: correct readings / snippets that state a salary. A wrong salary on a snippet
that states one lowers both.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from job_analytics.silver.salary import Salary
from job_analytics.silver.salary_text import salary_in_text

SNIPPETS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "salary" / "snippets.csv"


def _expected(row: dict[str, str]) -> Salary | None:
    if not (row["min"] or row["max"]):
        return None
    return Salary(float(row["min"]) if row["min"] else None, float(row["max"]) if row["max"] else None,
                  row["currency"] or None, row["period"] or None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="print every snippet read wrongly")
    args = parser.parse_args()
    rows = list(csv.DictReader(SNIPPETS.open(encoding="utf-8")))
    started = time.perf_counter()
    got = [salary_in_text(row["text"]) for row in rows]
    seconds = time.perf_counter() - started
    expected = [_expected(row) for row in rows]
    returned = sum(g is not None for g in got)
    stated = sum(e is not None for e in expected)
    correct = sum(g is not None and g == e for g, e in zip(got, expected))
    false_alarms = sum(g is not None and e is None for g, e in zip(got, expected))
    precision = correct / returned if returned else 1.0
    recall = correct / stated if stated else 1.0
    print(f"{'snippets':<28}{len(rows):>8}")
    print(f"{'  stating a salary':<28}{stated:>8}")
    print(f"{'  negatives':<28}{len(rows) - stated:>8}")
    print(f"{'readings returned':<28}{returned:>8}")
    print(f"{'  correct':<28}{correct:>8}")
    print(f"{'  on a negative':<28}{false_alarms:>8}")
    print(f"{'precision':<28}{precision:>8.1%}")
    print(f"{'recall':<28}{recall:>8.1%}")
    print(f"{'ms per snippet':<28}{1000 * seconds / len(rows):>8.3f}")
    if args.misses:
        for row, g, e in zip(rows, got, expected):
            if g != e:
                print(f"{row['id']}: expected {e}, got {g}: {row['text'][:100]!r}")


if __name__ == "__main__":
    main()
