"""Build deploy/grafana/dashboards/job_analytics.json, the pipeline's Grafana dashboard, with grafana-foundation-sdk.

    python deploy/grafana/build_dashboard.py          # rewrites the JSON; commit it with this script

The panels read the metrics push_metrics_to_grafana pushes (src/job_analytics/report/metrics.py), one group per logical
date (label ``day``): records per source, silver and quarantine, the quality gate, stage durations, freshness.
Grafana provisions the file at start-up (deploy/grafana/provisioning/, docker-compose's `monitoring` profile).
"""

from __future__ import annotations

import json
from pathlib import Path

from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

OUT = Path(__file__).resolve().parent / "dashboards" / "job_analytics.json"
PROMETHEUS = DataSourceRef(type_val="prometheus", uid="prometheus")


def query(expr: str, legend: str = "") -> prometheus.Dataquery:
    q = prometheus.Dataquery().expr(expr)
    return q.legend_format(legend) if legend else q


def series(title: str, expr: str, legend: str, unit: str = "short", width: int = 12) -> timeseries.Panel:
    return (timeseries.Panel().title(title).datasource(PROMETHEUS).with_target(query(expr, legend))
            .unit(unit).span(width).height(8))


def single(title: str, expr: str, unit: str = "short") -> stat.Panel:
    return stat.Panel().title(title).datasource(PROMETHEUS).with_target(query(expr)).unit(unit).span(6).height(5)


def build() -> dashboard.Dashboard:
    return (
        dashboard.Dashboard("job-analytics pipeline")
        .uid("job-analytics")
        .tags(["job-analytics"])
        .time("now-30d", "now")
        .refresh("1m")
        .with_panel(single("Quality gate (latest day)",
                           "job_analytics_quality_gate_passed and on(day) topk(1, job_analytics_run_day_timestamp_seconds)"))
        .with_panel(single("Quarantine rate (latest day)",
                           "job_analytics_quarantine_rate and on(day) topk(1, job_analytics_run_day_timestamp_seconds)",
                           "percentunit"))
        .with_panel(single("Newest posting age", "min(job_analytics_newest_posting_age_seconds)", "s"))
        .with_panel(single("Published (latest day)",
                           "job_analytics_published and on(day) topk(1, job_analytics_run_day_timestamp_seconds)"))
        .with_panel(series("Records per source", "job_analytics_source_records", "{{source}} {{day}}"))
        .with_panel(series("Silver rows per day", "job_analytics_silver_rows", "{{day}}"))
        .with_panel(series("Quarantined rows by reason", "job_analytics_quarantined_rows", "{{reason}} {{day}}"))
        .with_panel(series("Quarantine rate", "job_analytics_quarantine_rate", "{{day}}", "percentunit"))
        .with_panel(series("Quality gate passed (1) / failed (0)", "job_analytics_quality_gate_passed", "{{day}}"))
        .with_panel(series("Stage durations", "job_analytics_stage_duration_seconds", "{{stage}} {{day}}", "s"))
        .with_panel(series("Data freshness: newest posting age", "job_analytics_newest_posting_age_seconds",
                           "{{day}}", "s"))
        .with_panel(series("Published rows per table", "job_analytics_published_rows", "{{table}} {{day}}"))
    )


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build().build(), cls=JSONEncoder, indent=2, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
