r"""Word field switches: \# numeric pictures, \@ date-time pictures, IF comparisons, plain display."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import get_day_names, get_month_names

from wir_letters.documents._word_dates import format_datetime
from wir_letters.documents._word_display import display
from wir_letters.documents._word_if import compare
from wir_letters.documents._word_numbers import format_number

MONDAY = dt.date(2017, 1, 16)


def test_required_number_examples() -> None:
    """the agreed examples come out exactly, whichever separator convention the picture uses."""
    assert format_number(23423, "#.##0,00") == "23.423,00"
    assert format_number(23423, "#,##0.00") == "23.423,00"
    assert format_number(23423, "#,##0.00", "en_US") == "23,423.00"
    assert format_number(Decimal("1234.565"), "0,00") == "1234,57"
    assert format_number(-5, "#.##0,00 €;-#.##0,00 €") == "-5,00 €"
    assert format_number(0, "0,00;-0,00;'—'") == "—"
    assert format_number("1.234,5", "0") == "1235"


def test_percent_is_literal() -> None:
    """% does not scale the value (Word has no percent scaling), so 0.5 rounds to 1 and shows 1%."""
    assert format_number(0.5, "0%") == "1%"
    assert format_number(33, "##%") == "33%"
    assert format_number(Decimal("12.5"), "0,0 %") == "12,5 %"


@pytest.mark.parametrize(("picture", "locale", "expected"), [
    ("#.##0,00", "en_US", "23,423.00"),     # a German picture, English output symbols
    ("#,##0", "de_DE", "23.423"),           # lone comma before three placeholders groups
    ("#.##0", "de_DE", "23.423"),           # lone dot before three placeholders groups
    ("#,###", "en_US", "23,423"),
    ("0,000", "de_DE", "23423,000"),        # no # to the left: decimal comma
    ("#,##", "de_DE", "23423"),             # two placeholders after it: decimal comma, nothing to show
    ("0.00", "de_DE", "23423,00"),          # lone dot before two placeholders: decimal point
    ("#.###.##0", "de_DE", "23.423"),       # repeated separator: grouping
    ("#,##0.00", "de_CH", "23'423.00"),     # Babel's Swiss symbols
])
def test_separator_roles_and_locale_symbols(picture: str, locale: str, expected: str) -> None:
    """the picture's . and , are read by position and rendered with the locale's symbols from Babel."""
    assert format_number(23423, picture, locale) == expected


def test_grouping_spans_all_digits() -> None:
    """grouping applies every three digits however many separators the picture shows."""
    assert format_number(1234567.891, "#.##0,00") == "1.234.567,89"
    assert format_number(1234567, "#,##0", "en_US") == "1,234,567"
    assert format_number(999, "#.##0") == "999"
    assert format_number(0, "#.##0,00") == "0,00"


@pytest.mark.parametrize(("value", "picture", "expected"), [
    (Decimal("2.5"), "0", "3"),
    (Decimal("-2.5"), "0", "-3"),
    (Decimal("0.125"), "0,00", "0,13"),
    (Decimal("1.005"), "0,00", "1,01"),
    (1.005, "0,00", "1,01"),                # float goes through its shortest repr, not binary 1.00499…
    (Decimal("-0.004"), "0,00", "0,00"),    # rounds to zero: no minus sign
    (Decimal("99.995"), "#.##0,00", "100,00"),
])
def test_rounding_half_away_from_zero(value: object, picture: str, expected: str) -> None:
    """rounding is half away from zero, as Word does, and a result of zero has no minus sign."""
    assert format_number(value, picture) == expected


@pytest.mark.parametrize(("value", "picture", "expected"), [
    (9, "00,00", "09,00"),
    (Decimal("9.006"), "00,00", "09,01"),
    (9, "##,##", "9"),
    (Decimal("9.006"), "##,##", "9,01"),
    (Decimal("9.5"), "0,0#", "9,5"),
    (Decimal("123.456"), "0000,####", "0123,456"),
    (Decimal("123.456"), "#,0000", "123,4560"),
    (Decimal("0.5"), "#,##", ",5"),
    (Decimal("0.5"), "0,##", "0,5"),
])
def test_zero_and_hash_placeholders(value: object, picture: str, expected: str) -> None:
    """0 always shows a digit while an unfilled # after the decimal separator is dropped with trailing zeros."""
    assert format_number(value, picture) == expected


def test_hash_padding_is_off_by_default() -> None:
    """unfilled integer # give no space unless pad=True asks for Word's documented spaces."""
    assert format_number(15, "$###") == "$15"
    assert format_number(5, "#.##0,00 €") == "5,00 €"
    assert format_number(10, "-##") == "10"
    assert format_number(0, "+##") == ""


def test_hash_padding_like_word_documentation() -> None:
    r"""pad=True reproduces Word's documented spaces: {= 9 + 6 \# $###} displays "$ 15"."""
    assert format_number(15, "$###", "en_US", pad=True) == "$ 15"
    assert format_number(Decimal("95.4"), "$###.00", "en_US", pad=True) == "$ 95.40"
    assert format_number(5, "#.##0,00 €", pad=True) == "    5,00 €"  # # . # # → four spaces
    assert format_number(2456800, "$#,###,###", "en_US", pad=True) == "$2,456,800"
    assert format_number(10, "-##", pad=True) == " 10"
    assert format_number(0, "+#0", pad=True) == "  0"  # no sign for zero, unfilled #


def test_x_drops_digits() -> None:
    """x drops the integer digits to its left and, after the decimal separator, rounds at its place."""
    assert format_number(111053 + 111439, "x##", "en_US") == "492"
    assert format_number(Decimal("0.125"), "0.00x", "en_US") == "0.125"
    assert format_number(Decimal("0.75"), ".x", "en_US") == ".8"
    assert format_number(Decimal("0.125678"), "0.00xx", "en_US") == "0.1257"


def test_no_integer_placeholder_drops_the_integer_part() -> None:
    r"""a picture without integer placeholders shows only the fraction, as Word does ({=95.4 \# .00} gives .40)."""
    assert format_number(Decimal("95.4"), ".00", "en_US") == ".40"


def test_sign_items() -> None:
    """- shows a minus only for negatives, + shows plus or minus, and a sign item replaces the automatic minus."""
    assert format_number(-10, "-##") == "-10"
    assert format_number(10, "+##") == "+10"
    assert format_number(-10, "+##") == "-10"
    assert format_number(-10, "##") == "-10"
    assert format_number(-5, "$#,##0.00", "en_US") == "-$5.00"
    assert format_number(-5, "#.##0,00 €") == "-5,00 €"


def test_sections() -> None:
    """positive, negative and zero sections are chosen by the value, and the negative one shows the magnitude."""
    picture = "#,##0.00;(#,##0.00);'nil'"
    assert format_number(1234.5, picture, "en_US") == "1,234.50"
    assert format_number(-1234.5, picture, "en_US") == "(1,234.50)"
    assert format_number(0, picture, "en_US") == "nil"
    assert format_number(Decimal("0.001"), picture, "en_US") == "nil"  # rounds to zero
    assert format_number(0, "0,00;-0,00") == "0,00"                      # no zero section: positive one
    assert format_number(0, "#.##0,00;-#.##0,00;-") == "-"              # a text-only section is literal
    assert format_number(-3, "0;'minus' 0") == "minus 3"


def test_literal_text() -> None:
    """quoted text and other characters are copied, and quoted placeholders are not filled."""
    assert format_number(Decimal("3.89"), "$##0.00 'is the ##.00 goodness'", "en_US") == "$3.89 is the ##.00 goodness"
    assert format_number(5551234567, "(000) 000'-'0000") == "(555) 123-4567"
    assert format_number(12, "'Nr. '000") == "Nr. 012"
    assert format_number(7, "0' Stück; netto'") == "7 Stück; netto"  # ; inside quotes does not split
    assert format_number(12345, "0' '000") == "12 345"  # literals between placeholders stay in place


def test_number_inputs() -> None:
    """ints, floats, Decimals and numeric text in either notation are accepted."""
    assert format_number(12, "0,00") == "12,00"
    assert format_number(12.25, "0,0") == "12,3"
    assert format_number(Decimal("12.25"), "0,0") == "12,3"
    assert format_number("1,234.5", "#.##0,00") == "1.234,50"
    assert format_number("-1.234,5 €", "#.##0,00") == "-1.234,50"


@pytest.mark.parametrize("value", ["abc", None, "", True, [1], "12 Stück"])
def test_non_numbers_are_refused(value: object) -> None:
    """a value that is not a number raises ValueError naming the value and the picture."""
    with pytest.raises(ValueError, match=r"is not a number, so the picture '#\.##0,00' cannot format it"):
        format_number(value, "#.##0,00")


def test_non_number_message_names_value() -> None:
    """the message starts with the offending value."""
    with pytest.raises(ValueError, match=r"^'abc' is not a number"):
        format_number("abc", "0")


def test_empty_picture_is_refused() -> None:
    """an empty picture raises instead of silently printing the raw value."""
    with pytest.raises(ValueError, match="numeric picture for 5 is empty"):
        format_number(5, "")


def test_required_date_examples() -> None:
    """German names and numbers come from Babel exactly as agreed."""
    assert format_datetime(MONDAY, "dddd, d. MMMM yyyy") == "Montag, 16. Januar 2017"
    assert format_datetime(MONDAY, "dd.MM.yyyy") == "16.01.2017"
    assert format_datetime(MONDAY, "d. MMM yy") == "16. Jan. 17"


def test_date_names_come_from_babel() -> None:
    """abbreviated and full month and weekday names are Babel's format-context names for the locale."""
    march_first = dt.date(2017, 3, 1)  # a Wednesday
    assert format_datetime(march_first, "ddd, d. MMM") == f"{get_day_names('abbreviated', 'format', 'de_DE')[2]}, 1. März"
    assert format_datetime(march_first, "ddd, d. MMM") == "Mi., 1. März"
    assert format_datetime(march_first, "dddd, MMMM d, yyyy", "en_US") == "Wednesday, March 1, 2017"
    assert format_datetime(march_first, "ddd MMM", "en_US") == "Wed Mar"
    assert format_datetime(march_first, "MMMM", "de_DE") == get_month_names("wide", "format", "de_DE")[3]


def test_numeric_date_items() -> None:
    """d, dd, M, MM, yy and yyyy give numbers with and without leading zeros, d and y in either case."""
    day = dt.date(2009, 2, 3)
    assert format_datetime(day, "d.M.yy") == "3.2.09"
    assert format_datetime(day, "dd.MM.yyyy") == "03.02.2009"
    assert format_datetime(day, "DD.MM.YYYY") == "03.02.2009"
    assert format_datetime(day, "yyyy-MM-dd") == "2009-02-03"


def test_time_items() -> None:
    """h/hh are the 12-hour clock, H/HH the 24-hour clock, m/mm minutes, s/ss seconds, AM/PM the marker."""
    afternoon = dt.datetime(2017, 1, 16, 14, 5, 9)
    assert format_datetime(afternoon, "HH:mm:ss") == "14:05:09"
    assert format_datetime(afternoon, "H:m:s") == "14:5:9"
    assert format_datetime(afternoon, "h:mm AM/PM", "en_US") == "2:05 PM"
    assert format_datetime(afternoon, "hh:mm am/pm", "en_US") == "02:05 PM"  # Word shows both in upper case
    assert format_datetime(dt.datetime(2017, 1, 16, 0, 30), "h:mm AM/PM", "en_US") == "12:30 AM"
    assert format_datetime(MONDAY, "HH:mm") == "00:00"  # a date has midnight as its time
    assert format_datetime(afternoon, "dd.MM.yyyy 'um' HH:mm 'Uhr'") == "16.01.2017 um 14:05 Uhr"


def test_quoted_text_is_literal() -> None:
    """letters inside single quotes are not date items."""
    assert format_datetime(MONDAY, "'Stand:' d. MMMM") == "Stand: 16. Januar"
    assert format_datetime(MONDAY, "'dd MM yy'") == "dd MM yy"


def test_date_inputs() -> None:
    """dates, datetimes and date text in German or ISO form are accepted."""
    assert format_datetime("16.01.2017", "d. MMMM yyyy") == "16. Januar 2017"
    assert format_datetime("2017-01-16", "dd.MM.yyyy") == "16.01.2017"
    assert format_datetime("2017-01-16T08:15", "HH:mm") == "08:15"
    assert format_datetime(dt.datetime(2017, 1, 16, 8, 15), "dd.MM. HH:mm") == "16.01. 08:15"


@pytest.mark.parametrize("value", ["16.01.17", "morgen", None, 42])
def test_non_dates_are_refused(value: object) -> None:
    """a value that is not a date raises ValueError naming the value and the picture."""
    with pytest.raises(ValueError, match=r"is not a date, so the picture 'dd\.MM\.yyyy' cannot format it"):
        format_datetime(value, "dd.MM.yyyy")


@pytest.mark.parametrize(("left", "operator", "right", "expected"), [
    (5, "=", "5", True),
    ("1.234,5", "=", Decimal("1234.5"), True),
    ("10", ">", "9", True),                   # numerically, not as text
    ("10", "<", "9", False),
    (Decimal("2.50"), "=", 2.5, True),
    ("3", "<>", "3,0", False),
    (-1, "<=", 0, True),
    (7, ">=", "7", True),
])
def test_numeric_comparison(left: object, operator: str, right: object, expected: bool) -> None:
    """two numbers or numeric texts compare as numbers."""
    assert compare(left, operator, right) is expected


@pytest.mark.parametrize(("left", "operator", "right", "expected"), [
    ("Fulda", "=", "Fulda", True),
    ("Fulda", "=", "fulda", False),           # case-sensitive as in Word
    ("Fulda", "<>", "Kassel", True),
    ("Landkreis Fulda", "=", "Landkreis*", True),
    ("Landkreis Fulda", "=", "*Fulda", True),
    ("Fulda", "=", "Fuld?", True),
    ("Fulda", "=", "F?d*", False),
    ("Fulda", "<>", "K*", True),
    ("[A]", "=", "[A]", True),               # brackets are literal, not a character class
    ("A", "=", "[A]", False),
    ("a.b", "=", "a?b", True),
    ("axb", "=", "a.b", False),
    (None, "=", "", True),
    (None, "=", "*", True),
    ("Abc", "<", "abc", True),                # text order is case-sensitive
    ("b", ">", "a", True),
    ("10", ">", "9 Stück", False),            # one side is text: compare as text
    ("ja", "=", "ja", True),
])
def test_text_comparison(left: object, operator: str, right: object, expected: bool) -> None:
    """text compares case-sensitively, with * and ? wildcards on the right of = and <>."""
    assert compare(left, operator, right) is expected


def test_wildcards_only_for_equality() -> None:
    """ordering operators compare the right side literally, without wildcards."""
    assert compare("b", "<", "b*") is True
    assert compare("Fulda", ">", "F*") is True


@pytest.mark.parametrize("operator", ["==", "!=", "=<", "", "LIKE"])
def test_unknown_operator(operator: str) -> None:
    """an operator Word does not know is refused."""
    with pytest.raises(ValueError, match="unknown IF operator"):
        compare(1, operator, 1)


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (None, "de_DE", ""),
    (True, "de_DE", "ja"),
    (False, "de_DE", "nein"),
    (True, "de_AT", "ja"),
    (True, "en_US", "yes"),
    (False, "en_GB", "no"),
    (1234567, "de_DE", "1234567"),
    (-3, "de_DE", "-3"),
    (Decimal("1234.50"), "de_DE", "1234,5"),
    (Decimal("1234.50"), "en_US", "1234.5"),
    (0.1, "de_DE", "0,1"),
    (1e-7, "de_DE", "0,0000001"),
    (Decimal("1E+3"), "de_DE", "1000"),
    (Decimal("2.000"), "de_DE", "2"),
    (-0.0, "de_DE", "0"),
    (MONDAY, "de_DE", "16.01.2017"),
    (MONDAY, "en_US", "1/16/2017"),
    (dt.datetime(2017, 1, 16, 14, 30), "de_DE", "16.01.2017 14:30"),
    ("Fulda", "de_DE", "Fulda"),
    (" text ", "de_DE", " text "),
    ([1, Decimal("2.5"), True, None], "de_DE", "1, 2,5, ja, "),
    (("a", MONDAY), "de_DE", "a, 16.01.2017"),
    ({"x": 1, "y": dt.date(2017, 2, 3)}, "de_DE", "1, 03.02.2017"),
])
def test_display(value: object, locale: str, expected: str) -> None:
    """a typed value without a switch prints as agreed for its type and locale."""
    assert display(value, locale) == expected


def test_display_default_locale_is_german() -> None:
    """without a locale, display uses de_DE."""
    assert display(Decimal("0.5")) == "0,5"
    assert display(False) == "nein"
