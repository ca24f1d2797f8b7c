"""Write docs/configuration.md from the ``Settings`` class: every setting's variable, type, default, description.

    uv run --frozen python scripts/config_docs.py          # rewrite docs/configuration.md
    uv run --frozen python scripts/config_docs.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path

from pydantic import AliasChoices, SecretStr

from job_analytics.core.settings import PREFIX, REPO_ROOT, Settings, SourceLimits

TARGET = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
COMMAND = "uv run --frozen python scripts/config_docs.py"


def _type(annotation: object) -> str:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return " \\| ".join(_type(a) for a in inner) + (" (optional)" if len(inner) < len(args) else "")
    if origin is list:
        return "comma list"
    if annotation is SecretStr:
        return "secret"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: object) -> str:
    value = field.get_default(call_default_factory=True)  # type: ignore[attr-defined]
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, Path) and value.is_absolute():
        try:
            value = "<repo>/" + str(value.relative_to(REPO_ROOT))
        except ValueError:
            pass
    if isinstance(value, list):
        value = ",".join(value)
    if isinstance(value, bool):
        value = str(value).lower()
    return f"`{value}`"


def _variables(name: str, field: object) -> str:
    alias = field.validation_alias  # type: ignore[attr-defined]
    names = list(alias.choices) if isinstance(alias, AliasChoices) else [PREFIX + name.upper()]
    return " or ".join(f"`{n}`" for n in names)


def render() -> str:
    lines = [
        "# Configuration",
        "",
        f"<!-- generated from the Settings class by `{COMMAND}`; do not edit by hand -->",
        "",
        "Every setting is an environment variable (or a line in `.env`; the environment wins), prefix",
        f"`{PREFIX}`. Some also accept the seed's bare names (listed after *or*). Switching between the laptop",
        "and production deployments is configuration only. An invalid value fails at start with the variable's name.",
        "",
        "| Variable | Type | Default | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        if name == "source_limits":
            continue
        desc = (field.description or "").replace("|", "\\|")
        lines.append(f"| {_variables(name, field)} | {_type(field.annotation)} | {_default(field)} | {desc} |")
    limits = ", ".join(f"`{PREFIX}<SOURCE>_{n.upper()}`" for n in SourceLimits.model_fields)
    lines += [
        "",
        "## Per-source limits",
        "",
        f"{limits}: one source's own limits (e.g. `{PREFIX}JSEARCH_MAX_PAGES=3`); each falls back to the global",
        "setting of the same name (`TIMEOUT_SECONDS` to `HTTP_TIMEOUT_SECONDS`). An unknown source name fails the",
        "scrape before any request.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is out of date; run: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
