"""Typed settings from the environment (and `.env`), prefix ``JOB_ANALYTICS_``.

One ``Settings`` is built at the edge (CLI, Airflow task) and passed down; nothing below reads ``os.environ``.
The seed's own names (``RAPIDAPI_KEY``, ``SLACK_WEBHOOK_URL``, ``S3_*_BUCKET``) are accepted too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from job_analytics.core.errors import ConfigError

PREFIX = "JOB_ANALYTICS_"
REPO_ROOT = Path(__file__).resolve().parents[3]


def _env(name: str, *seed_names: str) -> AliasChoices:
    """Accept ``JOB_ANALYTICS_<NAME>`` and the seed's bare names for one field."""
    return AliasChoices(PREFIX + name.upper(), *seed_names)


class SourceLimits(BaseModel):
    """One source's request limits; a limit left out falls back to the global setting of the same name."""

    requests_per_second: float | None = None
    max_pages: int | None = None
    max_records: int | None = None
    timeout_seconds: float | None = None  # global: http_timeout_seconds


class _SourceLimitsEnv(PydanticBaseSettingsSource):
    """``JOB_ANALYTICS_<SOURCE>_<LIMIT>`` from the environment and ``.env`` (the environment wins), gathered into
    the ``source_limits`` field. A name that is a setting of its own (``HTTP_TIMEOUT_SECONDS``) is not a source;
    ``ingest`` rejects a source name it does not know."""

    def __init__(self, settings_cls: type[BaseSettings], *layers: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self.layers = layers  # lowest precedence first

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[object, str, bool]:
        return None, field_name, False  # everything is gathered in __call__

    def __call__(self) -> dict[str, object]:
        prefix = PREFIX.lower()
        pattern = re.compile(rf"^{prefix}([a-z0-9]+)_({'|'.join(SourceLimits.model_fields)})$")
        found: dict[str, dict[str, str]] = {}
        for layer in self.layers:
            for key, value in getattr(layer, "env_vars", {}).items():
                match = pattern.match(key.lower())
                own_setting = key.lower()[len(prefix) :] in self.settings_cls.model_fields
                if match and value not in (None, "") and not own_setting:
                    found.setdefault(match[1], {})[match[2]] = value
        return {"source_limits": found} if found else {}


def _comma_list(value: object, keep_case: bool = False) -> object:
    """A comma list from the environment as a list of its non-blank items, lower-cased unless ``keep_case``."""
    if isinstance(value, str):
        return [v.strip() if keep_case else v.strip().lower() for v in value.split(",") if v.strip()]
    return value


def _source_fields() -> dict[str, Any]:
    """Every API source's own settings, read from its declaration in the registry: ``<name>_base_url`` (default:
    the API's scheme and host) and one comma list per ``ForEach`` (``greenhouse_boards``, ``jsearch_queries``, …)."""
    from job_analytics.ingest.sources import API_SHAPES

    found: dict[str, Any] = {}
    for source in API_SHAPES.values():
        found[f"{source.name}_base_url"] = (
            str, Field(default=source.base_url_default, description=f"{source.name}: scheme + host + optional prefix"),
        )
        for each in source.each:
            split = BeforeValidator(lambda v, keep=each.keep_case: _comma_list(v, keep))
            found[each.setting] = (
                Annotated[list[str], NoDecode, split], Field(default=list(each.default), description=each.help),
            )
    return found


#: the sources' own settings (``JOB_ANALYTICS_<SOURCE>_BASE_URL``, ``JOB_ANALYTICS_GREENHOUSE_BOARDS``, …)
SourceSettings = create_model("SourceSettings", __base__=BaseSettings, **_source_fields())


class Settings(SourceSettings, BaseSettings):  # BaseSettings named for linters
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_ignore_empty=True, extra="ignore", populate_by_name=True
    )

    # -- lake and engines ------------------------------------------------------------------------------------
    lake_url: str = Field(
        default="./data/lake",
        description="root of the lake: a local folder or s3://bucket/prefix (same layout; see docs/lake.md)",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="bronze -> silver engine: duckdb (in process) or spark (PySpark local[*], local lake only, needs Java)",
    )
    dbt_project_dir: Path = Field(default=REPO_ROOT / "dbt", description="the dbt project folder")

    # -- sources ---------------------------------------------------------------------------------------------
    # each API source's <NAME>_BASE_URL and its lists (GREENHOUSE_BOARDS, …) come from its declaration (SourceSettings)
    sources: Annotated[list[str], NoDecode] = Field(
        default=["demo"],
        description="comma list of enabled sources (registry names, e.g. demo, remotive, greenhouse)",
    )
    demo_data_dir: Path | None = Field(
        default=None,
        description="folder of recorded API pages the demo source replays; default: the recordings bundled with the package",
    )
    rapidapi_key: SecretStr | None = Field(
        description="RapidAPI key for the jsearch source (sent only as a header, never logged)",
        default=None,
        validation_alias=_env("rapidapi_key", "RAPIDAPI_KEY"),
    )
    http_timeout_seconds: float = Field(default=30.0, description="per-request timeout")
    http_max_attempts: int = Field(
        default=5,
        description="attempts per request (retries on 429, 5xx, timeouts, with backoff; Retry-After honoured)",
    )
    http_backoff_seconds: float = Field(default=1.0, description="first retry wait (exponential, jittered)")
    http_backoff_max_seconds: float = Field(
        default=60.0, description="cap on any retry wait, Retry-After included"
    )
    requests_per_second: float = Field(
        default=2.0, description="request rate per source; 0 = no limit (the demo replay is never limited)"
    )
    max_pages: int = Field(default=20, description="page cap per source and run")
    max_records: int | None = Field(
        default=None,
        description="record cap per source and run: no further page is asked once reached; unset = no cap",
    )
    min_sources_ok: int = Field(default=1, description="scrape_jobs fails when fewer sources succeed")
    incremental: bool = Field(
        default=True,
        description="ask each source only for what is new where its API allows it (state under <lake>/state/)",
    )
    incremental_window_days: int = Field(
        default=7, description="days of posting ids each source's scrape state keeps"
    )
    # JOB_ANALYTICS_<SOURCE>_<LIMIT> for each limit of SourceLimits, e.g. JOB_ANALYTICS_JSEARCH_MAX_PAGES=3;
    # read by _SourceLimitsEnv, each falling back to the setting of the same name above (see ``limits``).
    source_limits: dict[str, SourceLimits] = {}

    # -- notifications ---------------------------------------------------------------------------------------
    slack_webhook_url: SecretStr | None = Field(
        description="Slack incoming webhook URL; else the Airflow connection slack_conn_id",
        default=None,
        validation_alias=_env("slack_webhook_url", "SLACK_WEBHOOK_URL"),
    )
    slack_conn_id: str = Field(
        default="slack_webhook",
        description="Airflow connection used for Slack when SLACK_WEBHOOK_URL is unset",
    )
    dashboard_base_url: str | None = Field(
        default=None, description="where people open the dashboard (used in messages); default: the lake path"
    )

    # -- email / metrics -------------------------------------------------------------------------------------
    # Email goes out when SMTP_HOST is set, else through the Airflow connection `smtp_conn_id` when it exists;
    # either way only to EMAIL_TO (comma list). Metrics are pushed to METRICS_PUSH_URL (a Pushgateway base URL),
    # else through the Airflow HTTP connection `metrics_conn_id` when it exists; the .prom file is always written.
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server; when set, email goes out through it (else through the Airflow connection smtp_conn_id)",
    )
    smtp_port: int = Field(default=587, description="SMTP port")
    smtp_user: str | None = Field(default=None, description="SMTP user")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_starttls: bool = Field(default=True, description="use STARTTLS")
    smtp_timeout_seconds: float = Field(default=10.0, description="SMTP timeout")
    smtp_conn_id: str = Field(
        default="smtp_default", description="Airflow SMTP connection used when SMTP_HOST is unset"
    )
    email_from: str | None = Field(default=None, description="sender address")
    email_to: Annotated[
        list[str],
        NoDecode,
        BeforeValidator(
            lambda v: [a.strip() for a in v.split(",") if a.strip()] if isinstance(v, str) else v
        ),
    ] = Field(default=[], description="comma list of recipients; no email without it")
    metrics_push_url: str | None = Field(
        default=None,
        description="Prometheus Pushgateway base URL, e.g. http://pushgateway:9091 (else the Airflow HTTP connection metrics_conn_id); the .prom file is always written",
    )
    metrics_push_user: str | None = Field(default=None, description="Pushgateway basic-auth user")
    metrics_push_password: SecretStr | None = Field(
        default=None, description="Pushgateway basic-auth password"
    )
    metrics_timeout_seconds: float = Field(default=10.0, description="metrics push timeout")
    metrics_conn_id: str = Field(
        default="grafana_cloud",
        description="Airflow HTTP connection used for metrics when METRICS_PUSH_URL is unset",
    )

    # -- S3 (production deployment) ---------------------------------------------------------------------------
    s3_bronze_bucket: str | None = Field(
        description="bucket for bronze/ (same layout inside); unset = under LAKE_URL",
        default=None,
        validation_alias=_env("s3_bronze_bucket", "S3_BRONZE_BUCKET"),
    )
    s3_silver_bucket: str | None = Field(
        description="bucket for silver/ (same layout inside); unset = under LAKE_URL",
        default=None,
        validation_alias=_env("s3_silver_bucket", "S3_SILVER_BUCKET"),
    )
    s3_gold_bucket: str | None = Field(
        description="bucket for gold/ (same layout inside); unset = under LAKE_URL",
        default=None,
        validation_alias=_env("s3_gold_bucket", "S3_GOLD_BUCKET"),
    )
    # an S3-compatible server (MinIO, a moto server); unset on AWS. AWS_ENDPOINT_URL is read as well.
    s3_endpoint_url: str | None = Field(
        description="an S3-compatible server (MinIO, a moto server); unset on AWS",
        default=None,
        validation_alias=_env("s3_endpoint_url", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
    )
    work_dir: Path = Field(
        default=Path("./data/work"),
        description="local folder for files of an s3:// lake that DuckDB opens as databases (dbt's candidate warehouse)",
    )

    # -- catalog ---------------------------------------------------------------------------------------------
    catalog: Literal["local", "glue"] = Field(
        default="local",
        description="local, or glue: also register the gold tables in the AWS Glue Data Catalog (needs an S3 lake)",
    )
    glue_database: str = Field(default="job_analytics", description="the Glue database")
    glue_crawlers: Annotated[  # comma list, case kept: crawlers to start after publishing (as the seed does)
        list[str],
        NoDecode,
        BeforeValidator(
            lambda v: [a.strip() for a in v.split(",") if a.strip()] if isinstance(v, str) else v
        ),
    ] = Field(default=[], description="comma list (case kept) of Glue crawlers to start after publishing")

    # -- gold ------------------------------------------------------------------------------------------------
    # a search API's posting (lists_whole_board False) has closed after this many complete scrapes of its source
    # without it; dbt's var close_after_days (fct_posting_lifecycle)
    close_after_days: int = Field(
        description="a search API's posting has closed after this many complete scrapes of its source without it (dbt var close_after_days)",
        default=7,
        ge=1,
    )

    # -- orchestration ---------------------------------------------------------------------------------------
    task_retries: int = Field(default=2, description="Airflow retries per task (exponential backoff)")

    # -- maintenance -----------------------------------------------------------------------------------------
    retention_days: int = Field(
        default=90, description="maintenance: age in days after which raw/operational partitions expire"
    )
    maintenance_dry_run: bool = Field(default=True, description="maintenance: report only, delete nothing")

    def __init__(self, **values: object) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(describe_invalid(exc, type(self))) from None

    @field_validator("sources", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        return _comma_list(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        limits = _SourceLimitsEnv(settings_cls, dotenv_settings, env_settings)
        return init_settings, env_settings, limits, dotenv_settings, file_secret_settings

    def limits(self, source: str) -> SourceLimits:
        """``source``'s limits with every one filled in: its own ``JOB_ANALYTICS_<SOURCE>_<LIMIT>``, else global."""
        own = (self.source_limits.get(source) or SourceLimits()).model_dump(exclude_none=True)
        defaults = SourceLimits(
            requests_per_second=self.requests_per_second,
            max_pages=self.max_pages,
            max_records=self.max_records,
            timeout_seconds=self.http_timeout_seconds,
        )
        return defaults.model_copy(update=own)

    @property
    def lake_root(self) -> str:
        """The lake as an absolute local path or an ``s3://`` URL (relative paths resolve against the cwd)."""
        if "://" in self.lake_url:
            return self.lake_url.rstrip("/")
        return str(Path(self.lake_url).expanduser().resolve())


def describe_invalid(error: ValidationError, settings_cls: type[BaseSettings]) -> str:
    """One line per bad setting: the variable, what was given (never a secret's value) and what is allowed."""
    lines = []
    for item in error.errors(include_url=False):
        name = str(item["loc"][0]) if item["loc"] else ""
        field = settings_cls.model_fields.get(name)
        variable = PREFIX + name.upper()
        if field is not None and isinstance(field.validation_alias, AliasChoices):
            variable = str(field.validation_alias.choices[0])
        secret = field is not None and "SecretStr" in str(field.annotation)
        given = "<hidden>" if secret else repr(item.get("input"))
        allowed = item["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
        lines.append(f"invalid setting {variable}={given}: expected {allowed}")
    return "; ".join(lines)
