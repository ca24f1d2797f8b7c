"""dbt-project-evaluator (vendored, dbt/vendor/) on the project: every one of its rules passes, or the finding is a
deliberate exception with its reason in dbt/seeds/dbt_project_evaluator_exceptions.csv (one real dbt build, then
the evaluator's models and tests, which are off in the pipeline's own build)."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.gold import stage as transform
from tests.unit.silver_factory import lake_settings, posting, write_silver

REPO = Path(__file__).resolve().parents[2]
DAY = date(2024, 1, 1)
EXCEPTIONS = REPO / "dbt" / "seeds" / "dbt_project_evaluator_exceptions.csv"


def test_the_evaluators_rules_pass_and_stay_out_of_the_pipelines_build(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROJECT_EVALUATOR_ENABLED", raising=False)
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY, [posting("1"), posting("2", source="arbeitnow", salary_min=None, salary_max=None)])
    transform.run(settings, DAY)
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        tables = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "fct_job_postings" in tables
    assert not {"int_all_graph_resources", "fct_model_fanout", "dbt_project_evaluator_exceptions"} & tables

    monkeypatch.setenv("DBT_PROJECT_EVALUATOR_ENABLED", "true")
    outcome, _ = transform._invoke(
        settings, DAY, ["build", "--select", "package:dbt_project_evaluator", "dbt_project_evaluator_exceptions"],
        target=tmp_path / "evaluator_target",
    )
    results = list(getattr(outcome.result, "results", None) or [])
    tests = [r for r in results if str(r.node.resource_type) == "test"]
    findings = [f"{r.node.name}: {r.failures} row(s)" for r in tests if str(r.status) != "pass"]
    assert outcome.exception is None, outcome.exception
    assert len(tests) >= 29, [r.node.name for r in tests]  # every rule ran
    assert not findings, findings
    assert outcome.success


def test_every_exception_names_a_rule_and_gives_its_reason():
    with EXCEPTIONS.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["fct_name"].startswith("fct_") and row["column_name"] and row["id_to_exclude"], row
        assert len(row["comment"].split()) >= 8, row  # a reason, not a label


@pytest.mark.parametrize("package", ["dbt_utils", "dbt_project_evaluator"])
def test_vendored_packages_are_listed_with_their_version_and_licence(package):
    vendor = REPO / "dbt" / "vendor"
    assert (vendor / package / "dbt_project.yml").is_file()
    assert "Apache License" in (vendor / package / "LICENSE").read_text()
    assert f"vendor/{package}" in (REPO / "dbt" / "packages.yml").read_text()
    assert f"`{package}`" in (vendor / "README.md").read_text()


def test_a_fresh_checkout_installs_the_vendored_packages_without_network(tmp_path):
    project = tmp_path / "dbt"
    shutil.copytree(REPO / "dbt", project, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs"))
    settings = Settings(lake_url=str(tmp_path / "lake"), sources=["demo"], dbt_project_dir=project)
    assert transform.missing_packages(project) == ["dbt_utils", "dbt_project_evaluator"]
    transform.install_packages(settings)
    assert transform.missing_packages(project) == []
    assert (project / "dbt_packages" / "dbt_utils").resolve() == (project / "vendor" / "dbt_utils").resolve()
    transform.install_packages(settings)  # installed: nothing to do
