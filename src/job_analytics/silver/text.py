"""Raw text fields → clean text: mojibake repaired, HTML turned into plain text, invisible characters removed.

``fix_text`` repairs one text field of any kind (title, company, location, tags, salary text, description HTML)
and is cheap on text that is already clean. ``html_to_text`` turns a description into plain lines, and
``clean_title`` a title or company name into one line; both repair their output with ``fix_text``.

Plain text from HTML: block elements (paragraphs, list items, headings, table rows, ``<br>``) end a line, table
cells a word; runs of whitespace collapse to one space and blank lines disappear. ``<script>``, ``<style>`` and
other non-content elements are removed with their content, comments too; CDATA keeps its content. HTML that was
escaped once or several times more (``&lt;p&gt;``, ``&amp;lt;p&amp;gt;``) and entities that survive one parse
(``&amp;nbsp;``) are decoded until no tag and no entity is left.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.entities import html5

import ftfy
from selectolax.lexbor import LexborHTMLParser, LexborNode

# --- mojibake and invisible characters ---------------------------------------------------------------------------

#: How ftfy repairs text. Only the repairs of broken text are on: every option that would also rewrite correct
#: text is off, so that a field comes out the same whether or not ftfy ran on it (it runs only on suspect text):
#: - ``unescape_html``: entities belong to the HTML parser, which runs after (on descriptions) and knows markup
#:   from text; ftfy's "auto" would turn an escaped ``&lt;p&gt;`` into markup inside a plain field.
#: - ``fix_latin_ligatures``, ``fix_character_width``: "ﬁ" and full-width "ＡＢＣ" are correct characters
#:   (Japanese postings use full-width forms); folding them is a matter for search, not for repair.
#: - ``uncurl_quotes``: the repaired "â€™" is "’", as the author wrote it, not "'".
#: - ``fix_line_breaks``: line breaks are ``html_to_text``'s concern; "\r\n" is left to it.
#: - ``explain``: no repair log is kept, which is faster.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    explain=False,
    normalization="NFC",
)

# The pre-check reads the text's UTF-8 bytes, where it can look for a few byte strings much faster than a
# character class can be matched in the text itself. UTF-8 read as Windows-1252 or Latin-1 turns the lead byte of
# every multi-byte character into one of U+00C2..U+00F4 ("Ã", "Â", "â", "ð": the bytes C3 82..C3 B4), followed by a
# continuation byte that reads as U+0080..U+00BF (C2 xx) or as one of the Windows-1252 letters and signs ("€", "™",
# "’", "œ", "Ÿ", "ƒ", "ˆ": E2 80..84 xx, C5 xx, C6 92, CB xx). Text with no such pair, no control character and
# no C1 control holds no mojibake ftfy could repair, and ftfy is not called: German, French or Polish text rarely
# has one (French "é…" does; ftfy then leaves it alone). "Ã " and "Â " are "à" and a no-break space whose
# continuation byte (A0, itself read as a no-break space) became a plain space; "‚Ä" is the Mac Roman reading of
# "’" and its kin.
_MOJIBAKE_UTF8 = re.compile(
    rb"\xc3[\x82-\xb4](?:[\xc2\xcb]|\xe2[\x80-\x84]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92)"
)
_MOJIBAKE_UTF8_LITERALS = (b"\xc3\x83 ", b"\xc3\x82 ", b"\xe2\x80\x9a\xc3\x84")
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_C0_CONTROLS = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # tab, line feed, form feed, CR stay
# Characters that show nothing and only break matching ("Data\u200bEngineer"): zero-width space, word joiner, BOM,
# soft hyphen, Mongolian vowel separator, direction marks, embeddings and isolates, invisible operators. Zero-width
# (non-)joiners are kept where they join two non-ASCII characters (emoji sequences such as 👨\u200d💻, Persian,
# Indic scripts) and removed elsewhere.
_INVISIBLE = re.compile(
    "[\u200b\u2060\ufeff\u00ad\u180e\u200e\u200f\u061c\u2061-\u2064\u202a-\u202e\u2066-\u2069]"
    "|(?<![^\x00-\x7f])[\u200c\u200d]+|[\u200c\u200d]+(?![^\x00-\x7f])"
)
_INVISIBLE_UTF8 = re.compile(rb"\xe2(?:\x80[\x8b-\x8f\xaa-\xae]|\x81[\xa0-\xa4\xa6-\xa9])")
_INVISIBLE_UTF8_LITERALS = (b"\xef\xbb\xbf", b"\xc2\xad", b"\xe1\xa0\x8e", b"\xd8\x9c")


def fix_text(value: str | None) -> str | None:
    """``value`` with its mojibake repaired ("MÃ¼nchen" → "München", "donâ€™t" → "don’t", also when encoded
    twice), Unicode in NFC, control and invisible characters removed; ``None`` when nothing visible is left.

    Correct text, in any language, is returned unchanged apart from NFC; whitespace and entities are left as
    they are. Cheap on clean text: ftfy only reads text that has a mojibake-like byte pair (see above).
    """
    if value is None:
        return None
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: ftfy repairs them
        raw = b""
        broken = True
    else:
        broken = len(raw.translate(None, _C0_CONTROLS)) != len(raw)
    if broken or (len(raw) != len(value) and _has_mojibake(raw)):
        value = _INVISIBLE.sub("", _ftfy(value, broken))
    elif len(raw) != len(value):
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if _INVISIBLE_UTF8.search(raw) or any(b[:1] in raw and b in raw for b in _INVISIBLE_UTF8_LITERALS):
            value = _INVISIBLE.sub("", value)
    return value if value and not value.isspace() else None


def _ftfy(value: str, broken: bool) -> str:
    """``ftfy.fix_text(value, FTFY_CONFIG)``, with ftfy called only on the lines that are not printable ASCII.

    ftfy repairs a text line by line (each of its segments ends after a "\\n") and returns a line of ASCII without
    control characters as it is, so such lines are kept as they are and the others are repaired in runs.
    """
    out: list[str] = []
    run: list[str] = []
    lines = value.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if i < last:
            line += "\n"
        if line.isascii() and not (broken and _C0_CONTROL.search(line)):
            if run:
                out.append(ftfy.fix_text("".join(run), FTFY_CONFIG))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(ftfy.fix_text("".join(run), FTFY_CONFIG))
    return "".join(out)


_C0_CONTROL = re.compile(f"[{re.escape(_C0_CONTROLS.decode('ascii'))}]")


#: Characters whose lower case is not one character, or that match an ASCII letter under ``re.IGNORECASE`` but
#: lower-case to another character: ``fold_case`` writes them as that letter.
_FOLD_SPECIAL = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold_case(text: str) -> str:
    """``text`` in lower case, one character for one, for matching in place of ``re.IGNORECASE``.

    A character equals a lower-case letter (ASCII, or one of the accented letters the rules spell) exactly when
    ``re.IGNORECASE`` matches it with that letter ("K", the Kelvin sign, is "k"; "ı" and "İ" are "i"; "ſ" is "s");
    word characters, digits, spaces and line breaks stay what they are. So a case-sensitive pattern of lower-case
    words finds in ``fold_case(text)`` what the same pattern with ``(?i)`` finds in ``text``, at the same offsets,
    and a lower-case word is in ``fold_case(text)`` when ``(?i)`` would find it in ``text``.
    ``benchmarks/rules_speed.py --check`` verifies this over all of Unicode.
    """
    for char, letter in _FOLD_SPECIAL:
        if char in text:
            text = text.replace(char, letter)
    return text.lower()


def _has_mojibake(raw: bytes) -> bool:
    if b"\xc3" in raw and (_MOJIBAKE_UTF8.search(raw) or any(b in raw for b in _MOJIBAKE_UTF8_LITERALS)):
        return True
    return b"\xc2" in raw and _C1_UTF8.search(raw) is not None


# --- HTML --------------------------------------------------------------------------------------------------------

_DROPPED = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object", "title")
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
# Text counts as HTML when it holds a tag of a real HTML element, written as browsers read one ("<" then the name):
# "List<String>", "Map<K, V>", "a < b > c" or "SQL <3" in a plain-text description are text, not markup.
_ELEMENTS = (
    "a|abbr|address|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|col|colgroup|dd|del|"
    "details|dfn|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|"
    "ins|kbd|label|li|link|main|mark|meta|nav|noscript|object|ol|option|p|picture|pre|q|s|samp|script|section|"
    "select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|"
    "thead|title|tr|tt|u|ul|var|video|wbr"
)
_TAG = re.compile(rf"</?(?:{_ELEMENTS})(?:[\s/][^<>]*)?>|<!--|<!\[CDATA\[|<!doctype", re.IGNORECASE)
_BLOCK_TAG = re.compile(rf"<(?:{'|'.join(sorted(_BLOCKS - {'br'}))})[\s/>]", re.IGNORECASE)
# Markdown (or plain text) that holds a few tags: its own line breaks are kept.
_MARKDOWN_LINE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|[-*+•][ \t]|\d{1,2}[.)][ \t])", re.MULTILINE)
# Entities with their semicolon, and the five that browsers also read without one. Legacy names without a
# semicolon are not decoded in text ("&notice" is not "¬ice", "&copy" in "&copyright" stays).
_ENTITY = re.compile(
    r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};|(?:nbsp|amp|lt|gt|quot)(?![A-Za-z0-9;]))"
)
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SPACES = re.compile(r"\s+")
_LINE_BREAK = "\n"
_MAX_ROUNDS = 6  # HTML escaped five times over is still read; beyond, what is left is text


def has_html(text: str | None) -> bool:
    """Whether ``text`` still holds an HTML tag, comment, CDATA section or entity (``&nbsp;``, ``&#39;``).

    "AT&T", "R&D", "SQL <3" and "List<String>" are text, not HTML.
    """
    if not text:
        return False
    return bool(_TAG.search(text)) or any(_is_entity(m.group(0)) for m in _ENTITY.finditer(text))


def html_to_text(value: str | None) -> str | None:
    """Plain text of an HTML fragment (or of text that holds no tags); ``None`` when nothing readable is left.

    The result holds no tag and no entity (see the module's docstring) and is repaired by ``fix_text``. Text
    with no block-level tags (plain text or Markdown with a stray ``<br>`` or ``<b>``) keeps its own line breaks.
    """
    if value is None:
        return None
    text = value
    parsed = False
    for _ in range(_MAX_ROUNDS):
        if "<![CDATA[" in text:
            text = _unwrap_cdata(text)
        if _TAG.search(text):
            keep_breaks = parsed or not _BLOCK_TAG.search(text) or bool(_MARKDOWN_LINE.search(text))
            text = _html_lines(text, keep_breaks)
            parsed = True
        elif "&" in text and _ENTITY.search(text):
            decoded = _decode_entities(text)
            if decoded == text:
                break
            text = decoded
        else:
            break
    return _tidy(fix_text(text) or "")


def clean_title(value: str | None) -> str | None:
    """A one-line title (or company name): repaired, tags stripped, entities decoded, whitespace collapsed."""
    text = html_to_text(value)
    if text is None:
        return None
    return " ".join(text.split()) or None


def _unwrap_cdata(text: str) -> str:
    """``text`` with each complete ``<![CDATA[…]]>`` replaced by its content (an unclosed one is left to the parser,
    which drops it as a comment)."""
    parts: list[str] = []
    pos = 0
    while (start := text.find("<![CDATA[", pos)) != -1 and (end := text.find("]]>", start)) != -1:
        parts += (text[pos:start], text[start + len("<![CDATA["):end])
        pos = end + len("]]>")
    parts.append(text[pos:])
    return "".join(parts)


def _is_entity(entity: str) -> bool:
    if entity[1] == "#":
        return True
    return entity[1:] in html5 or f"{entity[1:]};" in html5


def _decode_entities(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)) if _is_entity(m.group(0)) else m.group(0), text)


def _html_lines(markup: str, keep_breaks: bool) -> str:
    tree = LexborHTMLParser(markup)
    body = tree.body
    # Only a start tag of its name makes one of the dropped elements, except the head the parser always adds
    # (outside the body, which is all that is read): without such a tag there is nothing to remove.
    if body is None or _has_dropped_tag(markup):
        for node in tree.css(", ".join(_DROPPED)):
            node.decompose()
        body = tree.body
    root = body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts, _HORIZONTAL_SPACE if keep_breaks else _SPACES)
    return "".join(parts)


def _has_dropped_tag(markup: str) -> bool:
    lowered = markup.lower()
    return any(f"<{tag}" in lowered for tag in _DROPPED)


def _walk(root: LexborNode, parts: list[str], spaces: re.Pattern[str]) -> None:
    """Depth-first text with breaks around blocks; iterative, so deeply nested markup cannot exhaust the stack."""
    stack: list[tuple[LexborNode | None, str | None]] = [(root, None)]
    while stack:
        node, closing = stack.pop()
        if closing is not None:
            parts.append(closing)
            continue
        assert node is not None
        if node.is_text_node:
            parts.append(spaces.sub(" ", node.text_content or ""))  # in HTML, source line breaks are spaces too
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
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    text = "\n".join(line for line in lines if line)
    return text or None
