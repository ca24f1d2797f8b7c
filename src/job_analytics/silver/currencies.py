"""Currencies: the dated FX table (USD per unit, ``rules/fx_rates.csv``) and the currency a country tenders."""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path

from babel.numbers import get_territory_currencies

_FX_FILE = Path(__file__).with_name("rules") / "fx_rates.csv"


@cache
def fx_table() -> dict[str, list[tuple[date, float]]]:
    """currency → [(as_of, usd_per_unit)] sorted by date, read once from ``rules/fx_rates.csv``."""
    table: dict[str, list[tuple[date, float]]] = {}
    with _FX_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            table.setdefault(row["currency"], []).append((date.fromisoformat(row["as_of"]), float(row["usd_per_unit"])))
    return {code: sorted(rates) for code, rates in table.items()}


@cache
def fx_codes() -> frozenset[str]:
    return frozenset(fx_table())


def rate(currency: str, on: date | None) -> float | None:
    """USD per unit of ``currency`` on ``on`` (the latest row not after it, else the first); None if unknown."""
    rates = fx_table().get(currency)
    if not rates:
        return None
    if on is None:
        return rates[-1][1]
    applicable = [rate for as_of, rate in rates if as_of <= on]
    return applicable[-1] if applicable else rates[0][1]


_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}  # the EU's own codes for two member states


def currency_for_country(country_code: str | None) -> str | None:
    """The official currency (ISO 4217) tendered today in an ISO 3166-1 alpha-2 country; None when unknown.

    For a record that states amounts without a currency: the caller notes the currency as inferred.
    """
    if not country_code or not country_code.strip():
        return None
    code = country_code.strip().upper()
    code = _COUNTRY_ALIASES.get(code, code)
    if len(code) != 2 or not code.isalpha():
        return None
    currencies = get_territory_currencies(code, tender=True)
    return currencies[0] if currencies else None
