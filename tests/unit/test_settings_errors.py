"""A bad setting is one line: the variable, what was given, what is allowed; the CLI exits 2 (a usage error)."""

from __future__ import annotations

import subprocess

import pytest

from job_analytics.cli import main
from job_analytics.core.errors import ConfigError
from job_analytics.core.settings import Settings
from tests.conftest import BIN


@pytest.mark.parametrize("variable, value, message", [
    ("JOB_ANALYTICS_ENGINE", "foo", "invalid setting JOB_ANALYTICS_ENGINE='foo': expected 'duckdb' or 'spark'"),
    ("JOB_ANALYTICS_MAX_PAGES", "abc", "invalid setting JOB_ANALYTICS_MAX_PAGES='abc': expected a valid integer"),
    ("JOB_ANALYTICS_CATALOG", "hive", "invalid setting JOB_ANALYTICS_CATALOG='hive': expected 'local' or 'glue'"),
])
def test_bad_setting_names_variable_value_and_what_is_allowed(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_secret_is_never_echoed(monkeypatch):
    monkeypatch.setenv("JOB_ANALYTICS_SMTP_PORT", "not-a-port")
    monkeypatch.setenv("JOB_ANALYTICS_METRICS_PUSH_PASSWORD", "s3cret")
    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None, metrics_push_password=12345)  # not a string: invalid, and a secret
    text = str(caught.value)
    assert "JOB_ANALYTICS_SMTP_PORT='not-a-port'" in text
    assert "JOB_ANALYTICS_METRICS_PUSH_PASSWORD=<hidden>" in text and "12345" not in text


def test_cli_prints_one_line_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("JOB_ANALYTICS_ENGINE", "foo")
    assert main(["run", "--date", "2024-01-01"]) == 2
    err = capsys.readouterr().err
    assert err == "job-analytics run: invalid setting JOB_ANALYTICS_ENGINE='foo': expected 'duckdb' or 'spark'\n"


def test_the_installed_command_too(tmp_path):
    proc = subprocess.run([str(BIN / "job-analytics"), "scrape", "--date", "2024-01-01"], cwd=tmp_path,
                          env={"PATH": str(BIN), "JOB_ANALYTICS_MAX_PAGES": "abc", "HOME": str(tmp_path)},
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        ("job-analytics scrape: invalid setting JOB_ANALYTICS_MAX_PAGES='abc': expected a valid integer, "
         "unable to parse string as an integer")]
