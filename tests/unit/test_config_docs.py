"""docs/configuration.md is generated from Settings; this fails when it is out of date."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "config_docs.py"


def _module():
    spec = importlib.util.spec_from_file_location("config_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_doc_is_up_to_date():
    docs = _module()
    on_disk = docs.TARGET.read_text() if docs.TARGET.exists() else ""
    assert on_disk == docs.render(), f"docs/configuration.md is out of date with Settings; run: {docs.COMMAND}"


def test_every_setting_is_documented():
    docs = _module()
    from job_analytics.core.settings import Settings

    text = docs.render()
    for name, field in Settings.model_fields.items():
        if name != "source_limits":
            assert field.description, f"Settings.{name} has no description="
            assert f"JOB_ANALYTICS_{name.upper()}" in text
    for alias in ("RAPIDAPI_KEY", "SLACK_WEBHOOK_URL", "S3_BRONZE_BUCKET", "S3_SILVER_BUCKET", "S3_GOLD_BUCKET"):
        assert f"`{alias}`" in text
