"""The register's money and dates: amounts parsed exactly, shares to the penny, quarters and months."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imaging_value.core.errors import ParameterError
from imaging_value.maths.sharing import largest_remainder
from imaging_value.register.money import PPB, parse_pence, percent_of, pounds, share_pence, shares_ppb
from imaging_value.register.periods import Period, add_months, parse_period, periods_between


@pytest.mark.parametrize(
    "text, pence",
    [("0", 0), ("12", 1200), ("1234.5", 123450), ("1234.56", 123456), ("0.01", 1), (" 7.10 ", 710)],
)
def test_amounts_parse_to_exact_pence(text, pence):
    assert parse_pence(text, "amount") == pence


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-1", "at least 0"),
        ("1.234", "whole pence"),
        ("£12", "no currency sign"),
        ("1,000", "no currency sign or thousands separators"),
        ("nan", "finite"),
        ("abc", "amount in GBP"),
    ],
)
def test_bad_amounts_name_the_field_and_what_was_expected(text, expected):
    with pytest.raises(ParameterError, match="parameter 'amount'") as caught:
        parse_pence(text, "amount")
    assert expected in str(caught.value)


def test_zero_is_refused_where_the_amount_must_be_positive():
    with pytest.raises(ParameterError, match="above 0"):
        parse_pence("0", "amount", allow_zero=False)


def test_pounds_and_percent():
    assert pounds(123456789) == "1,234,567.89"
    assert pounds(-5) == "-0.05"
    assert pounds(None) == ""
    assert percent_of(3, 100_000_00) == 3_000_00
    assert percent_of("2.5", 333) == 8  # 8.325p rounds half up to 8p
    assert percent_of(1, 50) == 1  # 0.5p rounds up


@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_shares_add_up_to_the_total_and_match_the_float_largest_remainder(total, weights):
    parts = share_pence(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)
    # each part is within a penny of its exact share
    whole = sum(weights)
    assert all(abs(p * whole - total * w) < whole for p, w in zip(parts, weights))
    if total < 10**9:  # where floats are exact enough, the workbook's own (float) rounding agrees
        exact = [total * w / whole for w in weights]
        assert [round(x * 100) for x in largest_remainder(exact, total, decimals=0)] == [p * 100 for p in parts]


def test_a_negative_total_is_taken_back_by_the_same_split():
    assert share_pence(-100, [1, 1, 1]) == [-34, -33, -33]
    assert share_pence(100, [1, 1, 1]) == [34, 33, 33]  # ties to the earlier payee


def test_shares_in_parts_per_billion_sum_exactly():
    parts = shares_ppb([0.1, 0.2, 0.7000000001, 1 / 3])
    assert sum(parts) == PPB
    with pytest.raises(ParameterError):
        shares_ppb([0, 0])


def test_quarters_and_months():
    assert parse_period("2027Q1").start == date(2027, 1, 1) and parse_period("2027Q1").end == date(2027, 3, 31)
    assert parse_period("2027Q4").next() == Period(2028, 1)
    with pytest.raises(ParameterError, match="YYYYQn"):
        parse_period("2027-Q1")
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 4, 1), 120) == date(2036, 4, 1)
    quarters = periods_between(date(2026, 4, 1), date(2036, 4, 1))
    assert len(quarters) == 40 and quarters[0].label == "2026Q2" and quarters[-1].label == "2036Q1"
