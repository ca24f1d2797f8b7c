"""The report's Jinja2 templates: one environment per template folder, autoescaped, strict about missing values."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment(package: str, *, keep_trailing_newline: bool = False) -> Environment:
    """The templates in ``<package>/templates``: every value escaped unless marked safe, an undefined name an error."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=keep_trailing_newline,
    )
