"""Each fast path of the silver rules gives exactly what its slow path gives (issue 14).

- ``classify``: a skill pattern is searched only when the text holds its required literal
  (``classify.required_literal``), and one whose matches start with a literal (``classify.leading_literal``) is
  tried only where that literal occurs (``classify.has_match``); compared with searching every pattern.
- ``text._html_lines``: the parsed tree's dropped elements (script, style, …) are looked for only when the markup
  has a start tag of one; compared with always removing them.

Inputs: tricky hand-written cases plus every description and title of the recorded payloads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from job_analytics.silver import classify, text

REPO = Path(__file__).resolve().parents[3]
RECORDED = [*sorted((REPO / "tests" / "fixtures" / "recorded").rglob("*.json")),
            *sorted((REPO / "src" / "job_analytics" / "ingest" / "sources" / "recordings").rglob("*.json"))]

TRICKY_TEXT = [
    "", "Go", "go", "Golang and Go", "in Go.", "Go/Rust", "Go, Python", "Google", "C/C++", "C and C++", "ANSI C",
    "embedded C", "Embedded C#", "C programming", "R, Python", "in R", "R&D", "(R)", "R studio", "R\nand", "Go\n",
    "we use Go developers", "C++ and C", "x.Go", "_Go", "Go-to", "ĞO", "Ｇo", "G\u200bo", "SQL <3 and Go",
    "Experience with Go, C, R and C++; embedded C or R programming.",
]
TRICKY_HTML = [
    "<p>x</p>", "<P>x<script>bad()</script>y</P>", "<p>a<SCRIPT>b</SCRIPT></p>", "<p>a</p><style>p{}</style>b",
    "<head><title>T</title></head><body><p>x</p></body>", "<title>t</title><p>x</p>", "<p>x<noscript>n</noscript>",
    "<template><p>t</p></template><p>x</p>", "<svg><text>s</text></svg><p>x</p>", "<iframe>i</iframe><b>x</b>",
    "<object>o</object><br>x", "<frameset><frame></frameset>", "<html><head><meta charset=utf-8></head><p>x",
    "<p>no dropped &amp; stuff</p>", "<div><p>nested<ul><li>one</li><li>two</li></ul></p></div>",
    "<p>&lt;script&gt;x&lt;/script&gt;</p>", "<p>a</p><!-- <script> -->b", "<scripts>x</scripts><p>y",
    "<p>x</p><sTyLe>y</sTyLe>", "<table><tr><td>a</td><td>b</td></tr></table>", "<p>x</p>\n<head>y</head>",
]


def _recorded_fields() -> tuple[list[str], list[str]]:
    html: list[str] = []
    plain: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and len(value) > 2:
            (html if "<" in value else plain).append(value)

    for path in RECORDED:
        try:
            walk(json.loads(path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
    return html, plain


HTML_FIELDS, PLAIN_FIELDS = _recorded_fields()


def _slow_skills(text_: str) -> set[str]:
    taxonomy = classify._taxonomy()
    return {name for pattern, name, _, _ in taxonomy.patterns if pattern.search(text_)}


def _fast_skills(text_: str) -> set[str]:
    taxonomy = classify._taxonomy()
    return {name for pattern, name, literal, leading in taxonomy.patterns
            if literal in text_ and classify.has_match(pattern, leading, text_)}


def test_recorded_payloads_are_found() -> None:
    assert len(HTML_FIELDS) > 100 and len(PLAIN_FIELDS) > 1000


@pytest.mark.parametrize("pattern, literal", [
    (r"(?<![\w.])Go(?=\s)", "Go"), (r"\b(?:in|with)\s+Go(?![\w-])", "Go"), (r"ab\bcd", "abcd"),
    (r"a(?:b)c", "abc"), (r"a(b)c", "a"), (r"ab*c", "a"), (r"(?i)Go", ""), (r"x|y", ""), (r"[Ee]mbedded\s+C", "mbedded"),
    (r"C\+\+", "C++"),
])
def test_required_literal(pattern: str, literal: str) -> None:
    assert classify.required_literal(pattern) == literal


def test_required_literal_is_in_every_match() -> None:
    for pattern, _, literal, leading in classify._taxonomy().patterns:
        for sample in [*TRICKY_TEXT, *PLAIN_FIELDS, *HTML_FIELDS]:
            for m in pattern.finditer(sample):
                assert literal in m.group(0) and m.group(0).startswith(leading), (pattern.pattern, sample)


@pytest.mark.parametrize("pattern, leading", [
    (r"(?<![\w.])Go(?=\s)", "Go"), (r"\bR(?![\w&])", "R"), (r"(?<![\w.#+])C(?=\s+(?:programming)\b)", "C"),
    (r"\b(?:in|with)\s+Go(?![\w-])", ""), (r"ab\bcd", "ab"), (r"a(?:b)c", "abc"), (r"ab*c", "a"), (r"(?i)Go", ""),
    (r"x|y", ""), (r"[Ee]mbedded\s+C", ""), (r"C\+\+", "C++"),
])
def test_leading_literal(pattern: str, leading: str) -> None:
    assert classify.leading_literal(pattern) == leading


@pytest.mark.parametrize("sample", ["R, Python", "xR, y", "(R, y)", "R", "use R/Python", ".R, x", "Go/Rust", "xGo/Rust",
                                    "in Go.", "Go", "R&D, R, S", "ab R, and"])
def test_has_match_sees_what_comes_before_a_literal(sample: str) -> None:
    for pattern, _, _, leading in classify._taxonomy().patterns:
        assert classify.has_match(pattern, leading, sample) == bool(pattern.search(sample)), (pattern.pattern, sample)


def test_skill_patterns_fast_equals_slow() -> None:
    for sample in [*TRICKY_TEXT, *PLAIN_FIELDS, *HTML_FIELDS]:
        assert _fast_skills(sample) == _slow_skills(sample), sample


def _slow_html_lines(markup: str, keep_breaks: bool) -> str:
    """``text._html_lines`` before the fast path: dropped elements always removed."""
    tree = LexborHTMLParser(markup)
    for node in tree.css(", ".join(text._DROPPED)):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    text._walk(root, parts, text._HORIZONTAL_SPACE if keep_breaks else text._SPACES)
    return "".join(parts)


def test_html_lines_fast_equals_slow() -> None:
    for markup in [*TRICKY_HTML, *HTML_FIELDS]:
        for keep_breaks in (False, True):
            assert text._html_lines(markup, keep_breaks) == _slow_html_lines(markup, keep_breaks), markup


def test_dropped_tag_check_is_case_insensitive() -> None:
    assert text._has_dropped_tag("<P>x<ScRiPt>y</script>")
    assert not text._has_dropped_tag("<p>no such tag &lt;script&gt;</p>")


def test_find_words_equals_finditer() -> None:
    taxonomy = classify._taxonomy()
    extra = ["python3 and x.python", "node.js, js.", "ruby on rails", "c++#", "c plus plus", "sql.a", "sql.",
             "k8s/kubernetes", "_python", "pythonic", "scikit-learn"]
    for sample in [*TRICKY_TEXT, *extra, *PLAIN_FIELDS, *HTML_FIELDS]:
        for pattern, automaton, value in ((taxonomy.folded, taxonomy.folded_words, text.fold_case(sample).casefold()),
                                          (taxonomy.folded, taxonomy.folded_words, sample.casefold()),
                                          (taxonomy.exact, taxonomy.exact_words, sample)):
            assert classify.find_words(pattern, automaton, value) == [m.group(0) for m in pattern.finditer(value)]


TRICKY_JSON = [
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1e400}', '{"a": -1e400}', '{"a": "\\ud800"}',
    '{"a": "\\udc00x\\ud83d\\ude00"}', '{"a": 123456789012345678901234567890}', '{"a": -18446744073709551617}',
    '{"a": 1, "a": 2}', '{"a": -0.0}', '{"a": 1.5e-320}', '{"a": 0.1}', '{"a": 1E5}', '{"a": "\\u00e9\\n\\t\\/"}',
    ' {"a": 1} ', '[1, 2]', '"x"', 'null', '{"a": "é ✓ 😀"}', '{"a": "\\u0000"}',
    # not JSON: both must fail, with json's message
    '{"a": 1', '{"a": 1,}', "{'a': 1}", '{"a": 01}', '{"a": nan}', '', '{"a": 1} x', '{"a": "\x01"}', '\ufeff{}',
]


def _json_result(loads, line: str) -> str:
    try:
        return repr(loads(line))
    except ValueError as exc:
        return f"error: {exc}"


def test_bronze_json_decoding_equals_json_loads() -> None:
    from job_analytics.silver import mapping

    lines = [*TRICKY_JSON, *(path.read_text(encoding="utf-8", errors="surrogateescape") for path in RECORDED)]
    for line in lines:
        assert _json_result(mapping._loads, line) == _json_result(json.loads, line), line[:200]
    assert sum(_json_result(json.loads, line).startswith("error") for line in TRICKY_JSON) == 9
