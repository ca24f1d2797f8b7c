"""Salaries found in descriptions and titles: the labeled snippets, the traps, and the currency of a country."""

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from job_analytics.silver.currencies import currency_for_country
from job_analytics.silver.salary import (
    Salary,
    annual_usd,
    from_fields,
    is_plausible,
)
from job_analytics.silver.salary_text import salary_in_text

SNIPPETS = Path(__file__).parents[2] / "fixtures" / "salary" / "snippets.csv"


def _labeled() -> list:
    rows = list(csv.DictReader(SNIPPETS.open(encoding="utf-8")))

    def amount(value: str) -> float | None:
        return float(value) if value else None

    return [
        pytest.param(row["text"], None if not (row["min"] or row["max"]) else Salary(
            amount(row["min"]), amount(row["max"]), row["currency"] or None, row["period"] or None), id=row["id"])
        for row in rows
    ]


@pytest.mark.parametrize("text, expected", _labeled())
def test_labeled_snippets(text, expected):
    assert salary_in_text(text) == expected


def test_the_labeled_table_is_big_enough():
    rows = list(csv.DictReader(SNIPPETS.open(encoding="utf-8")))
    negatives = [r for r in rows if not (r["min"] or r["max"])]
    assert len(rows) >= 100 and len(negatives) >= 30


@pytest.mark.parametrize("text, expected", [
    ("The annual base salary range for this role is $150,000 - $190,000 USD",
     Salary(150_000, 190_000, "USD", "year")),
    ("Pay Transparency\n\nThe range for this role is $150,000—$190,000 USD", Salary(150_000, 190_000, "USD", "year")),
    ("Salary: £45,000 – £60,000 per annum", Salary(45_000, 60_000, "GBP", "year")),
    ("Compensation: $120k-$140k", Salary(120_000, 140_000, "USD", "year")),
    ("Gehalt: 55.000 € – 65.000 € brutto jährlich", Salary(55_000, 65_000, "EUR", "year")),
    ("Backend Entwickler (m/w/d) mindestens 90.000€", Salary(90_000, None, "EUR", "year")),
    ("Stipend: ₹50,000 per month", Salary(50_000, 50_000, "INR", "month")),
    ("€60,000 - €75,000", Salary(60_000, 75_000, "EUR", "year")),
    ("$45/hr", Salary(45, 45, "USD", "hour")),
    ("USD 8,000 - 10,000 per month", Salary(8_000, 10_000, "USD", "month")),
    ("CTC 12-18 LPA", Salary(1_200_000, 1_800_000, "INR", "year")),
    ("Gehalt: 55.000,00 € brutto im Jahr", Salary(55_000, 55_000, "EUR", "year")),
    ("Salary: ₹12,00,000 per annum", Salary(1_200_000, 1_200_000, "INR", "year")),
    ("Salary: 50-60k", Salary(50_000, 60_000, None, "year")),  # amounts kept; the country may give the currency
    ("Base pay: $100,000/yr - $115,000/yr plus bonus", Salary(100_000, 115_000, "USD", "year")),
    ("The range is $97,500 to $146,300 CAD.", Salary(97_500, 146_300, "CAD", "year")),
    ("Salary: CAD $126,000 - $174,000", Salary(126_000, 174_000, "CAD", "year")),
    ("Salary: A$140,000 - A$160,000 + super", Salary(140_000, 160_000, "AUD", "year")),
    ("zwischen 60.000 und 80.000 EUR Gehalt", Salary(60_000, 80_000, "EUR", "year")),
    ("Le salaire est compris entre 36 000 et 40 000 €", Salary(36_000, 40_000, "EUR", "year")),
    ("Zone 2: $158,000 - $192,000 + bonus + equity", Salary(158_000, 192_000, "USD", "year")),
    ("We offer a $2,000 learning budget.\nSalary: $90,000 - $110,000", Salary(90_000, 110_000, "USD", "year")),
    ("Signing bonus of $10,000 and a base salary of $120,000", Salary(120_000, 120_000, "USD", "year")),
    ("About us\nWe raised $20M.\nCompensation\n$130,000 - $150,000", Salary(130_000, 150_000, "USD", "year")),
    ("Pay starts at **$25/hr**", Salary(25, None, "USD", "hour")),
    ("Salary range: $120,000 CAD [lowest market] to $177,750 CAD [highest market]",
     Salary(120_000, 177_750, "CAD", "year")),
])
def test_salary_in_text_finds(text, expected):
    assert salary_in_text(text) == expected


@pytest.mark.parametrize("text", [
    None, "", "No numbers here", "Competitive salary and great benefits",
    "401(k) with 4% match", "We closed a $5M seed round", "We raised $120 million from top investors",
    "Trusted by 10,000 customers", "We have 10,000 customers worldwide", "Founded since 2015", "Salary review 2024-2025",
    "Call +49 30 1234567", "0.1% equity", "Signing bonus of $10,000", "$2,000 learning budget",
    "$500 home-office stipend", "Home Office Stipend: up to $500", "Revenue of $50M in 2023", "up to 30 days vacation",
    "Series B funding of $40M", "$200/month wellness stipend", "£1,000 learning budget each year",
    "Senior PHP Engineer (f/m/x) 106668", "5+ years of experience, 3 days per week in office",
    "Salary: depends on 2-3 years of experience",
    "Up to $1,500 USD towards IT set up for your home", "Salary: $99,000,000 a year",
])
def test_salary_in_text_ignores(text):
    assert salary_in_text(text) is None


def test_a_salary_word_beats_an_earlier_bare_range():
    text = "Plans from €10 - €20 per seat\n\nSalary: €60,000 - €70,000"
    assert salary_in_text(text) == Salary(60_000, 70_000, "EUR", "year")


def test_the_first_bare_range_is_kept_when_nothing_says_salary():
    assert salary_in_text("Role in Berlin\n€60,000 - €75,000\n€80,000 - €95,000") == Salary(
        60_000, 75_000, "EUR", "year")


def test_a_heading_names_the_amounts_below_it():
    assert salary_in_text("Salary\n\n$52 per user") is None
    assert salary_in_text("Compensation Range\n\n$60,000-$70,000 annually") == Salary(60_000, 70_000, "USD", "year")


def test_a_long_line_is_read_sentence_by_sentence():
    filler = "We build tools for analysts and engineers across many teams. " * 6
    text = filler + "We raised $50M last year. The salary range is $90,000 - $110,000. " + filler
    assert salary_in_text(text) == Salary(90_000, 110_000, "USD", "year")


@pytest.mark.parametrize("code, currency", [
    ("US", "USD"), ("us", "USD"), (" GB ", "GBP"), ("UK", "GBP"), ("DE", "EUR"), ("EL", "EUR"), ("CH", "CHF"),
    ("IN", "INR"), ("PL", "PLN"), ("JP", "JPY"), ("BR", "BRL"), ("AR", "ARS"), ("UA", "UAH"), ("AE", "AED"),
    ("PA", "PAB"), (None, None), ("", None), ("ZZ", None), ("USA", None), ("1A", None),
])
def test_currency_for_country(code, currency):
    assert currency_for_country(code) == currency


MARKET_COUNTRIES = ["US", "GB", "DE", "CA", "AU", "IN", "CH", "PL", "SE", "NO", "DK", "BR", "MX", "SG", "JP", "NL",
                    "ES", "FR", "IE", "PT", "AT", "NZ", "ZA", "IL", "AE", "PH", "CZ", "RO", "HU", "TR", "UA", "AR",
                    "CO"]


@pytest.mark.parametrize("country", MARKET_COUNTRIES)
def test_the_fx_table_converts_the_currency_of_each_market_country(country):
    currency = currency_for_country(country)
    for day in (date(2024, 6, 1), date(2025, 6, 1)):
        low, _ = annual_usd(Salary(1000, None, currency, "year"), day)
        assert low is not None and 0 < low < 1_000_000


def test_amounts_without_a_currency_stay_unconverted_until_the_country_gives_one():
    salary = from_fields(99_000_000, None, None, "YEAR")
    assert salary == Salary(99_000_000, None, None, "year")
    assert annual_usd(salary, date(2025, 6, 1)) == (None, None)
    inferred = replace(salary, currency=currency_for_country("US"))
    assert annual_usd(inferred, date(2025, 6, 1)) == (99_000_000, None)
    assert not is_plausible(annual_usd(inferred, date(2025, 6, 1)))
    assert is_plausible(annual_usd(from_fields(90_000, 120_000, currency_for_country("US"), "YEAR"), date(2025, 6, 1)))
