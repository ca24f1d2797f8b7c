"""One ``RawPosting`` → one silver row (``schema.SILVER_JOBS``) plus notes; the same function for every engine.

Notes are short codes counted in the run summary; they never reject a row:
``salary_unparsed`` (a salary was given but no amount could be read), ``salary_unconverted`` (read, but its
currency or period cannot be turned into annual USD), ``salary_implausible`` (annual USD outside
[``MIN_PLAUSIBLE_ANNUAL_USD``, ``MAX_PLAUSIBLE_ANNUAL_USD``]: every salary field is nulled),
``employment_type_unmapped`` and ``url_not_http`` (the URL is dropped).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from typing import Any

from job_analytics.errors import BadRecord
from job_analytics.process.classify import employment_type, extract_skills, role_family, seniority
from job_analytics.process.location import parse_location
from job_analytics.process.salary import Salary, annual_usd, from_fields, is_plausible, parse_salary
from job_analytics.process.text import clean_title, html_to_text
from job_analytics.sources.base import RawPosting


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
clean_title, parse_location, parse_salary, employment_type, seniority, role_family = (
    _memo(rule) for rule in (clean_title, parse_location, parse_salary, employment_type, seniority, role_family)
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


def _salary(posting: RawPosting, notes: list[str]) -> Salary | None:
    """Structured fields win; the free text is read when they are absent or unusable."""
    salary = None
    structured = posting.salary_min is not None or posting.salary_max is not None
    if structured:
        salary = from_fields(posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period)
    text = (posting.salary_text or "").strip()
    if salary is None and text:
        salary = parse_salary(text)
    if salary is None and (structured or text):
        notes.append("salary_unparsed")
    return salary


def _url(value: str | None, notes: list[str]) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    if not re.match(r"(?i)https?://", url):
        notes.append("url_not_http")  # a javascript: or data: link must never reach the dashboard
        return None
    return url


def normalize(posting: RawPosting, *, source: str, ingest_date: date) -> tuple[dict, list[str]]:
    """The silver row of ``posting`` (exactly the ``SILVER_JOBS`` columns) and its notes.

    Raises ``BadRecord`` when the posting has no usable id or title. FX rates are those applicable on
    ``ingest_date``, so re-running a day gives the same row.
    """
    notes: list[str] = []
    source_job_id = str(posting.source_job_id).strip() if posting.source_job_id is not None else ""
    if not source_job_id:
        raise BadRecord("missing_id")
    title = clean_title(posting.title)
    if title is None:
        raise BadRecord("missing_title", repr(posting.title)[:80])
    company = clean_title(posting.company)
    description = html_to_text(posting.description_html)
    location = parse_location(posting.location, remote_hint=posting.is_remote)

    kind = employment_type(posting.employment_type)
    if kind is None and posting.employment_type and str(posting.employment_type).strip():
        notes.append("employment_type_unmapped")

    salary = _salary(posting, notes)
    annual = annual_usd(salary, ingest_date)
    if salary is not None and annual == (None, None):
        notes.append("salary_unconverted")
    if not is_plausible(annual):
        notes.append("salary_implausible")
        salary, annual = None, (None, None)

    row = {
        "job_id": job_id(source, source_job_id),
        "source": source,
        "source_job_id": source_job_id,
        "title": title,
        "company": company,
        "city": location.city,
        "region": location.region,
        "country_code": location.country_code,
        "is_remote": posting.is_remote if posting.is_remote is not None else location.is_remote,
        "employment_type": kind,
        "seniority": seniority(title),
        "role_family": role_family(title),
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_annual_usd_min": annual[0],
        "salary_annual_usd_max": annual[1],
        "skills": extract_skills(posting.tags, f"{title}\n{description or ''}"),
        "description_text": description,
        "url": _url(posting.url, notes),
        "posted_at": _utc(posting.posted_at),
        "ingest_date": ingest_date,
        "duplicate_group": None,  # across rows and days: set by process.dedupe once the day's rows are known
    }
    return row, notes
