"""The monitoring files, checked without their servers: Prometheus scrapes the Pushgateway keeping the pushed
labels, Grafana's provisioned data source is the one the dashboard uses, and every metric the dashboard plots is
one the pipeline pushes (tests/integration/test_stack.py reads them back from a real Prometheus)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import yaml
from prometheus_client.exposition import generate_latest

from job_analytics.report.metrics import collect
from tests.conftest import REPO

DEPLOY = REPO / "deploy"
DASHBOARD = json.loads((DEPLOY / "grafana/dashboards/job_analytics.json").read_text())


def test_prometheus_scrapes_the_pushgateway_with_its_labels():
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["honor_labels"] is True  # keep the pushed job/day labels
    assert job["static_configs"][0]["targets"] == ["pushgateway:9091"]  # the compose service; stack.sh rewrites it


def test_dashboard_reads_the_provisioned_datasource():
    (source,) = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())["datasources"]
    assert source["url"] == "http://prometheus:9090"
    assert {panel["datasource"]["uid"] for panel in DASHBOARD["panels"]} == {source["uid"]}
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/job_analytics.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_plotted_metric_is_pushed():
    summaries = {
        "scrape": {"sources": {"demo": {"records": 254, "ok": True}}},
        "process": {"silver_rows": 240, "quarantined": 14, "bronze_records": 254,
                    "quarantined_by_reason": {"missing_id": 14}, "seconds": 3.0},
        "validate": {"success": True, "failed": []},
        "publish": {"tables": {"fct_job_postings": 240}},
    }
    now = datetime(2024, 1, 2, tzinfo=UTC)
    text = generate_latest(collect(date(2024, 1, 1), summaries, now, now=now)).decode()
    pushed = set(re.findall(r"^(job_analytics_\w+)", text, re.MULTILINE))
    plotted = {name for panel in DASHBOARD["panels"] for target in panel["targets"]
               for name in re.findall(r"job_analytics_\w+", target["expr"])}
    assert len(DASHBOARD["panels"]) >= 8
    assert plotted and plotted <= pushed, plotted - pushed
    for needed in ("source_records", "quarantine_rate", "quality_gate_passed", "stage_duration_seconds",
                   "newest_posting_age_seconds"):
        assert f"job_analytics_{needed}" in plotted
