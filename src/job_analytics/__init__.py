"""job-analytics: a daily job-market analytics pipeline."""
__version__ = "0.1.0"
