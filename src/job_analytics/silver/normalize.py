"""One ``RawPosting`` → one silver row (``schema.SILVER_JOBS``) plus notes; the same function for every engine.

Every text field (title, company, location, description, tags, salary and employment-type text) is repaired
(``text.fix_text``: mojibake, Unicode form, invisible characters) before any rule reads it.

Where each field comes from, in order of preference (the source's own fields first, always):

- salary: the structured fields, else the source's salary text (``salary_source = "field"``), else a salary
  statement in the description (``"description"``), else in the title (``"title"``); its currency, when the record
  gives none, is the official currency of the posting's country (``currency_inferred``);
- country: the location text, else the record's own country field or the board's country (``country_from_board``:
  JSearch ``job_country``, Lever ``country``; Arbeitnow is German);
- employment type: the structured field, else the title, tags and description (``employment_type_from_text``);
- posted_at: the source's timestamp, else its relative text ("3 days ago") read against the record's fetch time
  (``posted_at_relative``), else null — never invented.

Notes are short codes counted in the run summary; they never reject a row:
``salary_unparsed`` (a salary was given but no amount could be read), ``salary_unconverted`` (read, but its
currency or period cannot be turned into annual USD), ``salary_currency_unknown`` (amounts kept, no currency could
be known: no annual USD, so no salary mart counts it), ``salary_implausible`` (annual USD outside
[``MIN_PLAUSIBLE_ANNUAL_USD``, ``MAX_PLAUSIBLE_ANNUAL_USD``]: every salary field is nulled), ``currency_inferred``,
``country_from_board``, ``employment_type_from_text``, ``posted_at_relative``, ``employment_type_unmapped`` and
``url_not_http`` (the URL is dropped).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from typing import Any

from job_analytics.core.errors import BadRecord
from job_analytics.ingest.sources.base import RawPosting
from job_analytics.ingest.sources.fields import relative_age
from job_analytics.silver.classify import extract_skills, role_family, seniority
from job_analytics.silver.currencies import currency_for_country
from job_analytics.silver.employment import employment_type, employment_type_in_text
from job_analytics.silver.location import parse_location
from job_analytics.silver.salary import (
    Salary,
    annual_usd,
    from_fields,
    is_plausible,
    parse_salary,
)
from job_analytics.silver.salary_text import salary_in_text
from job_analytics.silver.text import clean_title, fix_text, html_to_text


def _memo(rule: Callable[..., Any]) -> Callable[..., Any]:
    """``rule`` with a per-process cache (results unchanged); an unhashable argument (a list where text was
    expected) is passed through uncached."""
    cached = lru_cache(maxsize=1 << 16)(rule)

    @wraps(rule)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:
            return rule(*args, **kwargs)

    return call


# The per-field rules whose inputs are short, repetitive strings (titles, companies, locations, salary texts,
# employment types) are cached here, in every process that normalizes; descriptions are unique per posting and are
# not.
clean_title, parse_location, parse_salary, employment_type, seniority, role_family, currency_for_country = (
    _memo(rule) for rule in (clean_title, parse_location, parse_salary, employment_type, seniority, role_family,
                             currency_for_country)
)

_LEGAL_SUFFIXES: tuple[tuple[str, ...], ...] = tuple(
    tuple(s.split())
    for s in sorted(
        [
            "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "lp",
            "plc", "gmbh", "mbh", "ag", "se", "kg", "kgaa", "ohg", "ug", "ev", "bv", "nv", "sa", "sas", "sarl",
            "srl", "spa", "sl", "ab", "as", "asa", "aps", "oy", "oyj", "pty", "pvt", "private", "pte", "kk", "kft",
            "zrt", "doo", "sro", "and co", "sp z oo", "spolka z oo", "haftungsbeschrankt", "pty ltd", "pvt ltd",
        ],
        key=lambda s: -len(s.split()),
    )
)
_GENDER_MARKER = re.compile(
    r"\(\s*(?:all\s+genders?|gn\*?|[mwfdxh](?:\s*[/|,]\s*(?:[mwfdxh]|div(?:ers)?|divers))+)\s*\)"
    r"|(?<!\w)[mwfdxh](?:\s*/\s*(?:[mwfdxh]|div(?:ers)?)){1,3}(?!\w)"
)


def job_id(source: str, source_job_id: str) -> str:
    """Stable id of a posting on one source: sha256 of ``"<source>:<source_job_id>"``, first 32 hex digits."""
    return hashlib.sha256(f"{source}:{source_job_id}".encode()).hexdigest()[:32]


def _folded_words(text: str) -> list[str]:
    """Case- and accent-folded words; ``&`` reads as "and", dots join (``B.V.`` → ``bv``), other marks split."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("&", " and ").replace(".", "")
    return re.sub(r"[^\w]+|_", " ", plain).split()


def company_key(name: str | None) -> str | None:
    """A company name for matching across sources: folded, punctuation and trailing legal forms removed.

    ``"Acme, Inc."``, ``"ACME Inc"`` and ``"Acme"`` give ``"acme"``; ``"Robert Bosch GmbH & Co. KG"`` gives
    ``"robert bosch"``. A name made only of a legal form is kept as it is.
    """
    if not name:
        return None
    words = _folded_words(name)
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    stripped = True
    while stripped:
        stripped = False
        for suffix in _LEGAL_SUFFIXES:
            if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
                words = words[: -len(suffix)]
                stripped = True
                break
    return " ".join(words) or None


def _title_key(title: str) -> str:
    """Lower case, no gender markers ("(m/w/d)"), no punctuation; seniority words are kept."""
    return " ".join(_folded_words(_GENDER_MARKER.sub(" ", title.casefold())))


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _salary(posting: RawPosting, title: str, description: str | None, notes: list[str]) -> tuple[Salary | None,
                                                                                             str | None]:
    """The salary and where it was read: the source's fields (structured, else its salary text), else a salary
    statement in the description, else in the title."""
    salary = None
    structured = posting.salary_min is not None or posting.salary_max is not None
    if structured:
        salary = from_fields(posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period)
    text = (fix_text(posting.salary_text) or "").strip()
    if salary is None and text:
        salary = parse_salary(text)
    if salary is not None:
        return salary, "field"
    if structured or text:
        notes.append("salary_unparsed")
    for where, free_text in (("description", description), ("title", title)):
        found = salary_in_text(free_text)
        if found is not None:
            return found, where
    return None, None


def _with_currency(salary: Salary | None, country_code: str | None, notes: list[str]) -> Salary | None:
    """A salary with no currency gets its country's official one (noted); without a country it stays unknown."""
    if salary is None or salary.currency is not None:
        return salary
    inferred = currency_for_country(country_code)
    if inferred is None:
        notes.append("salary_currency_unknown")
        return salary
    notes.append("currency_inferred")
    return replace(salary, currency=inferred)


def _posted_at(posting: RawPosting, fetched_at: datetime | None, notes: list[str]) -> datetime | None:
    if posting.posted_at is not None:
        return _utc(posting.posted_at)
    age = relative_age(posting.posted_text) if posting.posted_text and fetched_at is not None else None
    if age is None:
        return None
    notes.append("posted_at_relative")
    return _utc(fetched_at) - age


def _url(value: str | None, notes: list[str]) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    if not re.match(r"(?i)https?://", url):
        notes.append("url_not_http")  # a javascript: or data: link must never reach the dashboard
        return None
    return url


def normalize(posting: RawPosting, *, source: str, ingest_date: date,
              fetched_at: datetime | None = None) -> tuple[dict, list[str]]:
    """The silver row of ``posting`` (exactly the ``SILVER_JOBS`` columns) and its notes.

    Raises ``BadRecord`` when the posting has no usable id or title. FX rates are those applicable on
    ``ingest_date`` and a relative posting time is read against ``fetched_at`` (the bronze line's), so re-running
    a day gives the same row.
    """
    notes: list[str] = []
    source_job_id = str(posting.source_job_id).strip() if posting.source_job_id is not None else ""
    if not source_job_id:
        raise BadRecord("missing_id")
    title = clean_title(fix_text(posting.title))
    if title is None:
        raise BadRecord("missing_title", repr(posting.title)[:80])
    company = clean_title(fix_text(posting.company))
    description = html_to_text(fix_text(posting.description_html))  # its output is repaired text already
    tags = [tag for tag in (fix_text(t) for t in posting.tags) if tag]
    location = parse_location(fix_text(posting.location), remote_hint=posting.is_remote)
    country_code = location.country_code
    if country_code is None and posting.default_country:
        country_code = posting.default_country
        notes.append("country_from_board")

    stated_type = fix_text(posting.employment_type)
    kind = employment_type(stated_type)
    if kind is None and stated_type and stated_type.strip():
        notes.append("employment_type_unmapped")
    if kind is None:
        kind = employment_type_in_text(title, tags, description)
        if kind is not None:
            notes.append("employment_type_from_text")

    salary, salary_source = _salary(posting, title, description, notes)
    salary = _with_currency(salary, country_code, notes)
    annual = annual_usd(salary, ingest_date)
    if salary is not None and annual == (None, None):
        notes.append("salary_unconverted")
    if not is_plausible(annual):
        notes.append("salary_implausible")
        salary, salary_source, annual = None, None, (None, None)

    row = {
        "job_id": job_id(source, source_job_id),
        "source": source,
        "source_job_id": source_job_id,
        "title": title,
        "company": company,
        "city": location.city,
        "region": location.region,
        "country_code": country_code,
        "is_remote": posting.is_remote if posting.is_remote is not None else location.is_remote,
        "employment_type": kind,
        "seniority": seniority(title),
        "role_family": role_family(title),
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_source": salary_source,
        "salary_annual_usd_min": annual[0],
        "salary_annual_usd_max": annual[1],
        "skills": extract_skills(tags, f"{title}\n{description or ''}"),
        "description_text": description,
        "url": _url(posting.url, notes),
        "posted_at": _posted_at(posting, fetched_at, notes),
        "ingest_date": ingest_date,
        "duplicate_group": None,  # across rows and days: set by process.dedupe once the day's rows are known
    }
    return row, notes
