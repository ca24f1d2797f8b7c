"""Publishing to the AWS Glue Data Catalog, against a real moto server on 127.0.0.1 reached by boto3 over HTTP."""

from __future__ import annotations

import time

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import s3fs
from upath import UPath

from job_analytics.core.errors import ConfigError
from job_analytics.publish.glue import (
    PARQUET_INPUT_FORMAT,
    PARQUET_OUTPUT_FORMAT,
    PARQUET_SERDE,
    GlueError,
    publish_glue,
)
from job_analytics.publish.glue_schema import glue_columns, glue_columns_from_parquet, glue_type, table_spec
from tests.moto_server import aws_env, moto_reset, moto_server  # noqa: F401  (fixtures)
from tests.ports import free_port

DB = "job_analytics"

FCT_SCHEMA = pa.schema([
    ("job_id", pa.string()),
    ("skills", pa.list_(pa.string())),
    ("is_remote", pa.bool_()),
    ("salary_annual_usd_mid", pa.float64()),
    ("posted_at", pa.timestamp("us", tz="UTC")),
    ("posted_date", pa.date32()),
])
AGG_SCHEMA = pa.schema([("posted_date", pa.date32()), ("source", pa.string()), ("postings", pa.int64())])


@pytest.fixture
def aws(moto_reset, monkeypatch, tmp_path):  # noqa: F811
    """An empty moto server, and the environment pointing boto3 at it (nothing else: no profile, no IMDS)."""
    for key, value in aws_env(moto_reset).items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL_GLUE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return moto_reset


@pytest.fixture
def glue(aws):
    return boto3.client("glue")


def gold_tables(**overrides) -> dict[str, dict]:
    docs = {"": "One row per posting.", "job_id": "Stable hash of source + source_job_id.",
            "skills": "Canonical skill names."}
    tables = {
        "fct_job_postings": table_spec("s3://gold-bucket/gold/fct_job_postings", FCT_SCHEMA, docs),
        "agg_daily_postings": table_spec("s3://gold-bucket/gold/agg_daily_postings/", AGG_SCHEMA,
                                         {"": "Postings per day."}),
    }
    tables.update(overrides)
    return tables


def versions(glue, table: str) -> int:
    return len(glue.get_table_versions(DatabaseName=DB, TableName=table)["TableVersions"])


# -- type mapping -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("arrow", "hive"), [
    (pa.string(), "string"),
    (pa.large_string(), "string"),
    (pa.int64(), "bigint"),
    (pa.int32(), "int"),
    (pa.int16(), "smallint"),
    (pa.int8(), "tinyint"),
    (pa.uint32(), "bigint"),
    (pa.float64(), "double"),
    (pa.float32(), "float"),
    (pa.bool_(), "boolean"),
    (pa.timestamp("us", tz="UTC"), "timestamp"),
    (pa.timestamp("ns"), "timestamp"),
    (pa.date32(), "date"),
    (pa.decimal128(18, 3), "decimal(18,3)"),
    (pa.binary(), "binary"),
    (pa.list_(pa.string()), "array<string>"),
    (pa.large_list(pa.int64()), "array<bigint>"),
    (pa.struct([("name", pa.string()), ("count", pa.int32())]), "struct<name:string,count:int>"),
    (pa.list_(pa.struct([("a", pa.date32())])), "array<struct<a:date>>"),
    (pa.map_(pa.string(), pa.float64()), "map<string,double>"),
    (pa.dictionary(pa.int32(), pa.string()), "string"),
])
def test_glue_type_from_arrow(arrow, hive):
    assert glue_type(arrow) == hive


@pytest.mark.parametrize(("duckdb_type", "hive"), [
    ("VARCHAR", "string"),
    ("BIGINT", "bigint"),
    ("INTEGER", "int"),
    ("DOUBLE", "double"),
    ("BOOLEAN", "boolean"),
    ("TIMESTAMP WITH TIME ZONE", "timestamp"),
    ("DATE", "date"),
    ("DECIMAL(10,2)", "decimal(10,2)"),
    ("VARCHAR[]", "array<string>"),
    ("STRUCT(a INTEGER, b VARCHAR[])", "struct<a:int,b:array<string>>"),
])
def test_glue_type_from_duckdb_names(duckdb_type, hive):
    assert glue_type(duckdb_type) == hive


@pytest.mark.parametrize("arrow", [pa.time64("us"), pa.duration("s"), pa.decimal256(50, 2)])
def test_glue_type_rejects_what_hive_lacks(arrow):
    with pytest.raises(ValueError, match="no Glue/Hive type"):
        glue_type(arrow)


def test_glue_type_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="not a DuckDB type name"):
        glue_type("NOT_A_TYPE")


def test_glue_columns_from_parquet_file_folder_and_s3(tmp_path, aws):
    table = pa.table({"job_id": ["a"], "skills": [["sql"]], "posted_date": pa.array([None], pa.date32()),
                      "info": [{"k": 1}]})
    folder = tmp_path / "gold" / "t"
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "data.parquet")
    expected = [("job_id", "string", "the id"), ("skills", "array<string>", ""), ("posted_date", "date", ""),
                ("info", "struct<k:bigint>", "")]
    assert glue_columns_from_parquet(str(folder / "data.parquet"), comments={"job_id": "the id"}) == expected
    assert glue_columns_from_parquet(str(folder), comments={"job_id": "the id", "": "table doc"}) == expected

    boto3.client("s3").create_bucket(Bucket="gold-bucket")
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": aws})
    with fs.open("gold-bucket/gold/t/data.parquet", "wb") as handle:
        pq.write_table(table, handle)
    assert glue_columns_from_parquet("gold-bucket/gold/t/", filesystem=fs, comments={"job_id": "the id"}) == expected
    gold = UPath("s3://gold-bucket/gold/t", client_kwargs={"endpoint_url": aws})
    assert glue_columns_from_parquet(gold, comments={"job_id": "the id"}) == expected
    assert glue_columns_from_parquet(folder / "data.parquet", comments={"job_id": "the id"}) == expected


def test_glue_columns_keep_order_and_comments():
    assert glue_columns(AGG_SCHEMA, {"postings": "how many"}) == [
        ("posted_date", "date", ""), ("source", "string", ""), ("postings", "bigint", "how many")]


# -- publish ----------------------------------------------------------------------------------------------------
def test_publish_creates_database_and_tables(glue):
    summary = publish_glue(database=DB, tables=gold_tables(), parameters={"job_analytics_day": "2024-01-01",
                                                                          "fingerprint": {"fct_job_postings": "3:9"}})
    assert summary == {"database": DB, "database_created": True, "partitions": {}, "crawlers": {},
                       "tables": {"fct_job_postings": "created", "agg_daily_postings": "created"}}

    assert glue.get_database(Name=DB)["Database"]["Name"] == DB
    table = glue.get_table(DatabaseName=DB, Name="fct_job_postings")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Description"] == "One row per posting."
    assert table["Parameters"]["classification"] == "parquet"
    assert table["Parameters"]["job_analytics_day"] == "2024-01-01"
    assert table["Parameters"]["fingerprint"] == '{"fct_job_postings": "3:9"}'
    storage = table["StorageDescriptor"]
    assert storage["Location"] == "s3://gold-bucket/gold/fct_job_postings/"
    assert storage["InputFormat"] == PARQUET_INPUT_FORMAT
    assert storage["OutputFormat"] == PARQUET_OUTPUT_FORMAT
    assert storage["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE
    assert storage["Columns"] == [
        {"Name": "job_id", "Type": "string", "Comment": "Stable hash of source + source_job_id."},
        {"Name": "skills", "Type": "array<string>", "Comment": "Canonical skill names."},
        {"Name": "is_remote", "Type": "boolean"},
        {"Name": "salary_annual_usd_mid", "Type": "double"},
        {"Name": "posted_at", "Type": "timestamp"},
        {"Name": "posted_date", "Type": "date"},
    ]
    assert table.get("PartitionKeys", []) == []
    assert glue.get_table(DatabaseName=DB, Name="agg_daily_postings")["Table"]["StorageDescriptor"]["Location"] == (
        "s3://gold-bucket/gold/agg_daily_postings/")


def test_publish_with_explicit_endpoint_and_region(aws, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    publish_glue(database=DB, tables=gold_tables(), endpoint_url=aws, region="eu-west-1")
    glue = boto3.client("glue", endpoint_url=aws, region_name="eu-west-1")
    assert [t["Name"] for t in glue.get_tables(DatabaseName=DB)["TableList"]] == [
        "fct_job_postings", "agg_daily_postings"]


def test_publishing_twice_changes_nothing_and_leaves_other_tables_alone(glue):
    publish_glue(database=DB, tables=gold_tables())
    before = {name: versions(glue, name) for name in ("fct_job_postings", "agg_daily_postings")}
    tables_before = glue.get_tables(DatabaseName=DB)["TableList"]

    again = publish_glue(database=DB, tables=gold_tables())
    assert again["database_created"] is False
    assert again["tables"] == {"fct_job_postings": "unchanged", "agg_daily_postings": "unchanged"}
    assert {name: versions(glue, name) for name in before} == before
    assert glue.get_tables(DatabaseName=DB)["TableList"] == tables_before

    # a table no longer listed is neither dropped nor touched
    only_agg = {"agg_daily_postings": gold_tables()["agg_daily_postings"]}
    assert publish_glue(database=DB, tables=only_agg)["tables"] == {"agg_daily_postings": "unchanged"}
    assert glue.get_table(DatabaseName=DB, Name="fct_job_postings")["Table"] == tables_before[0]


def test_republish_updates_a_changed_schema(glue):
    publish_glue(database=DB, tables=gold_tables(), parameters={"job_analytics_day": "2024-01-01"})
    wider = FCT_SCHEMA.append(pa.field("seniority", pa.string())).set(3, pa.field("salary_annual_usd_mid",
                                                                                    pa.decimal128(12, 2)))
    changed = table_spec("s3://gold-bucket/gold/fct_job_postings/", wider, {"": "One row per posting, v2."})
    summary = publish_glue(database=DB, tables=gold_tables(fct_job_postings=changed),
                           parameters={"job_analytics_day": "2024-01-01"})
    assert summary["tables"] == {"fct_job_postings": "updated", "agg_daily_postings": "unchanged"}
    table = glue.get_table(DatabaseName=DB, Name="fct_job_postings")["Table"]
    assert table["Description"] == "One row per posting, v2."
    columns = {c["Name"]: c for c in table["StorageDescriptor"]["Columns"]}
    assert columns["salary_annual_usd_mid"]["Type"] == "decimal(12,2)"
    assert columns["seniority"]["Type"] == "string"
    assert "Comment" not in columns["job_id"]  # the comment went away with the docs
    assert versions(glue, "fct_job_postings") == 2

    # a new day alone (a parameter) is an update too
    summary = publish_glue(database=DB, tables=gold_tables(fct_job_postings=changed),
                           parameters={"job_analytics_day": "2024-01-02"})
    assert summary["tables"] == {"fct_job_postings": "updated", "agg_daily_postings": "updated"}
    assert glue.get_table(DatabaseName=DB, Name="agg_daily_postings")["Table"]["Parameters"][
        "job_analytics_day"] == "2024-01-02"


def test_partitions_are_created_once_and_updated_with_the_schema(glue):
    schema = pa.schema([("source", pa.string()), ("postings", pa.int64()), ("ingest_date", pa.date32())])
    spec = table_spec("s3://gold-bucket/gold/agg_daily_postings/", schema, partition_keys=["ingest_date"])
    spec["partitions"] = [{"ingest_date": "2024-01-01"}, {"ingest_date": "2024-01-02"}]
    summary = publish_glue(database=DB, tables={"agg_daily_postings": spec})
    assert summary["partitions"] == {"agg_daily_postings": {"created": 2, "updated": 0, "unchanged": 0}}

    table = glue.get_table(DatabaseName=DB, Name="agg_daily_postings")["Table"]
    assert table["PartitionKeys"] == [{"Name": "ingest_date", "Type": "date"}]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["source", "postings"]
    partitions = sorted(glue.get_partitions(DatabaseName=DB, TableName="agg_daily_postings")["Partitions"],
                        key=lambda p: p["Values"])
    assert [p["Values"] for p in partitions] == [["2024-01-01"], ["2024-01-02"]]
    assert partitions[0]["StorageDescriptor"]["Location"] == (
        "s3://gold-bucket/gold/agg_daily_postings/ingest_date=2024-01-01/")
    assert partitions[0]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE

    again = publish_glue(database=DB, tables={"agg_daily_postings": spec})
    assert again["partitions"] == {"agg_daily_postings": {"created": 0, "updated": 0, "unchanged": 2}}
    assert again["tables"] == {"agg_daily_postings": "unchanged"}

    # a new column and a new day: the old partitions follow the schema, the new one is added, none is dropped
    wider = table_spec("s3://gold-bucket/gold/agg_daily_postings/", schema.append(pa.field("remote", pa.int64())),
                       partition_keys=["ingest_date"])
    wider["partitions"] = [{"ingest_date": "2024-01-02"}, {"ingest_date": "2024-01-03"}]
    third = publish_glue(database=DB, tables={"agg_daily_postings": wider})
    assert third["partitions"] == {"agg_daily_postings": {"created": 1, "updated": 1, "unchanged": 0}}
    partitions = {p["Values"][0]: p for p in
                  glue.get_partitions(DatabaseName=DB, TableName="agg_daily_postings")["Partitions"]}
    assert sorted(partitions) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert [c["Name"] for c in partitions["2024-01-02"]["StorageDescriptor"]["Columns"]] == [
        "source", "postings", "remote"]


def test_partition_key_given_with_its_type():
    spec = table_spec("s3://b/gold/t/", AGG_SCHEMA, partition_keys=[("year", "int", "posting year")])
    spec["partitions"] = [{"month": "1"}]
    with pytest.raises(ConfigError, match="does not name exactly"):
        publish_glue(database=DB, tables={"t": spec}, client=object())


def test_named_crawlers_are_started(glue):
    glue.create_crawler(Name="gold_crawler", Role="arn:aws:iam::123456789012:role/glue", DatabaseName=DB,
                        Targets={"S3Targets": [{"Path": "s3://gold-bucket/gold/"}]})
    summary = publish_glue(database=DB, tables=gold_tables(), crawlers=["gold_crawler"])
    assert summary["crawlers"] == {"gold_crawler": "started"}
    assert glue.get_crawler(Name="gold_crawler")["Crawler"]["State"] == "RUNNING"
    # still running: tolerated, reported
    assert publish_glue(database=DB, tables=gold_tables(), crawlers=["gold_crawler"])["crawlers"] == {
        "gold_crawler": "already running"}


def test_an_unknown_crawler_is_refused_before_anything_changes(glue):
    with pytest.raises(ConfigError, match="crawler 'nope' does not exist"):
        publish_glue(database=DB, tables=gold_tables(), crawlers=["nope"])
    assert glue.get_databases()["DatabaseList"] == []


# -- errors -----------------------------------------------------------------------------------------------------
def test_unreachable_endpoint_is_a_clear_error(aws, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", dead)
    started = time.monotonic()
    with pytest.raises(GlueError, match=rf"cannot reach {dead} \(region us-east-1\)"):
        publish_glue(database=DB, tables=gold_tables())
    assert time.monotonic() - started < 30


def test_missing_credentials_are_a_config_error(aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ConfigError, match="no AWS credentials"):
        publish_glue(database=DB, tables=gold_tables())


def test_missing_region_is_a_config_error(aws, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(ConfigError, match="no AWS region"):
        publish_glue(database=DB, tables=gold_tables())


@pytest.mark.parametrize(("database", "tables", "message"), [
    (DB, {"t": {"location": "/tmp/lake/gold/t/", "columns": [("a", "string", "")]}}, "not on S3"),
    ("Bad-Name", {}, "database name"),
    (DB, {"t; drop": {"location": "s3://b/t/", "columns": [("a", "string", "")]}}, "table name"),
    (DB, {"t": {"location": "s3://b/t/", "columns": []}}, "no columns"),
    (DB, {"t": {"location": "s3://b/t/", "columns": [("a", "string", "")], "partition_keys": ["d"]}}, "no type"),
])
def test_bad_requests_are_refused_before_any_call(database, tables, message):
    with pytest.raises(ConfigError, match=message):
        publish_glue(database=database, tables=tables, client=object())  # a client that would fail if called


def test_gold_exported_by_duckdb_to_s3_is_published_with_its_docs(glue, aws):
    """What update_catalog does on an S3 lake: DuckDB writes gold Parquet, its schema and dbt docs become the table."""
    import duckdb

    boto3.client("s3").create_bucket(Bucket="gold-bucket")
    table = UPath("s3://gold-bucket/gold/fct_job_postings", client_kwargs={"endpoint_url": aws})
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("""CREATE TABLE fct_job_postings AS SELECT 'j1' AS job_id, ['sql', 'python'] AS skills,
                       TIMESTAMPTZ '2024-01-01 06:00:00+00' AS posted_at, DATE '2024-01-01' AS posted_date,
                       CAST(12.5 AS DECIMAL(10, 2)) AS share, 3::BIGINT AS n, {'a': 1, 'b': 'x'} AS info""")
        local = con.execute("SELECT * FROM fct_job_postings").arrow()
        table.fs.mkdirs(table.path, exist_ok=True)
        with table.joinpath("data.parquet").open("wb") as handle:
            pq.write_table(local if isinstance(local, pa.Table) else local.read_all(), handle)
    docs = {"": "One row per posting.", "job_id": "Stable   hash\n of the posting."}
    spec = {**table_spec(str(table), pa.schema([]), docs),
            "columns": glue_columns_from_parquet(table, comments=docs)}
    publish_glue(database=DB, tables={"fct_job_postings": spec})

    held = glue.get_table(DatabaseName=DB, Name="fct_job_postings")["Table"]
    assert held["StorageDescriptor"]["Location"] == "s3://gold-bucket/gold/fct_job_postings/"
    assert [(c["Name"], c["Type"], c.get("Comment", "")) for c in held["StorageDescriptor"]["Columns"]] == [
        ("job_id", "string", "Stable hash of the posting."),
        ("skills", "array<string>", ""),
        ("posted_at", "timestamp", ""),
        ("posted_date", "date", ""),
        ("share", "decimal(10,2)", ""),
        ("n", "bigint", ""),
        ("info", "struct<a:int,b:string>", ""),
    ]
