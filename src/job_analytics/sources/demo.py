"""The offline demo: replays recorded pages of every API shape through that API's own ``pages()``.

Recordings live in ``<dir>/<api>/...`` (see ``replay.py``); each API is requested under the base URL
``http://replay.invalid/<api>``, exactly as a live API behind a path prefix would be, so pagination, the shared
retry path and bronze writing run unchanged. A new shape drops in with its recordings folder and its registry entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from job_analytics.errors import ConfigError
from job_analytics.sources.base import Page, RawPosting, Source
from job_analytics.sources.replay import ReplayTransport

BUNDLED_RECORDINGS = Path(__file__).parent / "recordings"


class Demo(Source):
    name = "demo"
    path = "/"

    @property
    def base_url(self) -> str:
        return "http://replay.invalid"  # a reserved name: nothing is ever sent to the network

    @property
    def recordings_dir(self) -> Path:
        return Path(self.settings.demo_data_dir or BUNDLED_RECORDINGS)

    def transport(self) -> httpx.BaseTransport:
        """The transport ``ingest`` wraps with its retry and rate-limit layer instead of the network's."""
        return ReplayTransport(self.recordings_dir)

    def apis(self) -> list[str]:
        """The recorded API shapes, in a stable order."""
        from job_analytics.sources import API_SHAPES  # the registry imports this module

        return [api for api in sorted(API_SHAPES) if (self.recordings_dir / api).is_dir()]

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        from job_analytics.sources import mapper_for

        apis = self.apis()
        if not apis:
            raise ConfigError(f"demo: no recordings under {self.recordings_dir}")
        root = client.base_url
        try:
            for api in apis:
                client.base_url = root.join(api)
                for page in mapper_for(api, self.settings).pages(client):
                    page.api = api
                    yield page
        finally:
            client.base_url = root

    def to_posting(self, raw: Any) -> RawPosting:
        raise ConfigError("demo records keep their API shape: map them with sources.mapper_for(record api)")
