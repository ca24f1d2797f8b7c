"""Salaries: free text and structured fields → ``Salary``; ``Salary`` → annual USD with a dated FX table.

Parsing rules, in order:

- ``401(k)`` mentions are ignored; amounts followed by ``%``, ``years``, ``days``… are not money.
- An amount is a number with an optional multiplier (``k``, ``M``, ``LPA``/``lakh``, ``crore``, ``万``) and a
  currency next to it (symbol, ISO code or word). ``55.000`` and ``45 000`` and ``120'000`` are thousands;
  ``45.50`` and ``12,5k`` are decimals; Indian grouping ``10,00,000`` works.
- The first pair of amounts joined by a range word (``-``, ``to``, ``bis``, ``and``) wins; otherwise the first
  single amount that carries a currency or a multiplier (or is ≥ 1,000). A multiplier written only on the upper
  bound applies to both (``80-100K``). ``up to`` gives only a max, ``from`` or a trailing ``+`` only a min.
- The currency is the one next to the amounts, else the first one in the text; lakh/crore imply INR.
- The period is the first period phrase from just before the amounts on (``/hr``, ``per annum``, ``p.a.``,
  ``monthly``…). Without one it is inferred from the size of the amount in USD: < 300 → hour, < 10,000 → month, else year.

``salary_text.salary_in_text`` finds a salary statement in a whole description or a title and reads it with these
rules; ``currencies`` holds the FX table and the currency a country tenders.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

import pycountry

from job_analytics.silver.currencies import fx_codes
from job_analytics.silver.currencies import rate as usd_per_unit

HOURS_PER_YEAR = 2080
DAYS_PER_YEAR = 260
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
PER_YEAR = {"year": 1, "month": MONTHS_PER_YEAR, "week": WEEKS_PER_YEAR, "day": DAYS_PER_YEAR, "hour": HOURS_PER_YEAR}

#: Annual USD outside this range is not a salary we believe (a typo, a monthly figure sent as yearly, cents…).
MIN_PLAUSIBLE_ANNUAL_USD = 1_000
MAX_PLAUSIBLE_ANNUAL_USD = 5_000_000



@dataclass(frozen=True)
class Salary:
    """Amounts in ``currency`` (ISO 4217, or None when unknown) per ``period`` (year|month|week|day|hour)."""

    min: float | None
    max: float | None
    currency: str | None
    period: str | None


# --- currencies --------------------------------------------------------------------------------------------------

_SYMBOLS = {  # longest first in the regex; "$" alone is USD
    "US$": "USD", "USD$": "USD", "CA$": "CAD", "CAD$": "CAD", "C$": "CAD", "AU$": "AUD", "AUD$": "AUD",
    "A$": "AUD", "NZ$": "NZD", "S$": "SGD", "SGD$": "SGD", "HK$": "HKD", "MX$": "MXN", "R$": "BRL", "$": "USD",
    "£": "GBP", "€": "EUR", "₹": "INR", "¥": "JPY", "円": "JPY", "₩": "KRW", "₺": "TRY", "₱": "PHP", "₪": "ILS",
}
_WORDS = {  # case-insensitive, whole words
    "rs": "INR", "rs.": "INR", "rupees": "INR", "euro": "EUR", "euros": "EUR", "dollars": "USD", "dollar": "USD",
    "pounds": "GBP", "yen": "JPY", "zł": "PLN", "zl": "PLN", "zloty": "PLN", "złotych": "PLN", "kč": "CZK",
    "ft": "HUF", "fr.": "CHF", "lakh": "INR",
}


@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def _currency_pattern() -> str:
    """Symbols, words and ISO codes (codes we convert in any case, other ISO codes only in capitals).

    Each list of alternatives is written as a trie (``_trie``): the same matches, in the same order of preference,
    without trying some 200 alternatives one after the other at every position of the text.
    """
    symbols = _trie(sorted(_SYMBOLS, key=len, reverse=True))
    words_and_codes = _trie([*sorted(_WORDS, key=len, reverse=True), *sorted(fx_codes())], ignore_case=True)
    others = _trie(sorted(_iso_codes() - fx_codes()))
    return (
        rf"{symbols}|(?<![A-Za-z])R(?=\s?\d)"  # "R" is the South African rand only when glued to a number
        rf"|(?i:(?<!\w){words_and_codes}(?!\w))|(?<![A-Za-z]){others}(?![A-Za-z])"
    )


def _trie(alternatives: list[str], ignore_case: bool = False) -> str:
    r"""A regex group that matches what ``(?:a|b|…)`` of the literal ``alternatives`` matches, trying them in the
    same order, with common prefixes written once: ``US$|USD$|UAH`` → ``(?:U(?:S(?:D\$|\$)|AH))``.

    The order is kept because no alternative comes after one of its own prefixes (checked here): among the
    alternatives that match at one position, which are prefixes of one another, the longer is tried first in both
    forms. With ``ignore_case`` (for use inside ``(?i:…)``) alternatives are compared in lower case, and one that
    repeats an earlier one in another case is dropped (it could never be the one that matches).
    """
    tree: dict[str, dict] = {}
    seen: list[str] = []
    for alternative in alternatives:
        key = alternative.lower() if ignore_case else alternative
        if key in seen:
            continue
        if any(key.startswith(earlier) for earlier in seen):
            raise ValueError(f"{alternative!r} comes after a prefix of it: the trie would try it first")
        seen.append(key)
        node = tree
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # an alternative ends here

    def group(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + group(child) for char, child in node.items() if char]
        if "" in node:
            branches.append("")  # ending here is tried after every longer alternative
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return group(tree)


@cache
def _currency_regex() -> re.Pattern[str]:
    return re.compile(_currency_pattern())


@cache
def _amount_regex() -> re.Pattern[str]:
    currency = _currency_pattern()
    return re.compile(
        rf"(?P<pre>(?:{currency})\s?)?(?P<num>{_NUMBER})(?:\s?(?P<mult>{_MULTIPLIER}))?"
        rf"(?:\s?(?P<post>{currency}))?(?P<plus>\s?\+)?"
    )


def _currency_of(marker: str) -> str | None:
    if marker in _SYMBOLS:
        return _SYMBOLS[marker]
    if marker == "R":
        return "ZAR"
    if marker.lower() in _WORDS:
        return _WORDS[marker.lower()]
    code = marker.upper()
    if code in fx_codes() or (marker.isupper() and code in _iso_codes()):
        return code  # any-case codes we can convert; other ISO codes only when written in capitals
    return None


def normalize_currency(value: str | None) -> str | None:
    """An ISO 4217 code from a code, symbol or currency word (``"$"``, ``"usd"``, ``"€"``); None if unknown."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.upper() in _iso_codes():
        return value.upper()
    return _currency_of(value)


# --- numbers -----------------------------------------------------------------------------------------------------

_HAS_DIGIT = re.compile(r"\d")
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)*"
_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "lpa": 1e5,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "l": 1e5, "crore": 1e7, "crores": 1e7, "cr": 1e7, "万": 1e4,
}
_INDIAN_MULTIPLIERS = frozenset({"lpa", "lakh", "lakhs", "lac", "lacs", "l", "crore", "crores", "cr"})
_MULTIPLIER = r"(?i:thousand|million|mio|mm|mn|m|k|lpa|lakhs?|lacs?|l|crores?|cr)(?![^\W\d_])|万"  # "45.000 Kč": the k of Kč is no multiplier
_NOT_MONEY_AFTER = re.compile(r"(?:\s*[-–]\s*\d+)?\s*\+?\s*(?:%|(?i:years?|yrs?|jahre|months|weeks|days|hours|employees|people)\b)")
_RANGE_GAP = re.compile(
    r"(?:\s*/\s*(?i:yr|year|hr|hour|mo|month|day))?\s*(?:-|–|—|~|(?i:to|bis|and|und|a|et|ed(?:\s+i)?|y))\s*(?:[A-Z]{3}\s?)?")
_UP_TO = re.compile(r"(?:(?i:(?<!\w)(?:up\s*to|upto|max(?:imum)?\.?|bis\s+zu|until|under))|<|≤)\s*$")
_FROM = re.compile(
    r"(?:(?i:(?<!\w)(?:from|starting\s+(?:at|from)|starts\s+at|min(?:imum)?\.?|at\s+least|ab|over|mindestens))|>|≥)\s*$"
)
_401K = re.compile(r"(?i)\b401\s*\(?k\)?")

_PERIODS = {
    "hour": r"per\s+hour|/\s*h(?:ou)?rs?\b|/\s*h\b|\bhourly\b|\ban?\s+hour\b|\bp\.?h\b\.?|pro\s+stunde|/\s*std\b",
    "day": r"per\s+day|/\s*day\b|/\s*d\b|\bdaily\b|\ba\s+day\b|\bday\s+rate\b|\bp\.?d\b\.?|pro\s+tag|tagessatz",
    "week": r"per\s+week|/\s*w(?:ee)?k\b|\bweekly\b|\ba\s+week\b|\bp\.?w\b\.?|pro\s+woche",
    "month": r"per\s+month|/\s*m(?:o|th|onth)?\b|\bmonthly\b|\ba\s+month\b|\bp\.?m\b\.?|pro\s+monat|/\s*monat"
    r"|monatlich|/\s*mies|miesi[eę]cznie|/\s*m[eê]s\b|mensual|/\s*mån",
    "year": r"per\s+(?:year|annum)|/\s*y(?:ea)?r\b|/\s*annum|\bp\.?a\b\.?|\bannual(?:ly)?\b|\byearly\b|\ba\s+year\b"
    r"|\blpa\b|\bctc\b|pro\s+jahr|/\s*jahr|j[äa]hrlich|rocznie|/\s*rok\b|\bannum\b",
}
_PERIOD = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _PERIODS.items()), re.IGNORECASE)
_PERIOD_WORDS = {"year": ("year", "annu", "yr"), "month": ("month",), "week": ("week",),
                 "day": ("day", "daily"), "hour": ("hour", "hr")}


def _number(text: str) -> float:
    """``55.000`` → 55000, ``45.50`` → 45.5, ``1.234,56`` → 1234.56, ``10,00,000`` → 1000000."""
    text = re.sub(r"[ \u00a0\u202f']", "", text)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(text.replace(thousands, "").replace(decimal, "."))
    for sep in (",", "."):
        if sep in text:
            head, _, tail = text.rpartition(sep)
            if text.count(sep) > 1 or len(tail) == 3:
                return float(text.replace(sep, ""))
            return float(f"{head}.{tail}")
    return float(text)


@dataclass
class _Amount:
    value: float
    multiplier: str | None
    currency: str | None
    start: int
    end: int
    plus: bool
    stop: int  # end of the amount without a trailing "+"

    @property
    def marked(self) -> bool:
        return self.currency is not None or self.multiplier is not None


def _amounts(text: str) -> list[_Amount]:
    found = []
    for m in _amount_matches(text):
        if _NOT_MONEY_AFTER.match(text, m.end()) and not m["post"] and not m["mult"]:
            continue
        mult = m["mult"].lower() if m["mult"] else None
        markers = [marker.strip() for marker in (m["pre"], m["post"]) if marker]
        if len(markers) == 2 and markers[0] == "$":
            markers.reverse()  # "$120,000 CAD": the code says which dollar
        currency = next((c for c in map(_currency_of, markers) if c), None)
        if currency == "USD" and markers == ["$"]:
            currency = _dollar_code_near(text, m.start(), m.end()) or currency
        value = _number(m["num"]) * (_MULTIPLIERS[mult] if mult else 1)
        stop = m.start("plus") if m["plus"] else m.end()
        found.append(_Amount(value, mult, currency, m.start(), m.end(), bool(m["plus"]), stop))
    return found


def _amount_matches(text: str) -> Iterator[re.Match[str]]:
    """``_amount_regex().finditer(text)``, searching only from just before each next digit.

    Every amount has a digit, and at most ``_max_marker()`` characters (a currency and a space) before its first
    one; since any digit starts an amount, each search ends within that distance of where it starts.
    """
    regex, pos = _amount_regex(), 0
    while (digit := _HAS_DIGIT.search(text, pos)) is not None:
        m = regex.search(text, max(pos, digit.start() - _max_marker()))
        if m is None:
            return
        yield m
        pos = m.end()


@cache
def _max_marker() -> int:
    """The longest text ``(?:{currency})\\s?`` matches before an amount."""
    return max(map(len, [*_SYMBOLS, *_WORDS, *_iso_codes(), "R"])) + 1


_DOLLARS = r"USD|CAD|AUD|NZD|SGD|HKD|MXN"
_DOLLAR_BEFORE = re.compile(rf"(?<![A-Za-z])({_DOLLARS})\s*$")
_DOLLAR_AFTER = re.compile(rf"\s*(?:(?:[-–—]|to)\s*\$?\s*{_NUMBER}(?:\s?[kK])?\s*)?({_DOLLARS})(?![A-Za-z])")


def _dollar_code_near(text: str, start: int, end: int) -> str | None:
    """The dollar a bare ``$`` means when a code stands next to it: "CAD $126,000", "$97,500 to $146,300 CAD"."""
    before = _DOLLAR_BEFORE.search(text, max(0, start - 5), start)
    after = _DOLLAR_AFTER.match(text, end)
    found = before or after
    return found.group(1) if found else None


def parse_salary(text: str | None) -> Salary | None:
    """A ``Salary`` from free text (``"$120k - $150k"``, ``"€55.000 – €70.000"``, ``"₹18 LPA"``); None if no amount."""
    if not text or not text.strip():
        return None
    parsed = _parse(_401K.sub(_blank, text))
    return parsed[0] if parsed else None


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))  # keeps offsets, so spans found later point into the original text


def _parse(text: str) -> tuple[Salary, int, int, bool] | None:
    """The salary in ``text``, the span of the amounts it was read from, and whether a currency was written on them."""
    amounts = _amounts(text)
    if not amounts:
        return None
    first_currency = next((c for c in map(_currency_of_match, _currency_regex().finditer(text)) if c), None)

    low: _Amount | None = None
    high: _Amount | None = None
    for a, b in itertools.pairwise(amounts):
        joined = _RANGE_GAP.fullmatch(text, a.end, b.start) is not None
        if joined and a.value > 0 and b.value > 0 and (_credible(a, first_currency) or _credible(b, first_currency)):
            low, high = a, b
            break
    if low is None:
        single = next((a for a in amounts if a.marked and a.value > 0), None) or next(
            (a for a in amounts if _credible(a, first_currency)), None)
        if single is None:
            return None
        before = text[max(0, single.start - 20):single.start]
        low = None if _UP_TO.search(before) else single
        high = None if (_FROM.search(before) or single.plus) and low is not None else single

    lo_value = low.value if low else None
    hi_value = high.value if high else None
    if low and high and low is not high and high.multiplier and not low.multiplier and low.value < 1000:
        lo_value = low.value * _MULTIPLIERS[high.multiplier]
    parts = [p for p in (low, high) if p is not None]
    stated = [p.currency for p in parts if p.currency]
    currency = next((c for c in stated if c != "USD"), None) if "USD" in stated else None  # "$97,500 to $146,300 CAD"
    currency = currency or next(iter(stated), None) or first_currency
    if currency is None and any(p.multiplier in _INDIAN_MULTIPLIERS for p in parts):
        currency = "INR"
    if any(p.multiplier in ("lpa",) for p in parts):
        period: str | None = "year"
    else:
        first = min(p.start for p in parts)
        period = _period_in(text[max(0, first - 15):])  # "Hourly: $45" counts, "3 days/week in office, €70k" not
    salary = _finish(lo_value, hi_value, currency, period)
    assert salary is not None  # at least one bound is set here
    attached = bool(stated) or any(p.multiplier in _INDIAN_MULTIPLIERS for p in parts)
    return salary, min(p.start for p in parts), max(p.stop for p in parts), attached


def _currency_of_match(m: re.Match[str]) -> str | None:
    return _currency_of(m.group(0))


def _credible(a: _Amount, text_currency: str | None) -> bool:
    return a.value > 0 and (a.marked or text_currency is not None or a.value >= 1000)


def _period_in(text: str) -> str | None:
    m = _PERIOD.search(text)
    return m.lastgroup if m else None


def _period_word(value: str | None) -> str | None:
    if not value:
        return None
    low = value.strip().lower()
    for period, stems in _PERIOD_WORDS.items():
        if any(stem in low for stem in stems):
            return period
    return {"y": "year", "a": "year", "m": "month", "w": "week", "d": "day", "h": "hour"}.get(low)


def from_fields(
    min_amount: float | str | None,
    max_amount: float | str | None,
    currency: str | None,
    period: str | None,
) -> Salary | None:
    """A ``Salary`` from a source's structured fields; None when neither bound is a positive number.

    ``period`` may be any spelling with a period word in it (``"YEAR"``, ``"hourly"``, ``"per-year-salary"``).
    """
    return _finish(_positive(min_amount), _positive(max_amount), normalize_currency(currency), _period_word(period))


def _positive(value: float | str | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = _number(value.strip()) if isinstance(value, str) else float(value)
    except ValueError:
        return None
    return number if number > 0 and math.isfinite(number) else None


def _finish(low: float | None, high: float | None, currency: str | None, period: str | None) -> Salary | None:
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    if period is None:
        period = _inferred_period(high if high is not None else low, currency)  # type: ignore[arg-type]
    return Salary(_round(low), _round(high), currency, period)


def _inferred_period(amount: float, currency: str | None) -> str:
    rate = usd_per_unit(currency, None) if currency else None
    usd = amount * rate if rate else amount
    if usd < 300:
        return "hour"
    return "month" if usd < 10_000 else "year"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- annualization ----------------------------------------------------------------------------------------------


def annual_usd(salary: Salary | None, on: date) -> tuple[float | None, float | None]:
    """(min, max) per year in USD at the FX rate applicable ``on``; (None, None) when currency/period is unknown."""
    if salary is None or salary.currency is None or salary.period not in PER_YEAR:
        return None, None
    rate = usd_per_unit(salary.currency, on)
    if rate is None:
        return None, None
    factor = PER_YEAR[salary.period] * rate
    return (
        None if salary.min is None else round(salary.min * factor, 2),
        None if salary.max is None else round(salary.max * factor, 2),
    )


def is_plausible(annual: tuple[float | None, float | None]) -> bool:
    """Every known annual USD bound lies within [MIN_PLAUSIBLE_ANNUAL_USD, MAX_PLAUSIBLE_ANNUAL_USD]."""
    return all(MIN_PLAUSIBLE_ANNUAL_USD <= v <= MAX_PLAUSIBLE_ANNUAL_USD for v in annual if v is not None)


