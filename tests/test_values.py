"""Typed cell values: booleans, numbers and dates parsed from recipient-list text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from wir_letters.inputs.values import TYPE_PARSERS, parse_boolean, parse_date, parse_number, parse_text


@pytest.mark.parametrize("value", [True, 1, 1.0, Decimal("1"), "ja", "JA", " Wahr ", "true", "Yes", "x", "X", "1"])
def test_true_words(value: object) -> None:
    """every accepted spelling of yes, in any case and with spaces around it, is True."""
    assert parse_boolean(value) is True


@pytest.mark.parametrize("value", [False, 0, 0.0, Decimal("0"), "nein", "Falsch", "FALSE", "no", "0", "", "  ", None])
def test_false_words_and_empty(value: object) -> None:
    """every accepted spelling of no, the empty cell and None are False."""
    assert parse_boolean(value) is False


@pytest.mark.parametrize("value", ["vielleicht", "2", 2, 0.5, "j", [], "1.0"])
def test_boolean_refuses_other_values(value: object) -> None:
    """anything else is refused with a message listing the accepted words."""
    with pytest.raises(ValueError, match="not a yes/no value; write one of ja, nein, wahr, falsch, true, false"):
        parse_boolean(value)


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56", Decimal("1234.56")),
    ("1234.56", Decimal("1234.56")),
    ("1,234.56", Decimal("1234.56")),
    ("1234,56", Decimal("1234.56")),
    ("1.234", 1234),
    ("1.234.567", 1234567),
    ("1,234,567", 1234567),
    ("1.234.567,5", Decimal("1234567.5")),
    ("0.125", Decimal("0.125")),
    ("12.5", Decimal("12.5")),
    ("1,5", Decimal("1.5")),
    (",5", Decimal("0.5")),
    ("-12", -12),
    ("+3", 3),
    ("\u221212", -12),
    ("1.234,56 €", Decimal("1234.56")),
    ("€ 1.234,56", Decimal("1234.56")),
    ("EUR 12", 12),
    ("12 eur", 12),
    ("-1.234,00 €", -1234),
    ("€ -5", -5),
    ("1\u00a0234\u00a0567,89", Decimal("1234567.89")),
    ("1 234,5", Decimal("1234.5")),
    ("1'234.50", Decimal("1234.5")),
    ("1\u202f000", 1000),
    (" 42 ", 42),
    ("1.234,00", 1234),
])
def test_number_text(text: str, expected: int | Decimal) -> None:
    """German and English notation, signs, currency marks and space/apostrophe grouping parse exactly."""
    result = parse_number(text)
    assert result == expected
    assert type(result) is type(expected)


def test_integral_results_become_int() -> None:
    """integral values come back as int and fractional ones as Decimal, whatever the input type."""
    assert parse_number(7) == 7 and type(parse_number(7)) is int
    assert parse_number(2.0) == 2 and type(parse_number(2.0)) is int
    assert parse_number(0.1) == Decimal("0.1") and type(parse_number(0.1)) is Decimal
    assert parse_number(Decimal("5.00")) == 5 and type(parse_number(Decimal("5.00"))) is int
    assert parse_number(Decimal("5.50")) == Decimal("5.5")


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_number_is_left_to_the_caller(value: object) -> None:
    """an empty cell raises ValueError("empty") so the caller decides what empty means."""
    with pytest.raises(ValueError, match="^empty$"):
        parse_number(value)


def test_number_refuses_bools() -> None:
    """a yes/no value is not silently read as 1 or 0."""
    with pytest.raises(ValueError, match="yes/no value, not a number"):
        parse_number(True)


@pytest.mark.parametrize("value", ["abc", "12 Euro", "1,2,3", "1.23.4", "12.", "1e5", "12-", "€", "1..2",
                                   "1.234.56", "12,34.5", float("nan"), float("inf"), Decimal("NaN"), [1]])
def test_number_refuses_other_text(value: object) -> None:
    """anything that is not a number is refused with an example of how to write one."""
    with pytest.raises(ValueError, match="is not a number; write it like 1.234,56 or 1234.56"):
        parse_number(value)


def test_number_message_quotes_the_value() -> None:
    """the message names the offending cell value."""
    with pytest.raises(ValueError, match=r"^'abc' is not a number; write it like 1\.234,56 or 1234\.56$"):
        parse_number("abc")


@pytest.mark.parametrize(("value", "expected"), [
    ("31.12.2017", dt.date(2017, 12, 31)),
    ("1.2.2017", dt.date(2017, 2, 1)),
    (" 01.02.2017 ", dt.date(2017, 2, 1)),
    ("2017-12-31", dt.date(2017, 12, 31)),
    ("2017-12-31T00:00:00", dt.date(2017, 12, 31)),
    ("2017-12-31 14:30", dt.datetime(2017, 12, 31, 14, 30)),
    ("2017-12-31T14:30:15", dt.datetime(2017, 12, 31, 14, 30, 15)),
    (dt.date(2017, 1, 16), dt.date(2017, 1, 16)),
    (dt.datetime(2017, 1, 16), dt.date(2017, 1, 16)),
    (dt.datetime(2017, 1, 16, 9, 5), dt.datetime(2017, 1, 16, 9, 5)),
])
def test_dates(value: object, expected: dt.date) -> None:
    """German and ISO dates parse, and a midnight datetime becomes a plain date."""
    result = parse_date(value)
    assert result == expected
    assert type(result) is type(expected)


def test_timezone_aware_datetime_is_kept() -> None:
    """an ISO date-time with an offset keeps its time and zone even at midnight."""
    result = parse_date("2017-12-31T00:00:00+01:00")
    assert isinstance(result, dt.datetime)
    assert result.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize("value", ["31.12.17", "12/31/2017", "20171231", "morgen", "", None, 20171231, "2017-12-31T"])
def test_dates_refuse_other_forms(value: object) -> None:
    """two-digit years and other forms are refused with a message naming the accepted forms."""
    with pytest.raises(ValueError, match="is not a date; write it like 31.12.2017, 1.2.2017, 2017-12-31"):
        parse_date(value)


@pytest.mark.parametrize("value", ["31.02.2017", "2017-13-01", "0.1.2017"])
def test_impossible_dates(value: str) -> None:
    """a well-formed but impossible date is refused as invalid."""
    with pytest.raises(ValueError, match="is not a valid date"):
        parse_date(value)


def test_type_parsers() -> None:
    """each column type declared in campaign.yaml maps to its parser, and text turns None into ''."""
    assert set(TYPE_PARSERS) == {"boolean", "number", "date", "text"}
    assert TYPE_PARSERS["boolean"]("ja") is True
    assert TYPE_PARSERS["number"]("1.234,5") == Decimal("1234.5")
    assert TYPE_PARSERS["date"]("16.01.2017") == dt.date(2017, 1, 16)
    assert TYPE_PARSERS["text"] is parse_text
    assert parse_text(None) == ""
    assert parse_text(12) == "12"
    assert parse_text(" a ") == " a "
