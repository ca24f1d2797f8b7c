"""The parser's small rules, pinned one by one: number formats, currency markers, period words and inference,
rounding, the FX table's dates."""

from datetime import date

import pytest

from job_analytics.silver.salary import (
    DAYS_PER_YEAR,
    WEEKS_PER_YEAR,
    Salary,
    annual_usd,
    from_fields,
    is_plausible,
    normalize_currency,
    parse_salary,
)


@pytest.mark.parametrize("amount, value", [
    ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("12,5", 12.5), ("45.50", 45.5), ("45,50", 45.5),
    ("55.000", 55_000), ("55,000", 55_000), ("1.000.000", 1_000_000), ("10,00,000", 1_000_000), ("1 234", 1234),
    ("120'000", 120_000), ("7", 7), ("1.5", 1.5), ("2,345,678.9", 2_345_678.9), (" 80,000 ", 80_000),
])
def test_number_formats(amount, value):
    assert from_fields(amount, None, "USD", "year") == Salary(value, None, "USD", "year")


@pytest.mark.parametrize("period, expected", [
    ("YEAR", "year"), ("yr", "year"), ("per annum", "year"), ("annual", "year"), ("y", "year"), ("a", "year"),
    ("MONTH", "month"), ("monthly", "month"), ("m", "month"), ("WEEK", "week"), ("w", "week"), ("DAY", "day"),
    ("daily", "day"), ("d", "day"), ("HOUR", "hour"), ("hr", "hour"), ("h", "hour"), (" Hourly ", "hour"),
])
def test_period_words(period, expected):
    assert from_fields(100_000, None, "USD", period).period == expected


@pytest.mark.parametrize("period", [None, "", "  ", "bogus", "x"])
def test_unknown_period_words_are_inferred(period):
    assert from_fields(100_000, None, "USD", period).period == "year"
    assert from_fields(50, None, "USD", period).period == "hour"


@pytest.mark.parametrize("amount, currency, period", [
    (299, "USD", "hour"), (300, "USD", "month"), (9_999, "USD", "month"), (10_000, "USD", "year"),
    (280, "EUR", "hour"), (295, "EUR", "month"), (9_500, "EUR", "month"), (9_800, "EUR", "year"),  # EUR > USD
    (25_000, "INR", "hour"), (26_000, "INR", "month"), (900_000, "INR", "year"),  # INR ≪ USD
    (299, None, "hour"), (300, None, "month"), (10_000, None, "year"),  # unknown currency: taken as USD
    (9_999, "KRW", "month"),  # no rate: taken as USD
])
def test_period_inferred_from_the_size_in_usd(amount, currency, period):
    assert from_fields(amount, None, currency, None) == Salary(amount, None, currency, period)


def test_the_upper_bound_decides_the_inferred_period():
    assert from_fields(250, 320, "USD", None).period == "month"
    assert from_fields(None, 250, "USD", None).period == "hour"


def test_amounts_are_rounded_to_cents():
    assert from_fields(1234.5678, 2345.6712, "USD", "year") == Salary(1234.57, 2345.67, "USD", "year")
    assert parse_salary("$45.5/hr") == Salary(45.5, 45.5, "USD", "hour")


@pytest.mark.parametrize("value", [-5, 0, "0", "", "abc", True, float("inf"), None])
def test_from_fields_rejects_non_positive_or_non_numbers(value):
    assert from_fields(value, None, "USD", "year") is None


@pytest.mark.parametrize("text, expected", [
    ("ISK 900,000 per month", Salary(900_000, 900_000, "ISK", "month")),  # ISO code without an FX rate, in capitals
    ("isk 900,000 per month", Salary(900_000, 900_000, None, "month")),  # … not in lower case
    ("XYZ 900,000 per month", Salary(900_000, 900_000, None, "month")),  # not an ISO code
    ("eur 50,000 per year", Salary(50_000, 50_000, "EUR", "year")),  # convertible codes in any case
    ("50,000 Euros a year", Salary(50_000, 50_000, "EUR", "year")),
    ("60,000 EUROS a year", Salary(60_000, 60_000, "EUR", "year")),
    ("Rs. 50,000 per month", Salary(50_000, 50_000, "INR", "month")),
    ("RS 50,000 per month", Salary(50_000, 50_000, "INR", "month")),
    ("8.000 zł brutto miesięcznie", Salary(8_000, 8_000, "PLN", "month")),
    ("45.000 Kč měsíčně", Salary(45_000, 45_000, "CZK", "month")),  # the k of Kč is no multiplier
    ("Fr. 9'000 pro Monat", Salary(9_000, 9_000, "CHF", "month")),
    ("R 30 000 per month", Salary(30_000, 30_000, "ZAR", "month")),
    ("RAND 30 000", Salary(30_000, 30_000, None, "year")),
    ("€1.234,56 per hour", Salary(1234.56, 1234.56, "EUR", "hour")),
    ("Salary 500 - 900", None),  # small, unmarked, no currency anywhere: not money
    ("1000 - 2000", Salary(1000, 2000, None, "month")),
    ("€500 - 900 per week", Salary(500, 900, "EUR", "week")),
    ("USD: 500 - 900 per week", Salary(500, 900, "USD", "week")),
    ("$0 - $100k", Salary(100_000, 100_000, "USD", "year")),
    ("from 80k to 100k USD", Salary(80_000, 100_000, "USD", "year")),
    ("max. $90k", Salary(None, 90_000, "USD", "year")),
    ("at least £50k", Salary(50_000, None, "GBP", "year")),
    ("15-20 LPA", Salary(1_500_000, 2_000_000, "INR", "year")),
    ("1.5 crore", Salary(15_000_000, 15_000_000, "INR", "year")),
    ("$120k, 401k match", Salary(120_000, 120_000, "USD", "year")),
    ("$5,000 - $7,000 USD", Salary(5_000, 7_000, "USD", "month")),
])
def test_currency_markers_and_amounts(text, expected):
    assert parse_salary(text) == expected


@pytest.mark.parametrize("value, expected", [
    ("  eur ", "EUR"), ("EUR", "EUR"), ("krw", "KRW"), ("isk", "ISK"), ("Euro", "EUR"), ("Rs.", "INR"),
    ("R", "ZAR"), ("A$", "AUD"), ("zł", "PLN"), ("XYZ", None), ("r", None),
])
def test_normalize_currency_cases(value, expected):
    assert normalize_currency(value) == expected


def test_a_rate_applies_from_its_own_date():
    new_year = annual_usd(Salary(1000, None, "EUR", "year"), date(2025, 1, 1))
    eve = annual_usd(Salary(1000, None, "EUR", "year"), date(2024, 12, 31))
    assert new_year == (1035.0, None)
    assert eve == (1094.0, None)


def test_annual_usd_per_week_and_day_and_rounding():
    assert annual_usd(Salary(100, 200, "USD", "week"), date(2024, 6, 1)) == (100 * WEEKS_PER_YEAR,
                                                                              200 * WEEKS_PER_YEAR)
    assert annual_usd(Salary(None, 500, "USD", "day"), date(2024, 6, 1)) == (None, 500 * DAYS_PER_YEAR)
    assert annual_usd(Salary(1, 1, "INR", "year"), date(2024, 6, 1)) == (0.01, 0.01)
    assert annual_usd(Salary(1, 1, "USD", "fortnight"), date(2024, 6, 1)) == (None, None)
    assert annual_usd(Salary(1, 1, "USD", None), date(2024, 6, 1)) == (None, None)


def test_plausibility_is_inclusive_and_checks_both_bounds():
    assert is_plausible((1_000.0, None))
    assert is_plausible((None, 5_000_000.0))
    assert not is_plausible((None, 999.99))
    assert not is_plausible((5_000_000.01, None))
