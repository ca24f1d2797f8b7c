"""The lake's datasets as URIs, for Airflow Assets and the lineage they emit.

Each stage's main input and output is declared on its task (``inlets``/``outlets`` in the DAG). Airflow records an
asset event when a task with an outlet succeeds, so another DAG can be scheduled on fresh silver or gold; with the
OpenLineage provider configured, every task's START/COMPLETE event carries these datasets.

    bronze     <lake>/bronze                         scrape_jobs → process_bronze_silver
    silver     <lake>/silver/jobs                    process_bronze_silver → dbt
    candidate  <lake>/warehouse/candidate.duckdb     dbt → validate_quality → update_catalog
    gold       <lake>/gold                           update_catalog → refresh_dashboard

A local lake is named ``file:///<absolute path>``, an S3 lake by its ``s3://`` URLs (a layer in its own bucket\n(``S3_<LAYER>_BUCKET``) by that bucket's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings


def dataset_uris(settings: Settings) -> dict[str, str]:
    """Every dataset's URI for the configured lake (``job_analytics.core.lake.Lake`` decides where each layer lives)."""
    from job_analytics.core.lake import Lake

    lake = Lake.from_settings(settings)
    paths = {"bronze": lake.bronze_dir, "silver": lake.silver_dir / "jobs", "candidate": lake.warehouse_path,
             "gold": lake.gold_dir}
    return {name: str(path) if "://" in str(path) else f"file://{path}" for name, path in paths.items()}
