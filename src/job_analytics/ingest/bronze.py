"""Bronze on disk: per source and date, one immutable part and manifest per scrape attempt, and the partition's
index of its attempts (``_manifest.json``). Written once, never rewritten (only the index is replaced)."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from job_analytics.core.lake import write_bytes_once, write_json_atomic

MANIFEST_FILE = "_manifest.json"  # the partition's index of its attempts
#: the attempt id of a partition written before bronze was append-only (one part, its manifest the index)
LEGACY_ATTEMPT = "00000"


def part_file(attempt: str) -> str:
    return f"part-{attempt}.jsonl.gz"


def attempt_manifest_file(attempt: str) -> str:
    return f"_manifest-{attempt}.json"


def new_attempt_id(now: datetime | None = None) -> str:
    """A unique id that sorts by time: ``20240101T060000123456Z-1a2b3c``."""
    return f"{(now or datetime.now(UTC)).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:6]}"


def attempts(partition: Any) -> list[dict[str, Any]]:
    """The manifests of every scrape attempt landed in a bronze partition, oldest first. A partition written
    before bronze was append-only (one part and ``_manifest.json``) is one attempt, ``LEGACY_ATTEMPT``."""
    found = [json.loads(p.read_text()) for p in sorted(partition.glob("_manifest-*.json"), key=lambda p: p.name)]
    index = partition / MANIFEST_FILE
    if not any(m.get("attempt") == LEGACY_ATTEMPT for m in found) and index.exists():
        legacy = json.loads(index.read_text())
        if "attempts" not in legacy:
            found.insert(0, {**legacy, "attempt": LEGACY_ATTEMPT})
    return found


def is_complete(manifest: dict[str, Any]) -> bool:
    """An attempt that read every page it was asked to: no error and not capped."""
    return bool(manifest.get("ok")) and not manifest.get("capped")


def partition_index(source: str, day: date, landed: list[dict[str, Any]]) -> dict[str, Any]:
    """``_manifest.json``: every attempt in brief, the parts silver reads, and the latest attempt's counts."""
    latest = landed[-1]
    brief = ("attempt", "started_at", "finished_at", "ok", "capped", "records", "requests", "pages", "files")
    return {
        **{k: v for k, v in latest.items() if k not in ("attempt", "files", "records", "reused")},
        "source": source,
        "ingest_date": day.isoformat(),
        "latest_attempt": latest["attempt"],
        "complete": any(is_complete(m) for m in landed),
        "records": sum(m.get("records", 0) for m in landed),
        "files": [f for m in landed for f in m.get("files", [])],
        "attempts": [{k: m.get(k) for k in brief} | {"errors": len(m.get("errors", []))} for m in landed],
    }


def land(partition: Any, day: date, landed: list[dict[str, Any]], manifest: dict[str, Any],
          lines: list[bytes]) -> dict[str, Any]:
    """Write one attempt: its part, then its manifest (both written once), then the partition's index, which it
    returns. ``landed`` are the attempts found before this one; a partition in the old layout first gets its manifest
    kept as the legacy attempt's own, so the index never loses it. The index is built from a fresh listing, so an
    attempt landed meanwhile by another run is in it too."""
    legacy = partition / attempt_manifest_file(LEGACY_ATTEMPT)
    if landed and landed[0]["attempt"] == LEGACY_ATTEMPT and not legacy.exists():
        write_bytes_once(legacy, _json_bytes(landed[0]))
    if lines:
        write_bytes_once(partition / manifest["files"][0], gzip.compress(b"".join(lines), mtime=0))
    write_bytes_once(partition / attempt_manifest_file(manifest["attempt"]), _json_bytes(manifest))
    index = partition_index(manifest["source"], day, attempts(partition))
    write_json_atomic(partition / MANIFEST_FILE, index)
    return index


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode()
