from datetime import date

import pytest

from job_analytics.silver.salary import (
    HOURS_PER_YEAR,
    MONTHS_PER_YEAR,
    Salary,
    annual_usd,
    from_fields,
    is_plausible,
    normalize_currency,
    parse_salary,
)


@pytest.mark.parametrize("text, expected", [
    # the brief's examples
    ("$120k - $150k", Salary(120_000, 150_000, "USD", "year")),
    ("80-100K USD", Salary(80_000, 100_000, "USD", "year")),
    ("£45,000 per annum", Salary(45_000, 45_000, "GBP", "year")),
    ("€55.000 – €70.000", Salary(55_000, 70_000, "EUR", "year")),
    ("$45/hr", Salary(45, 45, "USD", "hour")),
    ("₹18 LPA", Salary(1_800_000, 1_800_000, "INR", "year")),
    ("USD 90,000", Salary(90_000, 90_000, "USD", "year")),
    ("100000-120000 EUR/year", Salary(100_000, 120_000, "EUR", "year")),
    # ranges and separators
    ("$120,000 - $150,000 a year", Salary(120_000, 150_000, "USD", "year")),
    ("Between $90,000 and $110,000 annually", Salary(90_000, 110_000, "USD", "year")),
    ("US$ 100,000 – 130,000 per year", Salary(100_000, 130_000, "USD", "year")),
    ("$100,000.00 - $120,000.00", Salary(100_000, 120_000, "USD", "year")),
    ("£40k-£50k + benefits", Salary(40_000, 50_000, "GBP", "year")),
    ("45-55k GBP", Salary(45_000, 55_000, "GBP", "year")),
    ("CA$90k-110k", Salary(90_000, 110_000, "CAD", "year")),
    ("A$140,000 - A$160,000 + super", Salary(140_000, 160_000, "AUD", "year")),
    ("CHF 120'000 - 140'000", Salary(120_000, 140_000, "CHF", "year")),
    ("40.000 € - 50.000 € brutto pro Jahr", Salary(40_000, 50_000, "EUR", "year")),
    ("60.000 bis 75.000 EUR jährlich", Salary(60_000, 75_000, "EUR", "year")),
    ("¥6,000,000 - ¥8,000,000", Salary(6_000_000, 8_000_000, "JPY", "year")),
    ("600万円", Salary(6_000_000, 6_000_000, "JPY", "year")),
    ("$150,000 - $120,000", Salary(120_000, 150_000, "USD", "year")),  # inverted: swapped
    ("$1.2M", Salary(1_200_000, 1_200_000, "USD", "year")),
    ("55.5k EUR", Salary(55_500, 55_500, "EUR", "year")),
    # Indian amounts
    ("12-18 Lakhs", Salary(1_200_000, 1_800_000, "INR", "year")),
    ("₹ 10,00,000 - 15,00,000", Salary(1_000_000, 1_500_000, "INR", "year")),
    ("INR 25 LPA", Salary(2_500_000, 2_500_000, "INR", "year")),
    ("Rs. 1.2 Cr CTC", Salary(12_000_000, 12_000_000, "INR", "year")),
    # other periods
    ("$50 - $60 per hour", Salary(50, 60, "USD", "hour")),
    ("$20 - $25 an hour", Salary(20, 25, "USD", "hour")),
    ("Hourly rate: $45", Salary(45, 45, "USD", "hour")),
    ("€500 - €650 per day", Salary(500, 650, "EUR", "day")),
    ("£350-£450 p/d", Salary(350, 450, "GBP", "day")),
    ("$2,000 a week", Salary(2_000, 2_000, "USD", "week")),
    ("$8,000/month", Salary(8_000, 8_000, "USD", "month")),
    ("12,5k€ monthly", Salary(12_500, 12_500, "EUR", "month")),
    ("45 000 - 55 000 SEK/mån", Salary(45_000, 55_000, "SEK", "month")),
    ("zł 15 000 - 20 000 netto / mies.", Salary(15_000, 20_000, "PLN", "month")),
    ("R$ 8.000 - R$ 12.000 /mês", Salary(8_000, 12_000, "BRL", "month")),
    ("R45 000 per month", Salary(45_000, 45_000, "ZAR", "month")),
    ("4 500 – 6 000 PLN brutto", Salary(4_500, 6_000, "PLN", "month")),  # no period: inferred from size
    # open-ended
    ("Up to $150k", Salary(None, 150_000, "USD", "year")),
    ("$100k+", Salary(100_000, None, "USD", "year")),
    ("From €60k", Salary(60_000, None, "EUR", "year")),
    ("Starting at $25/hr", Salary(25, None, "USD", "hour")),
    ("Gehalt ab 50.000 € brutto", Salary(50_000, None, "EUR", "year")),
    # numbers that are not the salary
    ("$150k base + 401(k)", Salary(150_000, 150_000, "USD", "year")),
    ("$45/hr, 5+ years of experience", Salary(45, 45, "USD", "hour")),
    ("5-7 years experience, $45 per hour", Salary(45, 45, "USD", "hour")),
    ("10% bonus, $100k", Salary(100_000, 100_000, "USD", "year")),
    ("2-3 days/week in office, €70k", Salary(70_000, 70_000, "EUR", "year")),
    # no currency: amounts kept, currency unknown
    ("Salary: 50-60k", Salary(50_000, 60_000, None, "year")),
    # no salary at all
    ("Competitive", None),
    ("", None),
    ("   ", None),
    (None, None),
    ("DOE", None),
    ("Negotiable, depending on experience", None),
    ("Market rate", None),
])
def test_parse_salary(text, expected):
    assert parse_salary(text) == expected


@pytest.mark.parametrize("fields, expected", [
    ((120000, 150000, "USD", "YEAR"), Salary(120_000, 150_000, "USD", "year")),
    ((50, 70, "usd", "HOUR"), Salary(50, 70, "USD", "hour")),
    ((5000, None, "EUR", "monthly"), Salary(5_000, None, "EUR", "month")),
    ((None, 90000, "$", "per-year-salary"), Salary(None, 90_000, "USD", "year")),
    ((150000, 120000, "GBP", "annual"), Salary(120_000, 150_000, "GBP", "year")),
    (("80,000", "95,000", "CAD", "yearly"), Salary(80_000, 95_000, "CAD", "year")),
    ((90000, 110000, None, None), Salary(90_000, 110_000, None, "year")),  # period inferred
    ((0, 0, "USD", "YEAR"), None),
    ((None, None, "USD", "YEAR"), None),
    (("n/a", None, "USD", "YEAR"), None),
    ((float("nan"), None, "USD", "YEAR"), None),
])
def test_from_fields(fields, expected):
    assert from_fields(*fields) == expected


@pytest.mark.parametrize("value, expected", [
    ("usd", "USD"), ("€", "EUR"), ("£", "GBP"), ("KRW", "KRW"), ("C$", "CAD"), ("dollars", "USD"),
    ("", None), (None, None), ("bananas", None),
])
def test_normalize_currency(value, expected):
    assert normalize_currency(value) == expected


def test_annual_usd_uses_the_period_constants_and_the_rate_of_the_day():
    assert annual_usd(Salary(50, 60, "USD", "hour"), date(2024, 6, 1)) == (50 * HOURS_PER_YEAR, 60 * HOURS_PER_YEAR)
    assert annual_usd(Salary(1000, None, "USD", "month"), date(2024, 6, 1)) == (1000 * MONTHS_PER_YEAR, None)
    eur_2024 = annual_usd(Salary(100_000, 100_000, "EUR", "year"), date(2024, 6, 1))
    eur_2025 = annual_usd(Salary(100_000, 100_000, "EUR", "year"), date(2025, 6, 1))
    assert eur_2024 == (109_400.0, 109_400.0)
    assert eur_2025 == (103_500.0, 103_500.0)


def test_annual_usd_before_the_table_starts_uses_its_first_rate():
    assert annual_usd(Salary(1, 1, "EUR", "year"), date(2019, 1, 1)) == annual_usd(
        Salary(1, 1, "EUR", "year"), date(2024, 1, 1))


@pytest.mark.parametrize("salary", [
    None,
    Salary(100, 200, None, "year"),  # currency unknown
    Salary(100, 200, "KRW", "year"),  # no rate in the table
])
def test_annual_usd_unknown(salary):
    assert annual_usd(salary, date(2024, 6, 1)) == (None, None)


@pytest.mark.parametrize("code", [
    "USD", "EUR", "GBP", "CAD", "AUD", "INR", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "BRL", "MXN", "SGD", "NZD",
    "ZAR", "CZK", "HUF",
])
def test_fx_table_covers_the_main_currencies(code):
    low, _ = annual_usd(Salary(1000, None, code, "year"), date(2024, 6, 1))
    assert low is not None and low > 0


@pytest.mark.parametrize("annual, plausible", [
    ((1_000.0, 5_000_000.0), True),
    ((None, 80_000.0), True),
    ((None, None), True),
    ((999.0, 2_000.0), False),
    ((90_000.0, 5_000_001.0), False),
])
def test_plausibility_bounds(annual, plausible):
    assert is_plausible(annual) is plausible
