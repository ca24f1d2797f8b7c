"""Employment type from descriptions and skills from tags, the corners the other classify tests leave open:
labelled fields written with other separators, a label on its own line with the value below it, the limits of a
line of terms and of the look-back for a negation, and skills found in several tags.
"""

import pytest

from job_analytics.silver.classify import extract_skills
from job_analytics.silver.employment import employment_type_in_text


def in_description(text):
    return employment_type_in_text(None, None, text)


@pytest.mark.parametrize("text, expected", [
    # a label and its value, whatever separates them
    ("Employment type: Part-time", "part_time"),
    ("Employment type - Part-time", "part_time"),
    ("Employment type – Part-time", "part_time"),
    ("Employment type — Part-time | Berlin", "part_time"),
    ("Employment type — Contract | Remote", "contract"),  # "|" the only separator of the line's characters
    ("Anstellungsart — Teilzeit | Hamburg", "part_time"),
    ("Anstellungsart – Teilzeit", "part_time"),
    # fields in one line, the employment not the first of them
    ("Location: Berlin | Employment type: Part-time", "part_time"),
    ("Standort: Hamburg • Anstellungsart: Teilzeit", "part_time"),
    ("Team: Data; Contract type: Fixed-term", "temporary"),
])
def test_labelled_fields(text, expected):
    assert in_description(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the label alone on its line, the value on the next one (value lines that are more than a list of terms)
    ("Employment type\nFull-time - 40 hours a week, starting in May", "full_time"),
    ("About us\nEmployment type\nPart-time - 20 hours a week", "part_time"),
    ("Anstellungsart:\nTeilzeit - 20 Stunden pro Woche\nStandort: Berlin", "part_time"),
    ("We build data tools.\nEmployment type", None),  # a label with nothing below it
    ("Full-time - 40 hours a week\nEmployment type", None),  # the value is above the label, not below
    # a label line of up to 40 characters (trailing spaces of a pasted table count)
    ("Employment type:" + " " * 24 + "\nFull-time - 40 hours a week", "full_time"),
    ("Employment type:" + " " * 25 + "\nFull-time - 40 hours a week", None),
])
def test_label_line_then_value_line(text, expected):
    assert in_description(text) == expected


@pytest.mark.parametrize("line, expected", [
    # a line that only lists employment terms and work modes counts up to 60 characters
    ("Full-time, remote" + " " * 43, "full_time"),
    ("Full-time, remote" + " " * 44, None),
])
def test_term_line_length(line, expected):
    assert len(line) in (60, 61)
    assert in_description(line) == expected


@pytest.mark.parametrize("text, expected", [
    # a negation in an earlier sentence does not reach the statement
    ("No visa sponsorship. This is a full-time position.", "full_time"),
    ("Kein Homeoffice. Die Stelle ist befristet auf 12 Monate.", "temporary"),
    # a negation at the very start of the text does
    ("Not a full-time role: 10 hours a week.", None),
    # a negation counts within the 80 characters before the statement, not further back
    ("Not tied to an office, our team works from anywhere in Europe and meets in Ulm, a full-time role.", None),
    ("Not tied to an office, our team works from anywhere in Europe and meets in Riga, a full-time role.",
     "full_time"),
])
def test_negations_before_a_statement(text, expected):
    assert in_description(text) == expected


@pytest.mark.parametrize("tags, expected", [
    # a tag that is a skill, then tags that hold skills in their text: all count
    (["Python", "AWS Lambda"], ["AWS", "Python"]),
    (["sql", "Data Engineering with Spark", "dbt Cloud"], ["dbt", "Spark", "SQL"]),
])
def test_skills_from_several_tags(tags, expected):
    assert extract_skills(tags, None) == expected
