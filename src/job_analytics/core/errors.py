"""The project's exceptions: one shallow tree, each message says what and where."""


class JobAnalyticsError(Exception):
    """Base for our errors."""


class ConfigError(JobAnalyticsError):
    """A setting is missing or invalid."""


class SourceError(JobAnalyticsError):
    """A source failed to fetch or parse."""


class ScrapeFailed(JobAnalyticsError):
    """Fewer sources succeeded than MIN_SOURCES_OK."""


class MissingInputError(JobAnalyticsError):
    """A stage found nothing to read for its date (run the stage before it)."""


class ConservationError(JobAnalyticsError):
    """Bronze records do not add up to silver rows plus quarantined rows."""


class TransformError(JobAnalyticsError):
    """dbt failed to build or test the gold candidate."""


class QualityGateFailed(JobAnalyticsError):
    """Gold failed its expectations; nothing published."""

    def __init__(self, message: str, failures: list[dict] | None = None):
        super().__init__(message)
        self.failures = failures or []


class BadRecord(JobAnalyticsError):
    """One raw record cannot become a posting; ``reason`` is its quarantine code (e.g. ``missing_id``)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
