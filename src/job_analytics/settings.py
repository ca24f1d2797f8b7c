"""Typed settings from the environment (and `.env`), prefix ``JOB_ANALYTICS_``.

One ``Settings`` is built at the edge (CLI, Airflow task) and passed down; nothing below reads ``os.environ``.
The seed's own names (``RAPIDAPI_KEY``, ``SLACK_WEBHOOK_URL``, ``S3_*_BUCKET``) are accepted too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PREFIX = "JOB_ANALYTICS_"
REPO_ROOT = Path(__file__).resolve().parents[2]


def _env(name: str, *seed_names: str) -> AliasChoices:
    """Accept ``JOB_ANALYTICS_<NAME>`` and the seed's bare names for one field."""
    return AliasChoices(PREFIX + name.upper(), *seed_names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_ignore_empty=True, extra="ignore", populate_by_name=True
    )

    # -- lake and engines ------------------------------------------------------------------------------------
    lake_url: str = "./data/lake"
    engine: Literal["duckdb", "spark"] = "duckdb"
    dbt_project_dir: Path = REPO_ROOT / "dbt"

    # -- sources ---------------------------------------------------------------------------------------------
    sources: Annotated[list[str], NoDecode] = ["demo"]
    remotive_base_url: str = "https://remotive.com"
    arbeitnow_base_url: str = "https://www.arbeitnow.com"
    remoteok_base_url: str = "https://remoteok.com"
    greenhouse_base_url: str = "https://boards-api.greenhouse.io"
    lever_base_url: str = "https://api.lever.co"
    jsearch_base_url: str = "https://jsearch.p.rapidapi.com"
    demo_data_dir: Path | None = None  # default: the recordings bundled with the package
    rapidapi_key: SecretStr | None = Field(default=None, validation_alias=_env("rapidapi_key", "RAPIDAPI_KEY"))
    remotive_categories: Annotated[list[str], NoDecode] = []  # comma list; empty: the whole board in one page
    greenhouse_boards: Annotated[list[str], NoDecode] = []  # comma list of board tokens
    lever_companies: Annotated[list[str], NoDecode] = []  # comma list of Lever site names
    jsearch_queries: Annotated[list[str], NoDecode] = ["data engineer"]  # comma list; asked in each country
    jsearch_countries: Annotated[list[str], NoDecode] = ["us"]  # comma list of ISO 3166-1 alpha-2 codes
    http_timeout_seconds: float = 30.0
    http_max_attempts: int = 5
    http_backoff_seconds: float = 1.0  # first retry wait (exponential, jittered)
    http_backoff_max_seconds: float = 60.0  # cap on any retry wait, Retry-After included
    requests_per_second: float = 2.0  # per source; 0 = no limit (the demo replay is never limited)
    max_pages: int = 20
    min_sources_ok: int = 1

    # -- notifications ---------------------------------------------------------------------------------------
    slack_webhook_url: SecretStr | None = Field(
        default=None, validation_alias=_env("slack_webhook_url", "SLACK_WEBHOOK_URL")
    )
    slack_conn_id: str = "slack_webhook"
    dashboard_base_url: str | None = None  # where users open the dashboard; default: the lake path

    # -- S3 (production deployment) ---------------------------------------------------------------------------
    s3_bronze_bucket: str | None = Field(default=None, validation_alias=_env("s3_bronze_bucket", "S3_BRONZE_BUCKET"))
    s3_silver_bucket: str | None = Field(default=None, validation_alias=_env("s3_silver_bucket", "S3_SILVER_BUCKET"))
    s3_gold_bucket: str | None = Field(default=None, validation_alias=_env("s3_gold_bucket", "S3_GOLD_BUCKET"))

    # -- orchestration ---------------------------------------------------------------------------------------
    task_retries: int = 2

    # -- maintenance -----------------------------------------------------------------------------------------
    retention_days: int = 90
    maintenance_dry_run: bool = True

    @field_validator(
        "sources", "remotive_categories", "greenhouse_boards", "lever_companies", "jsearch_queries",
        "jsearch_countries", mode="before",
    )
    @classmethod
    def _split_sources(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip().lower() for name in value.split(",") if name.strip()]
        return value

    @property
    def lake_root(self) -> str:
        """The lake as an absolute local path or an ``s3://`` URL (relative paths resolve against the cwd)."""
        if "://" in self.lake_url:
            return self.lake_url.rstrip("/")
        return str(Path(self.lake_url).expanduser().resolve())
