"""Text cleaning, the corners the other text tests leave open: line breaks as old systems write them, CDATA sections
that are several, late or unclosed, HTML escaped inside real markup, broken characters next to invisible ones.

Each case is a string as a source could send it; the expectations are what silver must hold.
"""

import pytest

from job_analytics.silver.text import clean_title, fix_text, has_html, html_to_text


@pytest.mark.parametrize("raw, expected", [
    # Windows and old Mac line breaks in plain-text descriptions (JSearch, Remotive plain text)
    ("Line one\r\nLine two", "Line one\nLine two"),
    ("Line one\rLine two", "Line one\nLine two"),
    ("About the job\r\n\r\n• Python\r\n• SQL\r\n", "About the job\n• Python\n• SQL"),
    ("Requirements:\r- Python<br>- SQL", "Requirements:\n- Python\n- SQL"),
])
def test_line_breaks_of_any_system_end_a_line(raw, expected):
    assert html_to_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("\n<![CDATA[<p>Inside CDATA</p>]]>", "Inside CDATA"),  # not at the very start
    ("<p>Intro</p><![CDATA[<p>Details &amp; more</p>]]>", "Intro\nDetails & more"),
    ("<![CDATA[<p>First</p>]]><![CDATA[<p>Second</p>]]>", "First\nSecond"),
    ("<![CDATA[One]]> and <![CDATA[two]]>", "One and two"),
    # a "]]>" that is text, before the section
    ("Check a[b[0]]> 0 first.<![CDATA[<p>Apply now</p>]]>", "Check a[b[0]]> 0 first.\nApply now"),
    # an unclosed section is dropped by the parser, as a browser does
    ("<p>Before</p><![CDATA[never closed", "Before"),
    ("<p>Before</p><![CDATA[never closed]]", "Before"),
])
def test_cdata_sections(raw, expected):
    text = html_to_text(raw)
    assert text == expected
    assert not has_html(text)


@pytest.mark.parametrize("raw, expected", [
    # real markup that holds escaped markup: the lines of the real markup stay lines
    ("<ul><li>Python</li><li>SQL</li></ul>&lt;p&gt;Apply now&lt;/p&gt;", "Python\nSQL\nApply now"),
    ("<p>About us</p><p>Python</p>&lt;div&gt;Apply&lt;/div&gt;", "About us\nPython\nApply"),
    ("<h3>Benefits</h3><p>Remote</p><p>&lt;b&gt;30 days&lt;/b&gt; off&lt;p&gt;Apply&lt;/p&gt;</p>",
     "Benefits\nRemote\n30 days off\nApply"),
])
def test_escaped_markup_inside_markup_keeps_the_lines(raw, expected):
    assert html_to_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    # mojibake next to invisible characters: both go
    ("Weâ€™re\u200b hiring", "We’re hiring"),
    ("MÃ¼nchen\ufeff", "München"),
    ("Data\u200bEngineer â€“ Remote", "DataEngineer – Remote"),
    # an emoji sent as two UTF-16 halves (a JSON "\\ud83d\\ude80" decoded one half at a time)
    ("\ud83d\ude80 Launch", "🚀 Launch"),
    ("Caf\udce9", "Caf\ufffd"),  # a lone half is no character: the replacement character stands for it
    # a RemoteOK description: broken lines in runs, between lines that are plain ASCII
    ("Weâ€™re hiring\nMÃ¼nchen office\nApply now\nKÃ¶ln office\nZÃ¼rich office",
     "We’re hiring\nMünchen office\nApply now\nKöln office\nZürich office"),
    ("Apply now\nâ€¢ Python\nâ€¢ SQL\n", "Apply now\n• Python\n• SQL\n"),
])
def test_fix_text_repairs_broken_and_invisible_together(raw, expected):
    assert fix_text(raw) == expected


@pytest.mark.parametrize("title, expected", [
    ("Senior\r\nData Engineer", "Senior Data Engineer"),
    ("<![CDATA[Backend Developer]]>", "Backend Developer"),
    ("\ud83d\ude80 Growth Engineer", "🚀 Growth Engineer"),
])
def test_clean_title_corners(title, expected):
    assert clean_title(title) == expected
