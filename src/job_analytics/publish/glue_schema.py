"""Arrow and DuckDB types → Glue/Hive types, and the table spec ``glue.publish_glue`` takes (its columns, comments,
partition keys). ``glue_columns(schema, docs)``, ``glue_columns_from_parquet(path)``, ``glue_type(type)``,
``table_spec(location, schema, docs)``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

_COMMENT_MAX = 255  # Glue's limit on a column comment

Column = tuple[str, Any, str]  # (name, Arrow type | DuckDB type name, comment)


def glue_type(data_type: pa.DataType | str) -> str:
    """The Glue/Hive type of an Arrow type, or of a DuckDB type name (``VARCHAR``, ``DECIMAL(18,2)``, ``VARCHAR[]``,
    ``STRUCT(a INTEGER, b VARCHAR)`` …, parsed by DuckDB itself). Raises ``ValueError`` for a type Hive lacks
    (``time``, ``duration``, intervals, decimals wider than 38 digits)."""
    if isinstance(data_type, str):
        data_type = _arrow_type_of_duckdb(data_type)
    t = data_type
    if pa.types.is_dictionary(t):
        return glue_type(t.value_type)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or _is(t, "is_string_view"):
        return "string"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        signed = {8: "tinyint", 16: "smallint", 32: "int", 64: "bigint"}
        unsigned = {8: "smallint", 16: "int", 32: "bigint", 64: "decimal(20,0)"}  # Hive has no unsigned ints
        return (signed if pa.types.is_signed_integer(t) else unsigned)[t.bit_width]
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "float"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_decimal(t):
        if t.precision > 38:
            raise ValueError(f"no Glue/Hive type for {t}: Hive decimals hold at most 38 digits")
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "timestamp"  # Hive timestamps carry no zone; DuckDB writes TIMESTAMPTZ as UTC-adjusted instants
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or _is(
        t, "is_binary_view"
    ):
        return "binary"
    if pa.types.is_null(t):
        return "string"  # an all-null column: any type reads it; string is the least surprising
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t) or _is(t, "is_list_view"):
        return f"array<{glue_type(t.value_type)}>"
    if pa.types.is_map(t):
        return f"map<{glue_type(t.key_type)},{glue_type(t.item_type)}>"
    if pa.types.is_struct(t):
        fields = [t.field(i) for i in range(t.num_fields)]
        return "struct<" + ",".join(f"{f.name}:{glue_type(f.type)}" for f in fields) + ">"
    raise ValueError(f"no Glue/Hive type for {t}")


def _is(data_type: pa.DataType, predicate: str) -> bool:
    check = getattr(pa.types, predicate, None)  # the *_view predicates exist only in newer PyArrow releases
    return bool(check and check(data_type))


def _arrow_type_of_duckdb(name: str) -> pa.DataType:
    import duckdb

    try:
        with duckdb.connect() as con:
            con.execute("SET TimeZone = 'UTC'")
            return con.execute(f"SELECT CAST(NULL AS {name}) AS x LIMIT 0").arrow().schema.field(0).type
    except duckdb.Error as exc:
        raise ValueError(f"not a DuckDB type name: {name!r} ({exc})") from None


def glue_columns(schema: pa.Schema, comments: Mapping[str, str] | None = None) -> list[Column]:
    """``[(name, glue type, comment)]`` for each field of ``schema``; ``comments`` maps column → description
    (the dbt docs; the ``""`` key, the table's own description, is ignored)."""
    comments = comments or {}
    return [(field.name, glue_type(field.type), comments.get(field.name, "")) for field in schema]


def glue_columns_from_parquet(
    path: Any, filesystem: Any = None, comments: Mapping[str, str] | None = None
) -> list[Column]:
    """The Glue columns of a Parquet file, or of the Parquet files of a folder (``gold/<table>/``): a local path,
    a ``upath.UPath`` (its own filesystem is used, e.g. ``Lake.gold_table(t)`` on an S3 lake), or a path on the
    fsspec/PyArrow ``filesystem`` given (e.g. ``s3fs.S3FileSystem``). Hive partition folders (``k=v/``) are not
    turned into columns: partition keys are declared separately (``partition_keys``)."""
    import pyarrow.dataset as ds

    if filesystem is None and getattr(path, "fs", None) is not None and hasattr(path, "path"):
        filesystem, path = path.fs, path.path  # a UPath
    dataset = ds.dataset(str(path), filesystem=filesystem, format="parquet", partitioning=None)
    return glue_columns(dataset.schema, comments)


def table_spec(
    location: str,
    schema: pa.Schema,
    docs: Mapping[str, str] | None = None,
    *,
    partition_keys: Sequence[str | Column] = (),
    parameters: Mapping[str, Any] | None = None,
) -> dict:
    """One entry of ``publish_glue``'s ``tables``: ``docs`` is ``{"": table description, column: description}``
    (what ``catalog._descriptions`` returns for one table)."""
    docs = docs or {}
    spec: dict[str, Any] = {
        "location": location,
        "columns": glue_columns(schema, docs),
        "description": docs.get("", ""),
    }
    if partition_keys:
        spec["partition_keys"] = list(partition_keys)
    if parameters:
        spec["parameters"] = dict(parameters)
    return spec


def glue_column(name: str, data_type: Any, comment: str = "") -> dict[str, str]:
    column = {"Name": name, "Type": _type_name(data_type)}
    if comment:
        column["Comment"] = " ".join(str(comment).split())[:_COMMENT_MAX]
    return column


_HIVE_TYPE = re.compile(
    r"(tinyint|smallint|int|bigint|float|double|boolean|string|binary|timestamp|date"
    r"|decimal\(\d+,\d+\)|char\(\d+\)|varchar\(\d+\)|(array|map|struct)<.+>)"
)


def _type_name(data_type: Any) -> str:
    """A column's Glue type: Arrow types and DuckDB type names are mapped; a Glue/Hive type string is kept."""
    if isinstance(data_type, pa.DataType):
        return glue_type(data_type)
    text = str(data_type).strip()
    compact = re.sub(r"\s+", "", text)
    if text == text.lower() and _HIVE_TYPE.fullmatch(compact):
        return compact  # already a Glue/Hive type: string, bigint, decimal(10,2), array<string> …
    return glue_type(text)  # a DuckDB type name: VARCHAR, BIGINT, DECIMAL(18,2), VARCHAR[], STRUCT(a INT) …
