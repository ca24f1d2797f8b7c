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

from job_analytics.errors import ConfigError

PREFIX = "JOB_ANALYTICS_"
REPO_ROOT = Path(__file__).resolve().parents[2]


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
    from job_analytics.sources import API_SHAPES

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
    lake_url: str = "./data/lake"
    engine: Literal["duckdb", "spark"] = "duckdb"
    dbt_project_dir: Path = REPO_ROOT / "dbt"

    # -- sources ---------------------------------------------------------------------------------------------
    # each API source's <NAME>_BASE_URL and its lists (GREENHOUSE_BOARDS, …) come from its declaration (SourceSettings)
    sources: Annotated[list[str], NoDecode] = ["demo"]
    demo_data_dir: Path | None = None  # default: the recordings bundled with the package
    rapidapi_key: SecretStr | None = Field(default=None, validation_alias=_env("rapidapi_key", "RAPIDAPI_KEY"))
    http_timeout_seconds: float = 30.0
    http_max_attempts: int = 5
    http_backoff_seconds: float = 1.0  # first retry wait (exponential, jittered)
    http_backoff_max_seconds: float = 60.0  # cap on any retry wait, Retry-After included
    requests_per_second: float = 2.0  # per source; 0 = no limit (the demo replay is never limited)
    max_pages: int = 20
    max_records: int | None = None  # per source and run: no further page is asked once reached; None = no cap
    min_sources_ok: int = 1
    incremental: bool = True  # ask only for what is new where the API allows it (state under <lake>/state/)
    incremental_window_days: int = 7  # how many days of posting ids the scrape state keeps
    # JOB_ANALYTICS_<SOURCE>_<LIMIT> for each limit of SourceLimits, e.g. JOB_ANALYTICS_JSEARCH_MAX_PAGES=3;
    # read by _SourceLimitsEnv, each falling back to the setting of the same name above (see ``limits``).
    source_limits: dict[str, SourceLimits] = {}

    # -- notifications ---------------------------------------------------------------------------------------
    slack_webhook_url: SecretStr | None = Field(
        default=None, validation_alias=_env("slack_webhook_url", "SLACK_WEBHOOK_URL")
    )
    slack_conn_id: str = "slack_webhook"
    dashboard_base_url: str | None = None  # where users open the dashboard; default: the lake path

    # -- email / metrics -------------------------------------------------------------------------------------
    # Email goes out when SMTP_HOST is set, else through the Airflow connection `smtp_conn_id` when it exists;
    # either way only to EMAIL_TO (comma list). Metrics are pushed to METRICS_PUSH_URL (a Pushgateway base URL),
    # else through the Airflow HTTP connection `metrics_conn_id` when it exists; the .prom file is always written.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 10.0
    smtp_conn_id: str = "smtp_default"
    email_from: str | None = None
    email_to: Annotated[
        list[str], NoDecode,
        BeforeValidator(lambda v: [a.strip() for a in v.split(",") if a.strip()] if isinstance(v, str) else v),
    ] = []
    metrics_push_url: str | None = None  # e.g. http://pushgateway:9091
    metrics_push_user: str | None = None
    metrics_push_password: SecretStr | None = None
    metrics_timeout_seconds: float = 10.0
    metrics_conn_id: str = "grafana_cloud"

    # -- S3 (production deployment) ---------------------------------------------------------------------------
    s3_bronze_bucket: str | None = Field(default=None, validation_alias=_env("s3_bronze_bucket", "S3_BRONZE_BUCKET"))
    s3_silver_bucket: str | None = Field(default=None, validation_alias=_env("s3_silver_bucket", "S3_SILVER_BUCKET"))
    s3_gold_bucket: str | None = Field(default=None, validation_alias=_env("s3_gold_bucket", "S3_GOLD_BUCKET"))
    # an S3-compatible server (MinIO, a moto server); unset on AWS. AWS_ENDPOINT_URL is read as well.
    s3_endpoint_url: str | None = Field(
        default=None, validation_alias=_env("s3_endpoint_url", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
    )
    work_dir: Path = Path("./data/work")  # local files of an s3:// lake that DuckDB opens as databases

    # -- catalog ---------------------------------------------------------------------------------------------
    catalog: Literal["local", "glue"] = "local"  # glue: also register the gold tables in the AWS Glue catalog
    glue_database: str = "job_analytics"
    glue_crawlers: Annotated[  # comma list, case kept: crawlers to start after publishing (as the seed does)
        list[str], NoDecode,
        BeforeValidator(lambda v: [a.strip() for a in v.split(",") if a.strip()] if isinstance(v, str) else v),
    ] = []

    # -- gold ------------------------------------------------------------------------------------------------
    # a search API's posting (lists_whole_board False) has closed after this many complete scrapes of its source
    # without it; dbt's var close_after_days (fct_posting_lifecycle)
    close_after_days: int = Field(default=7, ge=1)

    # -- orchestration ---------------------------------------------------------------------------------------
    task_retries: int = 2

    # -- maintenance -----------------------------------------------------------------------------------------
    retention_days: int = 90
    maintenance_dry_run: bool = True

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
