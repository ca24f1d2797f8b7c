"""Postings → seniority, role family and skills (employment type: ``employment``).

The vocabularies live in ``rules/``: ``title_rules.yml`` (seniority, role family) and ``skills.yml`` (the skills
taxonomy); each file documents its own matching rules. They are read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

_RULES = Path(__file__).with_name("rules")

# --- seniority and role family -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    label: str
    match: re.Pattern[str]
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class _RuleSet:
    rules: tuple[_Rule, ...]
    default: str | None

    def classify(self, title: str | None) -> str | None:
        if not title or not title.strip():
            return None
        for rule in self.rules:
            if rule.match.search(title) and not (rule.unless and rule.unless.search(title)):
                return rule.label
        return self.default


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in patterns), re.IGNORECASE)


@cache
def _title_rules() -> dict[str, _RuleSet]:
    spec = yaml.safe_load((_RULES / "title_rules.yml").read_text(encoding="utf-8"))
    return {
        kind: _RuleSet(
            tuple(_Rule(r["label"], _words(r["match"]), _words(r["unless"]) if r.get("unless") else None)
                  for r in section["rules"]),
            section.get("default"),
        )
        for kind, section in spec.items()
    }


def seniority(title: str | None) -> str | None:
    """intern | junior | mid | senior | lead | principal | manager | director | executive; None when not stated."""
    return _title_rules()["seniority"].classify(title)


def role_family(title: str | None) -> str | None:
    """data_engineer | data_scientist | data_analyst | ml_engineer | software_engineer | devops_sre | … | other."""
    return _title_rules()["role_family"].classify(title)


# --- skills ------------------------------------------------------------------------------------------------------

_BEFORE = r"(?<![\w.])"
_AFTER = r"(?![A-Za-z_+#]|\.[A-Za-z])"  # digits may follow: "Python3", "Java8"


@dataclass(frozen=True)
class _Taxonomy:
    by_tag: dict[str, str]  # casefolded whole tag → skill
    folded: re.Pattern[str] | None  # casefolded aliases, matched in casefolded text
    by_folded: dict[str, str]
    exact: re.Pattern[str] | None  # case-sensitive aliases
    by_exact: dict[str, str]
    # (pattern, skill, a substring every match holds, the literal every match starts with or "")
    patterns: tuple[tuple[re.Pattern[str], str, str, str], ...]
    folded_words: Any = None  # Aho-Corasick automata of the same words: where a match of ``folded`` can start
    exact_words: Any = None


def _alternation(words: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(set(words), key=len, reverse=True)  # longest first: "ruby on rails" before "ruby"
    return re.compile(_BEFORE + "(?:" + "|".join(re.escape(w) for w in ordered) + ")" + _AFTER, flags)


@cache
def _taxonomy() -> _Taxonomy:
    entries: list[dict[str, Any]] = yaml.safe_load((_RULES / "skills.yml").read_text(encoding="utf-8"))
    by_tag: dict[str, str] = {}
    by_folded: dict[str, str] = {}
    by_exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str, str, str]] = []
    for entry in entries:
        name = str(entry["name"])
        aliases = [str(a) for a in entry.get("aliases", [])]
        if not entry.get("ambiguous"):
            aliases.append(name)
        exact = [str(a) for a in entry.get("exact", [])]
        for word in [name, *aliases, *exact, *(str(t) for t in entry.get("tags", []))]:
            by_tag.setdefault(word.casefold(), name)
        for word in aliases:
            by_folded.setdefault(word.casefold(), name)
        for word in exact:
            by_exact.setdefault(word, name)
        patterns.extend((re.compile(p), name, required_literal(p), leading_literal(p))
                        for p in entry.get("patterns", []))
    return _Taxonomy(
        by_tag,
        # matched in casefolded text rather than with re.IGNORECASE: the same matches, ~4x faster on descriptions
        _alternation(list(by_folded)),
        by_folded,
        _alternation(list(by_exact)),
        by_exact,
        tuple(patterns),
        _automaton(list(by_folded)),
        _automaton(list(by_exact)),
    )


def _automaton(words: list[str]) -> Any:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton


def find_words(pattern: re.Pattern[str], automaton: Any, text: str) -> list[str]:
    """``[m.group(0) for m in pattern.finditer(text)]`` for an ``_alternation`` of the automaton's words, faster:
    a match starts with one of the words (its boundary tests take no characters), so the automaton finds the
    positions where one occurs, in one pass in C, and the pattern itself is tried only there, in the order and with
    the resumption of ``finditer`` (after a match, from its end). Same matches, same order."""
    starts = sorted({end - length + 1 for end, length in automaton.iter(text)})
    found: list[str] = []
    cursor = 0
    match = pattern.match
    for start in starts:
        if start >= cursor and (m := match(text, start)) is not None:
            found.append(m.group(0))
            cursor = m.end()
    return found


def _in_text(text: str, taxonomy: _Taxonomy) -> set[str]:
    found: set[str] = set()
    if taxonomy.folded is not None:
        found.update(taxonomy.by_folded.get(w, "") for w in find_words(taxonomy.folded, taxonomy.folded_words,
                                                                        text.casefold()))
    if taxonomy.exact is not None:
        found.update(taxonomy.by_exact[w] for w in find_words(taxonomy.exact, taxonomy.exact_words, text))
    found.discard("")
    found.update(name for pattern, name, literal, leading in taxonomy.patterns
                 if name not in found and literal in text and has_match(pattern, leading, text))
    return found


def has_match(pattern: re.Pattern[str], leading: str, text: str) -> bool:
    """``bool(pattern.search(text))``; faster when every match starts with the literal ``leading``
    (``leading_literal``): the pattern is tried only where that literal occurs (``str.find``), instead of at every
    position of the text — a pattern that opens with a lookbehind or ``\\b`` gets no literal-prefix search from
    ``re``. ``match`` at a position still sees the characters before it, so lookbehinds test what they would."""
    if not leading:
        return pattern.search(text) is not None
    match = pattern.match
    position = text.find(leading)
    while position != -1:
        if match(text, position) is not None:
            return True
        position = text.find(leading, position + 1)
    return False


def _top_level(pattern: str) -> list[str | None] | None:
    """The top level of ``pattern`` item by item: its character for a plain literal, "" for a zero-width assertion
    (lookaround, ``\\b``, ``^``), None for anything else (groups, alternations, repeats, classes); None as a whole
    when the pattern is case-insensitive or verbose, whose literals are not the characters matched."""
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    zero_width = (sre_parse.ASSERT, sre_parse.ASSERT_NOT, sre_parse.AT)
    return [chr(arg) if op is sre_parse.LITERAL else "" if op in zero_width else None for op, arg in parsed]


def required_literal(pattern: str) -> str:
    """The longest run of plain characters in the top level of ``pattern`` (outside groups, alternations and
    repeats): a substring that every match of it holds, so a text without it cannot match ("" when there is
    none, or when the pattern is case-insensitive). A cheap ``in`` test before the regex scan; the same matches."""
    best, run = "", ""
    for item in _top_level(pattern) or ():
        if item:
            run += item
            best = max(best, run, key=len)
        elif item is None:
            run = ""  # zero-width items leave the characters on either side adjacent in the match
    return best


def leading_literal(pattern: str) -> str:
    """The plain characters every match of ``pattern`` starts with, after zero-width assertions only (lookarounds,
    ``\\b``): ``(?<![\\w.])Go(?=…)`` → ``"Go"``; "" when the first thing a match consumes is not a literal, or when
    the pattern is case-insensitive."""
    run = ""
    for item in _top_level(pattern) or ():
        if item:
            run += item
        elif item is None or run:
            break  # something else consumed, or an assertion after the literal: the literal ends here
    return run


def extract_skills(tags: list[str] | None, text: str | None) -> list[str]:
    """Canonical skill names found in the tags and the text, unique, sorted case-insensitively."""
    taxonomy = _taxonomy()
    found: set[str] = set()
    for tag in tags or []:
        tag = str(tag).strip()
        if tag.casefold() in taxonomy.by_tag:
            found.add(taxonomy.by_tag[tag.casefold()])
        elif tag:
            found |= _in_text(tag, taxonomy)
    if text:
        found |= _in_text(text, taxonomy)
    return sorted(found, key=lambda s: (s.casefold(), s))
