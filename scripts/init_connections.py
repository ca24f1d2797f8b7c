"""Create or update the Airflow connections declared in config/connections.yaml, secrets from the environment.

    python scripts/init_connections.py [config/connections.yaml]

Run it where Airflow runs, after ``airflow db migrate`` (docker-compose's ``airflow-init`` does both). It writes
through Airflow's own ``Connection`` model into the configured metadata database, so secrets are encrypted with
the deployment's fernet key and never pass through a command line. Idempotent: a connection that exists is
updated to the file's values, one that already has them is left alone.

A connection whose required variable (``${VAR}`` without a default) is unset is skipped and reported; that is
not an error, so a deployment without Slack or SMTP still initialises. Output names connections, fields and
variables, never values. Exit status: 0 when every connection was created, updated, unchanged or skipped;
1 when the file is malformed or the database refused a write.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "config" / "connections.yaml"
FIELDS = ("conn_type", "description", "host", "schema", "login", "password", "port", "extra")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigFileError(Exception):
    """config/connections.yaml is malformed."""


@dataclass
class Resolved:
    conn_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # required variables that are unset


def _fill(text: str, env: Mapping[str, str], missing: list[str]) -> str:
    def one(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        value = env.get(name, "")
        if value:
            return value
        if default is None:
            missing.append(name)
            return ""
        return default

    return _PLACEHOLDER.sub(one, text)


def resolve(conn_id: str, spec: Mapping[str, Any], env: Mapping[str, str]) -> Resolved:
    """One connection's fields with every placeholder filled; empty values are dropped (the field stays unset)."""
    unknown = set(spec) - set(FIELDS)
    if unknown:
        raise ConfigFileError(f"{conn_id}: unknown field(s) {sorted(unknown)}; allowed: {', '.join(FIELDS)}")
    if not spec.get("conn_type"):
        raise ConfigFileError(f"{conn_id}: conn_type is required")
    out = Resolved(conn_id)
    for name, value in spec.items():
        if name == "extra":
            if not isinstance(value, Mapping):
                raise ConfigFileError(f"{conn_id}: extra must be a mapping")
            extra = {}
            for key, item in value.items():
                item = _fill(item, env, out.missing) if isinstance(item, str) else item
                if item not in ("", None):
                    extra[key] = item
            if extra:
                out.fields["extra"] = extra
            continue
        text = _fill(str(value), env, out.missing) if value is not None else ""
        if text == "":
            continue
        if name == "port":
            try:
                out.fields["port"] = int(text)
            except ValueError:
                raise ConfigFileError(f"{conn_id}: port must be a number") from None
        else:
            out.fields[name] = text
    return out


def load(path: Path, env: Mapping[str, str]) -> list[Resolved]:
    import yaml

    document = yaml.safe_load(path.read_text()) or {}
    connections = document.get("connections") if isinstance(document, Mapping) else None
    if not isinstance(connections, Mapping):
        raise ConfigFileError(f"{path}: expected a top-level `connections:` mapping of conn_id to fields")
    return [resolve(str(conn_id), spec or {}, env) for conn_id, spec in connections.items()]


def _current(conn: Any) -> dict[str, Any]:
    values = {name: getattr(conn, name) for name in FIELDS if name != "extra"}
    values["extra"] = conn.extra_dejson or None
    return {name: value for name, value in values.items() if value not in ("", None)}


def apply(resolved: list[Resolved]) -> list[tuple[str, str, str]]:
    """Create or update each connection; returns (conn_id, outcome, detail) — details never hold values."""
    from airflow.models import Connection
    from airflow.utils.session import create_session

    report = []
    with create_session() as session:
        for item in resolved:
            if item.missing:
                report.append((item.conn_id, "skipped", "not set: " + ", ".join(sorted(set(item.missing)))))
                continue
            wanted = {**item.fields, "extra": json.dumps(item.fields["extra"]) if "extra" in item.fields else None}
            conn = session.query(Connection).filter(Connection.conn_id == item.conn_id).one_or_none()
            if conn is None:
                session.add(Connection(conn_id=item.conn_id, **{k: v for k, v in wanted.items() if v is not None}))
                report.append((item.conn_id, "created", item.fields["conn_type"]))
                continue
            if _current(conn) == item.fields:
                report.append((item.conn_id, "unchanged", item.fields["conn_type"]))
                continue
            changed = sorted(name for name in FIELDS
                             if _current(conn).get(name) != item.fields.get(name))
            for name in FIELDS:
                setattr(conn, name, wanted.get(name))
            report.append((item.conn_id, "updated", "fields: " + ", ".join(changed)))
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_FILE
    try:
        resolved = load(path, os.environ)
        report = apply(resolved)
    except ConfigFileError as exc:
        print(f"init_connections: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the database's message may quote values: name the error type only
        print(f"init_connections: writing the connections failed ({type(exc).__name__})", file=sys.stderr)
        return 1
    for conn_id, outcome, detail in report:
        print(f"{outcome:<9} {conn_id:<16} {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
