"""Salary statements in free text: ``salary_in_text`` finds the statement in a whole description or a title and
reads it with ``salary``'s parsing rules; its own rules, for what is not a salary, are below."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from job_analytics.silver.currencies import fx_codes
from job_analytics.silver.salary import (
    _401K,
    _HAS_DIGIT,
    _PERIOD,
    _WORDS,
    Salary,
    _blank,
    _parse,
    annual_usd,
    is_plausible,
)
from job_analytics.silver.text import fold_case

# --- salary statements in free text ------------------------------------------------------------------------------
#
# A description is split into lines (long lines into sentences). A line is a candidate when it holds a digit and a
# currency, a multiplier or a salary word. Its salary is read with ``_parse``; the reading is kept only when
#   - nothing binds the amounts to something else: no negative cue (bonus, budget, raised, customers…) between the
#     last salary word and the amounts, and none right after them ("$2,000 learning budget", "$5M seed round");
#   - something says it is pay: a salary word in the line or in its heading (the short line above), a period next to
#     the amounts ("$45/hr"), or a range of currency amounts ("€60,000 - €75,000"); a title may also give a single
#     currency amount ("mindestens 90.000€");
#   - an amount without a currency comes right after a salary word, is not a year, and the annual USD of an amount
#     with one is plausible.
# The first reading with a salary word wins, else the first other one.

_GENDER_TAG = re.compile(r"\((?:[mwfdxi]\*?\s*/\s*){1,3}[mwfdxi]\)", re.IGNORECASE)
_BRACKETS = re.compile(r"\[[^\]\n]{0,200}\](?!\()")  # bracketed notes, not the text of a link
_SENTENCE_END = re.compile(r"(?<=[a-z)][.!?])\s+(?=[A-Z])|;\s+|\s+[•·|]\s+")
_LONG_LINE = 300
_HEADING_MAX = 80
_TITLE_MAX = 160
_SALARY_WORDS = re.compile(
    r"(?i:\b(?:salary|salaries|salaried|pay|paid|payrate|base|compensation|remuneration|wages?|rate|ote|earnings|ctc"
    r"|lpa|stipend|package|(?:pay|salary|base)\s+band|\w*gehalt\w*|\w*vergütung|verguetung|entgelt|stundenlohn"
    r"|brutto|salaire|rémunération|sueldo|salario|salário|ral"
    r"|retribución|wynagrodzenie|mzda|lön|lønn|løn|palkka)\b)"
)
_PERK = (
    r"(?:home[- ]?office|remote|wfh|work[- ]from[- ]home|tech|technology|health|phone|cell\s+phone|internet|wellness"
    r"|wellbeing|well-being|learning|development|education|training|equipment|lunch|meal|food|gym|fitness|commuter"
    r"|childcare|book|coworking|co-working|set-?up|travel|conference)"
)
_NEGATIVE_BEFORE = re.compile(
    rf"(?i:\b(?:{_PERK}\s+(?:set-?up\s+)?(?:stipends?|budgets?|allowances?)|bonus(?:es)?|budgets?|allowances?"
    r"|funding|funded|fundraise|fundraising|raised?|raising|series\s+[a-f]|seed|investors?|investment|valuation"
    r"|valued|revenues?|arr|mrr|gmv|sales|customers?|clients?|users?|subscribers|401|reimburse(?:d|ment)?"
    r"|grants?|gifts?|donat\w*|insurance|coverage|pension|match(?:ing)?|fees?|pric(?:e|es|ing)|costs?|spend(?:ing)?"
    r"|spent|worth|assets|aum|loans?|prizes?|awards?|referral|recommending|sign-on|signing|relocation|commission"
    r"|tuition|vouchers?|credits?|discounts?|subsidy|capital|phone|tel|telefon|fax|call|whatsapp|hardware"
    r"|equipment|under\s+management|in\s+assets|profit|turnover|umsatz|finanzierung|kunden|nutzer)\b)"
)
_NEGATIVE_AFTER = re.compile(
    r"(?:\s*(?:/|per\b|a\b|an\b|each\b|every\b|in\b|of\b|worth\b|for\b|towards?\b|annual\w*|one-time|one-off"
    r"|yearly|monthly|month\b|year\b|mo\b|yr\b|usd\b|eur\b|gbp\b|cad\b"
    r"|(?!plus\b|and\b|with\b)[\w-]+\s+(?=stipend|budget|allowance|bonus)))"
    r"{0,4}\s*\b(?:bonus(?:es)?|sign(?:ing|-on)|referral|relocation|learning|education|training|development"
    rf"|{_PERK}|stipends?|budgets?|allowances?|reimbursement|seed|series|funding|round|raised|revenues?|arr|mrr"
    r"|valuation|customers?|clients?|users?|members|subscribers|employees|people|companies|businesses|downloads"
    r"|assets|aum|equity|stock|rsus?|options|shares|grants?|credits?|vouchers?|venture|investment|under\s+management"
    r"|transactions|payments|orders|loans?|prize|award|donation|market|raise|kunden|nutzer|mitarbeiter(?:innen)?"
    r"|umsatz|finanzierung)\b",
    re.IGNORECASE,
)
#: An unworded reading (a range, a period, a title) is dropped when the sentence speaks of one of these anywhere.
_NEGATIVE_ANYWHERE = re.compile(
    rf"(?i:\b(?:{_PERK}|stipends?|budgets?|allowances?|bonus(?:es)?|vouchers?|card|subsidy|reimburse\w*|raised"
    r"|funding|revenues?|arr|valuation|investors?|customers?|towards|insurance|coverage)\b)"
)
_PLUS = re.compile(r"\s*(?:\+|(?i:plus)\b)")
_NEGATIVE_WINDOW = 60
_AFTER_WINDOW = 40
_UNMARKED_CUE = re.compile(
    r"(?i:\b(?:salary|salaries|pay|compensation|remuneration|wages?|ctc|stipend|gehalt|jahresgehalt|vergütung|lohn"
    r"|range|band|base)\b)[^\d\n]{0,30}$"
)
_YEAR = range(1950, 2101)
_LATEST = date.max  # annual USD at the latest rate of the table: the text carries no date of its own


@dataclass(frozen=True)
class _Reading:
    salary: Salary
    worded: bool  # a salary word said it is pay


def salary_in_text(text: str | None) -> Salary | None:
    """The salary stated in a description or a title (plain text), read by ``parse_salary``'s rules; None if none.

    Precision before recall: a statement that might be a bonus, a budget, funding, a count or a year is not read.
    """
    if not text or not _HAS_DIGIT.search(text):
        return None
    text = _clean(text)
    title = len(text) <= _TITLE_MAX and "\n" not in text
    fallback: Salary | None = None
    lines = text.splitlines()
    folded: list[str] | None = None
    # Only lines with a digit can be read: they are found in one scan of the text, not line by line.
    ends = list(itertools.accumulate(map(len, text.splitlines(keepends=True))))
    for m in _LINE_WITH_DIGIT.finditer(text):
        i = bisect.bisect_right(ends, m.start())
        line = lines[i].strip()
        if folded is None:
            folded = fold_case(text).splitlines()
        if not _hint(line, folded[i].strip()):
            continue
        heading = _heading(lines, i)
        for sentence in _sentences(line):
            reading = _read(sentence, heading, title) if _HAS_DIGIT.search(sentence) else None
            if reading is not None and reading.worded:
                return reading.salary
            if reading is not None and fallback is None:
                fallback = reading.salary
    return fallback


#: From a digit to the end of its line (the line breaks of ``str.splitlines``).
_LINE_WITH_DIGIT = re.compile(r"\d[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")


def _heading(lines: list[str], i: int) -> str:
    """The heading of line ``i``: the non-empty line above it when that is short."""
    for j in range(i - 1, -1, -1):
        if above := lines[j].strip():
            return above if len(above) <= _HEADING_MAX else ""
    return ""


_MARKUP_CHARS = "*_`\\"


def _clean(text: str) -> str:
    """Markdown emphasis, bracketed notes and 401(k) blanked out, offsets kept."""
    for char in _MARKUP_CHARS:
        if char in text:
            text = text.replace(char, " ")  # much faster than str.translate on non-ASCII text
    if "[" in text:
        text = _BRACKETS.sub(_blank, text)
    if "401" in text:
        text = _401K.sub(_blank, text)
    if "/" in text:
        text = _GENDER_TAG.sub(_blank, text)  # "(m/w/d)" is not "per day"
    return text


# Where a salary may be: a currency symbol, code or word, a multiplier after a digit, a salary word.
# Currency words and codes and salary words are whole words (``\b…\b``) found by a set lookup of the line's words.
_HINT_SYMBOL = re.compile(r"[$£€₹¥₩₺₱₪円]")
_HINT_CODE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{2}\b")  # \b[A-Z]{3}\b, written so that the search can skip ahead
_HINT_RAND = re.compile(r"R(?<![A-Za-z]R)\s?\d")  # (?<![A-Za-z])R\s?\d, the same
_HINT_MULTIPLIER = re.compile(r"\d\s?(?:k|lpa|lakhs?|lacs?|crores?)\b")  # in folded text
_WORD = re.compile(r"\w+")
_FR = re.compile(r"\bfr\.(?!\w)")  # in folded text: "fr." is the one currency word that is not a word
_VERGUETUNG = re.compile(r"vergütung\b")  # in folded text
#: What ``_SALARY_WORDS`` matches, as whole words; it also matches a word with "gehalt" in it, or one that ends
#: in "vergütung" ("pay band" is "pay" already).
_SALARY_WORD_LIST = (
    "salary", "salaries", "salaried", "pay", "paid", "payrate", "base", "compensation", "remuneration", "wage",
    "wages", "rate", "ote", "earnings", "ctc", "lpa", "stipend", "package", "verguetung", "entgelt", "stundenlohn",
    "brutto", "salaire", "rémunération", "sueldo", "salario", "salário", "ral", "retribución", "wynagrodzenie",
    "mzda", "lön", "lønn", "løn", "palkka",
)


@cache
def _hint_words() -> frozenset[str]:
    words = {w for w in _WORDS if _WORD.fullmatch(w)}  # "rs." is found as "rs", "fr." by _FR
    return frozenset(words | {code.lower() for code in fx_codes()} | set(_SALARY_WORD_LIST))


def _hint(line: str, folded: str) -> bool:
    """Whether ``line`` (``folded`` is ``fold_case(line)``) may state a salary: the same answer as ``_hint_regex``."""
    return bool(
        _HINT_SYMBOL.search(line) or _HINT_CODE.search(line) or _HINT_RAND.search(line)
        or _HINT_MULTIPLIER.search(folded) or not _hint_words().isdisjoint(_WORD.findall(folded))
        or "gehalt" in folded or ("fr." in folded and _FR.search(folded))
        or ("vergütung" in folded and _VERGUETUNG.search(folded))
    )


@cache
def _hint_regex() -> re.Pattern[str]:
    """``_hint`` as one pattern (slower): a currency symbol, code or word, a multiplier after a digit, a salary
    word."""
    codes = "|".join(sorted(fx_codes()))
    words = "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))
    return re.compile(
        rf"[$£€₹¥₩₺₱₪円]|\d\s?(?i:k|lpa|lakhs?|lacs?|crores?)\b|\b[A-Z]{{3}}\b|(?i:\b(?:{codes}|{words})(?!\w))"
        rf"|{_SALARY_WORDS.pattern}|(?<![A-Za-z])R\s?\d"
    )


def _sentences(segment: str) -> list[str]:
    return _SENTENCE_END.split(segment) if len(segment) > _LONG_LINE else [segment]


def _read(sentence: str, heading: str, title: bool) -> _Reading | None:
    """The first acceptable salary reading of one sentence, trying again after each rejected amount."""
    offset = 0
    while offset < len(sentence):
        parsed = _parse(sentence[offset:])
        if parsed is None:
            return None
        salary, start, end, attached = parsed
        start, end = start + offset, end + offset
        verdict = _judge(sentence, start, end, salary, heading, title, attached)
        if verdict is not None:
            return verdict
        offset = end
    return None


def _judge(
    sentence: str, start: int, end: int, salary: Salary, heading: str, title: bool, attached: bool,
) -> _Reading | None:
    before = sentence[max(0, start - _NEGATIVE_WINDOW):start]
    cue = None
    for cue in _SALARY_WORDS.finditer(before):
        pass
    negative = None
    for negative in _NEGATIVE_BEFORE.finditer(before):
        pass
    if negative is not None and (cue is None or cue.start() < negative.end()):
        return None  # "signing bonus of $10,000", "raised $120 million"
    if _NEGATIVE_AFTER.match(sentence, end, min(len(sentence), end + _AFTER_WINDOW)):
        return None  # "$2,000 learning budget", "$5M seed round", "10,000 customers"
    bounds = [v for v in (salary.min, salary.max) if v is not None]
    unmarked_ok = _UNMARKED_CUE.search(before) and not any(v in _YEAR for v in bounds if v == int(v))
    if not attached and not unmarked_ok:  # "Salary: 50-60k", not "Senior PHP Engineer … 106668"
        return None
    if salary.currency is not None and not is_plausible(annual_usd(salary, _LATEST)):
        return None
    worded = bool(_SALARY_WORDS.search(sentence) or _SALARY_WORDS.search(heading))
    period_next = _PERIOD.match(sentence, end) is not None or _PERIOD_NEXT.match(sentence, end) is not None
    ranged = salary.min is not None and salary.max is not None and salary.min != salary.max
    if worded:
        return _Reading(salary, worded)
    rest = "" if _PLUS.match(sentence, end) else sentence[end:]  # "$158,000 - $192,000 + bonus + equity"
    if _NEGATIVE_ANYWHERE.search(sentence, 0, start) or _NEGATIVE_ANYWHERE.search(rest):
        return None
    if period_next or (ranged and salary.currency is not None) or (title and salary.currency is not None):
        return _Reading(salary, worded)
    return None


_PERIOD_NEXT = re.compile(rf"[\s,()]*(?:(?i:usd|eur|gbp|cad|aud|inr|gross|brutto|net)\b\s*)?(?:{_PERIOD.pattern})",
                          re.IGNORECASE)
