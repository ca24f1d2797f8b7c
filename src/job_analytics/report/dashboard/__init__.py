"""refresh_dashboard: the self-contained HTML dashboard rendered from the published catalog."""

from job_analytics.report.dashboard.render import run

__all__ = ["run"]
