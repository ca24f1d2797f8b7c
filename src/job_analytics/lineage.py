"""The lake's datasets as URIs, for Airflow Assets and the lineage they emit.

Each stage's main input and output is declared on its task (``inlets``/``outlets`` in the DAG). Airflow records an
asset event when a task with an outlet succeeds, so another DAG can be scheduled on fresh silver or gold; with the
OpenLineage provider configured, every task's START/COMPLETE event carries these datasets.

    bronze     <lake>/bronze                         scrape_jobs → process_bronze_silver
    silver     <lake>/silver/jobs                    process_bronze_silver → dbt
    candidate  <lake>/warehouse/candidate.duckdb     dbt → validate_quality → update_catalog
    gold       <lake>/gold                           update_catalog → refresh_dashboard

A local lake is named ``file:///<absolute path>``, an S3 lake by its ``s3://`` URL.
"""

from __future__ import annotations

from typing import Any

#: dataset → path inside the lake (the layout of ``job_analytics.lake``)
DATASETS: dict[str, str] = {
    "bronze": "bronze",
    "silver": "silver/jobs",
    "candidate": "warehouse/candidate.duckdb",
    "gold": "gold",
}


def dataset_uris(settings: Any) -> dict[str, str]:
    """Every dataset's URI for the configured lake (``settings.lake_root``)."""
    root = settings.lake_root
    base = root if "://" in root else f"file://{root}"
    return {name: f"{base}/{path}" for name, path in DATASETS.items()}
