"""Mojibake repair, invisible characters and HTML left in text, on snippets as the sources send them.

RemoteOK sends UTF-8 that was decoded as Windows-1252 once or twice (in descriptions, titles and locations);
Greenhouse sends ``content`` HTML-escaped once more; other boards leave entities, stray tags, CDATA or comments.
"""

import pytest

from job_analytics.silver.text import clean_title, fix_text, has_html, html_to_text


@pytest.mark.parametrize("raw, expected", [
    ("Senior Software Engineer â€“ Backend", "Senior Software Engineer – Backend"),
    ("Weâ€™re hiring", "We’re hiring"),
    ("ZÃ¼rich, Switzerland", "Zürich, Switzerland"),
    ("KÃ¶ln, Germany", "Köln, Germany"),
    ("MontrÃ©al, QC", "Montréal, QC"),
    ("SÃ£o Paulo, Brazil", "São Paulo, Brazil"),
    ("KrakÃ³w, Poland", "Kraków, Poland"),
    ("PoznaÅ„", "Poznań"),
    ("Â£50,000 - Â£60,000 per annum", "£50,000 - £60,000 per annum"),
    ("â‚¬60k â€“ â‚¬80k", "€60k – €80k"),
    ("â€œGreat placeâ€\x9d to work", "“Great place” to work"),
    ("Profil â€¢ Python", "Profil • Python"),
    ("ðŸš€ Join us", "🚀 Join us"),
    ("Ãœber uns", "Über uns"),
    ("Ã  la carte", "à la carte"),  # the no-break space of "à" became a space
    ("Â Remote", "\xa0Remote"),
    ("ÃƒÂ©quipe", "équipe"),  # encoded twice
    ("Ã¢â‚¬â„¢", "’"),
    ("Weâ€™re hiring – apply now", "We’re hiring – apply now"),  # mojibake beside correct text
    ("\x93quoted\x94", "“quoted”"),  # Windows-1252 read as Latin-1
    ("Mu\u0308nchen", "München"),  # NFC
    ("Data\u200bEngineer", "DataEngineer"),
    ("\ufeffSenior Developer", "Senior Developer"),
    ("Soft\u00adware", "Software"),
    ("\u200e\u202aBerlin\u202c", "Berlin"),
    ("a\u200db", "ab"),
    ("Python\x00 Developer\x1b[0m", "Python Developer"),
    ("   ", None),
    ("\u200b", None),
    ("", None),
    (None, None),
])
def test_fix_text_repairs(raw, expected):
    assert fix_text(raw) == expected


@pytest.mark.parametrize("text", [
    "Wir suchen eine:n Entwickler:in für München – Größe: 50 Mitarbeitende, Straße, Übergröße",
    "Développeur·euse à Paris, « télétravail », Noël, façade, où",
    "Programista w Łodzi, współpraca B2B, zażółć gęślą jaźń",
    "東京のデータエンジニア（正社員）",
    "ＡＢＣ株式会社",
    "👩\u200d💻 Remote 🌍 👨\u200d👩\u200d👧",
    "naïve Bayes, coöperation, Zoë",
    "€50k £40k ₹12,00,000 ¥5,000,000 ©®™ ±5° ½",
    "ﬁnance ﬂow",
    "“quoted” ‘single’ „German“ — and – dashes…",
    "Café… É» Â",
    "São Tomé, Curaçao, Reykjavík, Tromsø, Ærø",
    "Data Engineer (m/w/d)\tBerlin\nRemote\r\n",
    "Москва, Санкт-Петербург",
    "تل أبيب",
])
def test_fix_text_leaves_correct_text_alone(text):
    assert fix_text(text) == text


@pytest.mark.parametrize("html, expected", [
    # Greenhouse: content escaped once more
    (("&lt;div class=&quot;content-intro&quot;&gt;&lt;p&gt;&lt;strong&gt;About us&lt;/strong&gt;&lt;/p&gt;"
      "&lt;p&gt;We&amp;#39;re building the data platform.&lt;/p&gt;&lt;/div&gt;"),
     "About us\nWe're building the data platform."),
    (("&lt;div class=&quot;content-pay-transparency&quot;&gt;&lt;div class=&quot;pay-input&quot;&gt;"
      "&lt;div class=&quot;title&quot;&gt;US Base Salary&lt;/div&gt;&lt;div class=&quot;pay-range&quot;&gt;"
      "&lt;span&gt;$150,000&lt;/span&gt;&lt;span class=&quot;divider&quot;&gt;&amp;mdash;&lt;/span&gt;"
      "&lt;span&gt;$190,000 USD&lt;/span&gt;&lt;/div&gt;&lt;/div&gt;&lt;/div&gt;"),
     "US Base Salary\n$150,000—$190,000 USD"),
    ("&lt;p&gt;&amp;nbsp;&lt;/p&gt;&lt;p&gt;Benefits &amp;amp; perks&lt;/p&gt;", "Benefits & perks"),
    # escaped three times
    ("&amp;lt;p&amp;gt;Triple &amp;amp;amp; done&amp;lt;/p&amp;gt;", "Triple & done"),
    # entities that survive one parse
    ("<p>Benefits&amp;nbsp;&amp;amp; perks, we&amp;rsquo;re &amp;#39;remote&amp;#39;</p>",
     "Benefits & perks, we’re 'remote'"),
    ("<p>We&rsquo;re &nbsp; here &amp; there, &#8364;60k &#x2013; &#146;90k</p>", "We’re here & there, €60k – ’90k"),
    # escaped tags inside real ones
    ("<div>&lt;p&gt;Line one&lt;/p&gt;&lt;p&gt;Line two&lt;/p&gt;</div>", "Line one\nLine two"),
    ("<p>Line one&lt;br&gt;Line two</p>", "Line one\nLine two"),
    # stray tags in plain text or Markdown keep the text's own line breaks
    ("Requirements:\n- Python<br>- SQL\n- dbt", "Requirements:\n- Python\n- SQL\n- dbt"),
    ("Responsibilities:<br/>• Build pipelines<br />• Own the dbt project",
     "Responsibilities:\n• Build pipelines\n• Own the dbt project"),
    ("## About us\n\nWe build things.\n\n- Python\n- SQL\n\n<p>Apply <b>now</b></p>",
     "## About us\nWe build things.\n- Python\n- SQL\nApply now"),
    ("Plain text with\nlines and a <b>bold</b> word", "Plain text with\nlines and a bold word"),
    # CDATA and comments
    ("<![CDATA[<p>Inside CDATA &amp; more</p>]]>", "Inside CDATA & more"),
    ("&lt;![CDATA[&lt;p&gt;Escaped CDATA&lt;/p&gt;]]&gt;", "Escaped CDATA"),
    ("<p>Keep</p><!-- tracking: utm=123 --><p>this</p>", "Keep\nthis"),
    ("<!--[if mso]><p>Outlook only</p><![endif]--><p>Body</p>", "Body"),
    ("&lt;!-- hidden --&gt;&lt;p&gt;Shown&lt;/p&gt;", "Shown"),
    # mojibake in markup, and spelled as entities
    ("<p>Weâ€™re looking for a <strong>Senior Backend Engineer</strong> in MÃ¼nchen.</p>",
     "We’re looking for a Senior Backend Engineer in München."),
    ("<p>&Atilde;&copy;cole &amp; caf&Atilde;&copy;</p>", "école & café"),
    # text that is not HTML stays
    ("Use List<String> and Map<K, V>; SQL <3; a < b > c", "Use List<String> and Map<K, V>; SQL <3; a < b > c"),
    ("Read the &notice; AT&T, R&D, Q&A, P&L", "Read the &notice; AT&T, R&D, Q&A, P&L"),
    ("Contact: Jane <jobs@acme.example>", "Contact: Jane <jobs@acme.example>"),
    # JSearch: plain text with its own bullets
    ("About the job\n\n• Build pipelines\n• Python & SQL\n\nBenefits:\n401(k)",
     "About the job\n• Build pipelines\n• Python & SQL\nBenefits:\n401(k)"),
    ("<P>Upper<BR>case&nbsp;tags &AMP; &QUOT;caps&QUOT;</P>", "Upper\ncase tags & \"caps\""),
    ("<pre>x</pre><p>\u200b</p><p>\ufeffBOM</p>", "x\nBOM"),
])
def test_html_to_text_leaves_no_html(html, expected):
    text = html_to_text(html)
    assert text == expected
    assert not has_html(text)


def test_html_to_text_output_is_stable():
    once = html_to_text("&lt;p&gt;We&amp;amp;#39;re &amp;amp;amp; co&lt;/p&gt;")
    assert once == "We're & co"
    assert html_to_text(once) == once


@pytest.mark.parametrize("title, expected", [
    ("Senior Data Engineer â€“ Remote", "Senior Data Engineer – Remote"),
    ("Entwickler (m/w/d) MÃ¼nchen", "Entwickler (m/w/d) München"),
    ("Data\u200bEngineer &amp;amp; Analyst", "DataEngineer & Analyst"),
])
def test_clean_title_repairs(title, expected):
    assert clean_title(title) == expected


@pytest.mark.parametrize("text, expected", [
    ("<p>left</p>", True),
    ("line<br/>break", True),
    ("</div>", True),
    ("a &nbsp; b", True),
    ("it&#39;s", True),
    ("&#x2019;", True),
    ("Tom &amp; Jerry", True),
    ("we&rsquo;re", True),
    ("x <!-- c -->", True),
    ("<![CDATA[x]]>", True),
    ("AT&T and R&D", False),
    ("Q&A; P&L;", False),
    ("SQL <3", False),
    ("List<String>, Map<K, V>, a < b > c", False),
    ("Read the &notice", False),
    ("Tom & Jerry", False),
    ("Contact <jobs@acme.example>", False),
    ("", False),
    (None, False),
])
def test_has_html(text, expected):
    assert has_html(text) is expected
