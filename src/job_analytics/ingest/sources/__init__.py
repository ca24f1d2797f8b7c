"""The source registry: registry name → ``Source`` class, and API shape → the class that maps its records.

A bronze line carries both: ``source`` (what was run, e.g. ``demo``) and ``api`` (the shape of the record, e.g.
``remotive``); silver maps each record with ``mapper_for(api, settings)``. Everything else that names the sources
reads this registry: the per-source settings (``<NAME>_BASE_URL`` and each ``ForEach`` list, in ``core/settings.py``),
the quality suites' accepted sources and dbt's ``known_sources`` var (``transform.dbt_env``). A new source is its
module, its line below and its recorded payloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from job_analytics.core.errors import ConfigError
from job_analytics.ingest.sources.arbeitnow import Arbeitnow
from job_analytics.ingest.sources.ashby import Ashby
from job_analytics.ingest.sources.base import Page, RawPosting, Source
from job_analytics.ingest.sources.demo import Demo
from job_analytics.ingest.sources.greenhouse import Greenhouse
from job_analytics.ingest.sources.jsearch import JSearch
from job_analytics.ingest.sources.lever import Lever
from job_analytics.ingest.sources.remoteok import RemoteOK
from job_analytics.ingest.sources.remotive import Remotive
from job_analytics.ingest.sources.smartrecruiters import SmartRecruiters
from job_analytics.ingest.sources.workable import Workable

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

API_SHAPES: dict[str, type[Source]] = {
    cls.name: cls
    for cls in (JSearch, Remotive, Arbeitnow, RemoteOK, Greenhouse, Lever, Ashby, SmartRecruiters, Workable)
}
REGISTRY: dict[str, type[Source]] = {"demo": Demo, **API_SHAPES}

__all__ = ["API_SHAPES", "REGISTRY", "Page", "RawPosting", "Source", "get_source", "mapper_for"]


def get_source(name: str, settings: Settings) -> Source:
    try:
        cls = REGISTRY[name.strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown source {name!r}; known sources: {', '.join(sorted(REGISTRY))}") from None
    return cls(settings)


def mapper_for(api: str, settings: Settings) -> Source:
    """The source whose ``to_posting`` maps records of shape ``api`` (a bronze line's ``api`` field)."""
    try:
        cls = API_SHAPES[api]
    except KeyError:
        raise ConfigError(
            f"unknown API shape {api!r}; known shapes: {', '.join(sorted(API_SHAPES))}"
        ) from None
    return cls(settings)
