"""HTML and free text → clean plain text (descriptions and titles).

Block elements (paragraphs, list items, headings, table rows, ``<br>``) end a line, table cells a word; runs of
whitespace collapse to one space and blank lines disappear. ``<script>``, ``<style>`` and other non-content
elements are removed with their content. Entities are decoded by the parser.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROPPED = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object", "title")
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s.*?)?/?\s*&gt;", re.DOTALL)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
_LINE_BREAK = "\n"


def html_to_text(value: str | None) -> str | None:
    """Plain text of an HTML fragment (or of text that holds no tags); ``None`` when nothing readable is left.

    Some APIs send HTML escaped once more (``&lt;p&gt;``); such text is unescaped and then parsed.
    Text with no tags keeps its own line breaks.
    """
    if value is None:
        return None
    if not _TAG.search(value) and _ESCAPED_TAG.search(value):
        value = html.unescape(value)
    if _TAG.search(value):
        raw = _html_lines(value)
    else:
        raw = html.unescape(value)
    return _tidy(raw)


def clean_title(value: str | None) -> str | None:
    """A one-line title (or company name): tags stripped, entities decoded, whitespace collapsed."""
    text = html_to_text(value)
    if text is None:
        return None
    return " ".join(text.split()) or None


def _html_lines(markup: str) -> str:
    tree = LexborHTMLParser(markup)
    for node in tree.css(", ".join(_DROPPED)):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts)
    return "".join(parts)


def _walk(root: LexborNode, parts: list[str]) -> None:
    """Depth-first text with breaks around blocks; iterative, so deeply nested markup cannot exhaust the stack."""
    stack: list[tuple[LexborNode | None, str | None]] = [(root, None)]
    while stack:
        node, closing = stack.pop()
        if closing is not None:
            parts.append(closing)
            continue
        assert node is not None
        if node.is_text_node:
            parts.append(_SPACES.sub(" ", node.text_content or ""))  # source newlines are spaces in HTML
            continue
        if not node.is_element_node and not node.is_document_node:
            continue  # comments, doctypes
        tag = node.tag or ""
        if tag in _BLOCKS:
            parts.append(_LINE_BREAK)
            stack.append((None, _LINE_BREAK))
        elif tag in _CELLS:
            parts.append(" ")
            stack.append((None, " "))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, None) for c in reversed(children))


def _tidy(raw: str) -> str | None:
    raw = raw.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    text = "\n".join(line for line in lines if line)
    return text or None
