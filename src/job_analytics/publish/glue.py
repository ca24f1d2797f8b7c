"""Publish the gold tables to the AWS Glue Data Catalog (the production catalog, ``JOB_ANALYTICS_CATALOG=glue``).

The local deployment writes a DuckDB catalog (``publish/catalog.py``); the production one registers the same Parquet under
``s3://…/gold/<table>/`` as Glue tables, so Athena, Spark/EMR and dbt-athena read what was published:

- ``glue_schema.table_spec(location, schema, docs)`` turns the Arrow schema of an exported table (and the dbt descriptions)
  into one entry of ``tables``; ``glue_columns`` / ``glue_columns_from_parquet`` / ``glue_type`` do the type mapping
  (Arrow → Glue/Hive: ``string``, ``bigint``, ``double``, ``timestamp``, ``date``, ``decimal(p,s)``,
  ``array<string>``, ``struct<a:int,b:string>`` …);
- ``publish_glue(database=…, tables=…)`` creates the database when missing, creates each table or updates it when
  its definition changed (EXTERNAL_TABLE, Parquet SerDe), registers the listed partitions, and optionally starts
  the seed's Glue crawlers.

Publishing is idempotent: a second publish of the same definitions changes nothing (an unchanged table is not
updated, so Glue keeps no extra table version). A table or partition that is no longer listed is left alone:
nothing is ever deleted from the catalog here.

Credentials, region and endpoint come from boto3's usual chain (``AWS_ACCESS_KEY_ID``…, ``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_GLUE``, profiles, instance roles) unless passed explicitly. Missing
credentials or region raise ``ConfigError``; an unreachable endpoint or a refused call raises ``GlueError``. No
credential is ever logged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from job_analytics.core.errors import ConfigError, JobAnalyticsError
from job_analytics.core.logs import kv
from job_analytics.publish.glue_schema import glue_column

log = logging.getLogger(__name__)

PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

_NAME = re.compile(r"^[a-z0-9_]{1,255}$")  # what Athena accepts for database and table names
_DESCRIPTION_MAX = 2048  # Glue's limit on a table or database description
_CREATE_BATCH = 100  # BatchCreatePartition / BatchUpdatePartition accept at most 100 entries
_GET_BATCH = 1000  # BatchGetPartition accepts at most 1000 keys

class GlueError(JobAnalyticsError):
    """The Glue Data Catalog could not be reached or refused a call (says which call, database and table)."""


# -- client -----------------------------------------------------------------------------------------------------
def glue_client(
    endpoint_url: str | None = None, region: str | None = None, *, connect_timeout: float = 10, max_attempts: int = 3
) -> Any:
    """A boto3 Glue client; ``ConfigError`` when no region or no credentials can be found (checked before any call)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, NoRegionError

    session = boto3.session.Session(region_name=region) if region else boto3.session.Session()
    config = Config(connect_timeout=connect_timeout, read_timeout=60,
                    retries={"max_attempts": max_attempts, "mode": "standard"})
    try:
        client = session.client("glue", endpoint_url=endpoint_url or None, config=config)
    except NoRegionError:
        raise ConfigError("Glue: no AWS region; set AWS_DEFAULT_REGION (or AWS_REGION / an AWS profile)") from None
    except (BotoCoreError, ValueError) as exc:  # e.g. a malformed endpoint URL
        raise ConfigError(f"Glue: cannot create a client (endpoint {endpoint_url or 'default'}): {exc}") from None
    try:
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise ConfigError(f"Glue: cannot load AWS credentials: {type(exc).__name__}") from None
    if credentials is None:
        raise ConfigError(
            "Glue: no AWS credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run "
            "with an instance/task role)"
        )
    return client


def _call(client: Any, operation: str, what: str, **kwargs: Any) -> dict:
    """``client.<operation>(**kwargs)``, with the botocore failures that are not API answers turned into ours."""
    import botocore.exceptions as boto

    try:
        return getattr(client, operation)(**kwargs)
    except (boto.NoCredentialsError, boto.PartialCredentialsError) as exc:
        raise ConfigError(f"Glue {operation} ({what}): incomplete AWS credentials ({type(exc).__name__})") from None
    except boto.ConnectionError as exc:
        raise GlueError(
            f"Glue {operation} ({what}): cannot reach {client.meta.endpoint_url} "
            f"(region {client.meta.region_name}): {type(exc).__name__}"
        ) from None
    except boto.BotoCoreError as exc:
        raise GlueError(f"Glue {operation} ({what}): {exc}") from None


def _refused(operation: str, what: str, exc: Exception) -> GlueError:
    error = getattr(exc, "response", {}).get("Error", {})
    return GlueError(f"Glue {operation} ({what}) refused: {error.get('Code', '?')}: {error.get('Message', exc)}")


# -- publish ----------------------------------------------------------------------------------------------------
def publish_glue(
    *,
    database: str,
    tables: Mapping[str, Mapping[str, Any]],
    endpoint_url: str | None = None,
    region: str | None = None,
    crawlers: Iterable[str] = (),
    parameters: Mapping[str, Any] | None = None,
    database_description: str = "job-analytics gold tables (published by update_catalog)",
    client: Any = None,
) -> dict:
    """Register ``tables`` in the Glue database ``database`` (created when missing) and start ``crawlers``.

    ``tables`` maps a table name to ``{"location": "s3://bucket/gold/<table>/", "columns": [(name, type, comment)],
    "description": str, "partition_keys": [name | (name, type, comment)] (optional), "partitions": [{key: value}]
    (optional), "parameters": {str: str} (optional)}``. A column type is an Arrow type, a DuckDB type name or
    already a Glue type string (``glue_type`` is applied to Arrow types and DuckDB names). A partition key given by
    name only takes its type and comment from the column of that name, which then leaves the column list (Glue
    wants partition keys apart). A partition's location is ``<table location>/<key>=<value>/…``.

    ``parameters`` (e.g. ``{"job_analytics_day": "2024-01-01", "fingerprint": …}``) are added to every table's
    parameters beside ``classification=parquet``; non-string values are stored as JSON.

    Every name and location is checked before the first call, and every named crawler must exist, so a bad
    request changes nothing. Returns ``{"database", "database_created", "tables": {name: "created" | "updated" |
    "unchanged"}, "partitions": {name: {"created": n, "updated": n, "unchanged": n}}, "crawlers": {name: "started"
    | "already running"}}``.
    """
    _check_name("database", database)
    inputs = {name: _table_input(name, spec, parameters) for name, spec in tables.items()}
    partition_inputs = {
        name: _partition_inputs(name, spec, inputs[name]) for name, spec in tables.items() if spec.get("partitions")
    }
    crawlers = list(dict.fromkeys(crawlers))
    client = client or glue_client(endpoint_url, region)
    errors = client.exceptions

    for crawler in crawlers:
        try:
            _call(client, "get_crawler", f"crawler {crawler}", Name=crawler)
        except errors.EntityNotFoundException:
            raise ConfigError(f"Glue crawler {crawler!r} does not exist (JOB_ANALYTICS_GLUE_CRAWLERS)") from None
        except client.exceptions.ClientError as exc:
            raise _refused("GetCrawler", crawler, exc) from None

    summary: dict[str, Any] = {"database": database, "database_created": _ensure_database(
        client, database, database_description), "tables": {}, "partitions": {}, "crawlers": {}}

    for name, table_input in inputs.items():
        summary["tables"][name] = _put_table(client, database, table_input)
    for name, entries in partition_inputs.items():
        summary["partitions"][name] = _put_partitions(client, database, name, entries)

    for crawler in crawlers:
        try:
            _call(client, "start_crawler", f"crawler {crawler}", Name=crawler)
            summary["crawlers"][crawler] = "started"
        except errors.CrawlerRunningException:
            summary["crawlers"][crawler] = "already running"
        except client.exceptions.ClientError as exc:
            raise _refused("StartCrawler", crawler, exc) from None

    log.info("glue_published %s", kv(database=database, tables=summary["tables"], partitions=summary["partitions"],
                                     crawlers=summary["crawlers"]))
    return summary


def _check_name(kind: str, name: str) -> None:
    if not _NAME.match(name or ""):
        raise ConfigError(f"Glue {kind} name {name!r}: use 1-255 lower-case letters, digits and underscores")


def _ensure_database(client: Any, database: str, description: str) -> bool:
    try:
        _call(client, "get_database", f"database {database}", Name=database)
        return False
    except client.exceptions.EntityNotFoundException:
        pass
    except client.exceptions.ClientError as exc:
        raise _refused("GetDatabase", database, exc) from None
    try:
        _call(client, "create_database", f"database {database}",
              DatabaseInput={"Name": database, "Description": description[:_DESCRIPTION_MAX]})
        return True
    except client.exceptions.AlreadyExistsException:
        return False  # created by someone else meanwhile
    except client.exceptions.ClientError as exc:
        raise _refused("CreateDatabase", database, exc) from None


def _parameter(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _table_input(name: str, spec: Mapping[str, Any], parameters: Mapping[str, Any] | None) -> dict:
    _check_name("table", name)
    location = str(spec.get("location") or "")
    if not location.startswith(("s3://", "s3a://")):
        raise ConfigError(
            f"Glue table {name}: location {location!r} is not on S3 (the Glue catalog needs an s3:// lake: "
            "set JOB_ANALYTICS_LAKE_URL=s3://…)"
        )
    location = location.rstrip("/") + "/"
    columns = [glue_column(*column) for column in spec.get("columns") or ()]
    if not columns:
        raise ConfigError(f"Glue table {name}: no columns")
    by_name = {column["Name"]: column for column in columns}
    keys = []
    for key in spec.get("partition_keys") or ():
        if isinstance(key, str):
            if key not in by_name:
                raise ConfigError(f"Glue table {name}: partition key {key!r} has no type (not among the columns)")
            keys.append(by_name[key])
        else:
            keys.append(glue_column(*key))
    key_names = {key["Name"] for key in keys}
    columns = [column for column in columns if column["Name"] not in key_names]
    table_parameters = {
        "classification": "parquet",
        "EXTERNAL": "TRUE",
        **{str(k): _parameter(v) for k, v in (parameters or {}).items()},
        **{str(k): _parameter(v) for k, v in (spec.get("parameters") or {}).items()},
    }
    return {
        "Name": name,
        "Description": " ".join(str(spec.get("description") or "").split())[:_DESCRIPTION_MAX],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": table_parameters,
        "PartitionKeys": keys,
        "StorageDescriptor": _storage(columns, location),
    }


def _storage(columns: list[dict], location: str) -> dict:
    return {
        "Columns": columns,
        "Location": location,
        "InputFormat": PARQUET_INPUT_FORMAT,
        "OutputFormat": PARQUET_OUTPUT_FORMAT,
        "Compressed": False,
        "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE, "Parameters": {"serialization.format": "1"}},
        "StoredAsSubDirectories": False,
    }


def _partition_inputs(name: str, spec: Mapping[str, Any], table_input: dict) -> list[dict]:
    keys = [key["Name"] for key in table_input["PartitionKeys"]]
    if not keys:
        raise ConfigError(f"Glue table {name}: partitions given but no partition_keys")
    storage = table_input["StorageDescriptor"]
    inputs = []
    for partition in spec["partitions"]:
        if set(partition) != set(keys):
            raise ConfigError(f"Glue table {name}: partition {dict(partition)} does not name exactly {keys}")
        values = [str(partition[key]) for key in keys]
        suffix = "/".join(f"{key}={value}" for key, value in zip(keys, values, strict=True))
        inputs.append({
            "Values": values,
            "StorageDescriptor": {**storage, "Location": f"{storage['Location']}{suffix}/"},
            "Parameters": {"classification": "parquet"},
        })
    return inputs


def _put_table(client: Any, database: str, table_input: dict) -> str:
    name = table_input["Name"]
    what = f"{database}.{name}"
    try:
        current = _call(client, "get_table", what, DatabaseName=database, Name=name)["Table"]
    except client.exceptions.EntityNotFoundException:
        current = None
    except client.exceptions.ClientError as exc:
        raise _refused("GetTable", what, exc) from None
    try:
        if current is None:
            _call(client, "create_table", what, DatabaseName=database, TableInput=table_input)
            return "created"
        if _same(current, table_input):
            return "unchanged"
        _call(client, "update_table", what, DatabaseName=database, TableInput=table_input)
        return "updated"
    except client.exceptions.ClientError as exc:
        raise _refused("CreateTable" if current is None else "UpdateTable", what, exc) from None


def _same(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether what Glue holds already says everything ``wanted`` says (keys Glue adds on its own are ignored)."""
    for key, value in wanted.items():
        held = current.get(key)
        if isinstance(value, Mapping):
            if not isinstance(held, Mapping) or not _same(held, value):
                return False
        elif isinstance(value, list):
            if not isinstance(held, list) or len(held) != len(value):
                return False
            for a, b in zip(held, value, strict=True):
                if (isinstance(b, Mapping) and not (isinstance(a, Mapping) and _same_exactly(a, b))) or (
                    not isinstance(b, Mapping) and a != b
                ):
                    return False
        elif held != value and not (value in ("", False) and held is None):
            return False
    return True


def _same_exactly(held: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """A column: same name, type and comment (a comment removed counts as a change)."""
    return all(held.get(key) == wanted.get(key) for key in ("Name", "Type", "Comment"))


def _put_partitions(client: Any, database: str, table: str, entries: list[dict]) -> dict[str, int]:
    what = f"{database}.{table}"
    existing: dict[tuple[str, ...], dict] = {}
    for start in range(0, len(entries), _GET_BATCH):
        chunk = entries[start : start + _GET_BATCH]
        try:
            answer = _call(client, "batch_get_partition", what, DatabaseName=database, TableName=table,
                           PartitionsToGet=[{"Values": entry["Values"]} for entry in chunk])
        except client.exceptions.ClientError as exc:
            raise _refused("BatchGetPartition", what, exc) from None
        for partition in answer.get("Partitions", []):
            existing[tuple(partition["Values"])] = partition
    new = [entry for entry in entries if tuple(entry["Values"]) not in existing]
    changed = [entry for entry in entries if tuple(entry["Values"]) in existing
               and not _same(existing[tuple(entry["Values"])], entry)]
    counts = {"created": 0, "updated": 0, "unchanged": len(entries) - len(new) - len(changed)}

    for start in range(0, len(new), _CREATE_BATCH):
        chunk = new[start : start + _CREATE_BATCH]
        try:
            answer = _call(client, "batch_create_partition", what, DatabaseName=database, TableName=table,
                           PartitionInputList=chunk)
        except client.exceptions.ClientError as exc:
            raise _refused("BatchCreatePartition", what, exc) from None
        raced = {tuple(error["PartitionValues"]) for error in answer.get("Errors", [])
                 if error.get("ErrorDetail", {}).get("ErrorCode") == "AlreadyExistsException"}
        failed = [error for error in answer.get("Errors", []) if tuple(error["PartitionValues"]) not in raced]
        if failed:
            raise GlueError(f"Glue BatchCreatePartition ({what}) refused {len(failed)} partitions: {failed[:3]}")
        changed += [entry for entry in chunk if tuple(entry["Values"]) in raced]  # created meanwhile: update them
        counts["created"] += len(chunk) - len(raced)

    for start in range(0, len(changed), _CREATE_BATCH):
        chunk = changed[start : start + _CREATE_BATCH]
        try:
            answer = _call(client, "batch_update_partition", what, DatabaseName=database, TableName=table,
                           Entries=[{"PartitionValueList": entry["Values"], "PartitionInput": entry}
                                    for entry in chunk])
        except client.exceptions.ClientError as exc:
            raise _refused("BatchUpdatePartition", what, exc) from None
        if answer.get("Errors"):
            raise GlueError(f"Glue BatchUpdatePartition ({what}) refused: {answer['Errors'][:3]}")
        counts["updated"] += len(chunk)
    return counts
