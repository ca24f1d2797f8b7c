import pytest

from job_analytics.silver.text import clean_title, html_to_text


@pytest.mark.parametrize("html, expected", [
    ("<p>Hello &amp; welcome</p>", "Hello & welcome"),
    ("<p>Caf&eacute; &ndash; &#8364;50k &nbsp;gross</p>", "Café – €50k gross"),
    ("<ul><li>Python</li><li>SQL &lt;3</li></ul>", "Python\nSQL <3"),
    ("<ol><li>one</li>\n  <li>two</li></ol>", "one\ntwo"),
    ("<p>Before</p><script>alert('x')</script><style>p { color: red }</style><p>After</p>", "Before\nAfter"),
    ("<div>a\n   b <b>bold</b>, <i>it</i></div>", "a b bold, it"),
    ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
    ("<h2>Role</h2><p>Build things.</p><h2>You</h2><p>Curious.</p>", "Role\nBuild things.\nYou\nCurious."),
    ("<table><tr><td>Salary</td><td>€60k</td></tr><tr><td>Place</td><td>Berlin</td></tr></table>",
     "Salary €60k\nPlace Berlin"),
    ("<p>x</p><!-- tracking comment --><noscript>enable JS</noscript>", "x"),
    ("<html><head><title>T</title></head><body><p>body</p></body></html>", "body"),
    ("&lt;p&gt;escaped once more &amp;amp; again&lt;/p&gt;", "escaped once more & again"),
    ("Plain text\nwith its own\n\n  line breaks", "Plain text\nwith its own\nline breaks"),
    ("AT&T and R&D", "AT&T and R&D"),
    ("<p>zero\u200bwidth\ufeff</p>", "zerowidth"),
    ("<p> </p><div>\n</div>", None),
    ("", None),
    (None, None),
])
def test_html_to_text(html, expected):
    assert html_to_text(html) == expected


def test_deeply_nested_markup_does_not_exhaust_the_stack():
    assert html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000) == "deep"


@pytest.mark.parametrize("title, expected", [
    ("  Senior  Data Engineer &amp; Analyst\n", "Senior Data Engineer & Analyst"),
    ("<b>Backend</b> Developer", "Backend Developer"),
    ("R&D Engineer", "R&D Engineer"),
    ("Data Engineer\n(m/w/d)", "Data Engineer (m/w/d)"),
    ("C++ Developer", "C++ Developer"),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_clean_title(title, expected):
    assert clean_title(title) == expected
