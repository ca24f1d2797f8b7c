"""The published catalog as the dashboard reads it: read-only, with the views and columns it actually holds.

Every chart, the KPI tiles and the freshness line ask ``Catalog.rows`` for their data; a missing view or column
raises ``Unavailable``, which the page shows as a note in that panel instead of failing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb


class Unavailable(Exception):
    """A panel cannot be drawn: its view or columns are missing from the catalog, or its query failed."""


class Catalog:
    """The published catalog, read-only, with the views and columns it actually holds."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._columns: dict[str, set[str]] = defaultdict(set)
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns"
        ).fetchall():
            self._columns[table].add(column)

    def rows(self, view: str, needs: Sequence[str], sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        if view not in self._columns:
            raise Unavailable(f"The catalog has no view {view} yet.")
        missing = sorted(set(needs) - self._columns[view])
        if missing:
            raise Unavailable(f"View {view} lacks column(s): {', '.join(missing)}.")
        try:
            return self._con.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise Unavailable(f"Reading {view} failed: {str(exc)[:300]}") from exc
