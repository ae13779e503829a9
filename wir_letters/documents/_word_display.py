"""How a typed value prints in a merge field or a ``{{ }}`` tag without a picture switch."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from babel.dates import format_date, format_time, get_date_format, get_time_format
from babel.numbers import get_decimal_symbol

from wir_letters.documents._locales import babel_locale

def display(value: object, locale: str = "de_DE") -> str:
    """Return how a typed value prints in a merge field without a picture switch.

    ``None`` is empty, bools are ja/nein (German locales) or yes/no, ints have no
    grouping, decimals use the locale's decimal symbol without grouping, padding or
    exponent, dates use the locale's numeric short date with a four-digit year,
    datetimes add the short time, and lists and dict values are joined by ``", "``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value, locale)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _plain_decimal(value, locale)
    if isinstance(value, dt.datetime):
        return f"{_short_date(value, locale)} {_short_time(value, locale)}"
    if isinstance(value, dt.date):
        return _short_date(value, locale)
    if isinstance(value, list | tuple):
        return ", ".join(display(item, locale) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(display(item, locale) for item in value.values())
    return str(value)


def _yes_no(value: bool, locale: str) -> str:
    """ja/nein for German locales, yes/no otherwise."""
    if babel_locale(locale).language == "de":
        return "ja" if value else "nein"
    return "yes" if value else "no"


def _plain_decimal(value: float | Decimal, locale: str) -> str:
    """Decimal text without grouping, padding or exponent."""
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return str(value)
    if number == 0:
        return "0"
    text = f"{number.normalize():f}"
    return text.replace(".", get_decimal_symbol(babel_locale(locale)))


def _short_date(value: dt.date, locale: str) -> str:
    """The locale's numeric short date with a four-digit year (``16.01.2017``)."""
    parsed = babel_locale(locale)
    pattern = re.sub(r"y+", "yyyy", get_date_format("short", locale=parsed).pattern)
    return format_date(value, pattern, locale=parsed)


def _short_time(value: dt.datetime, locale: str) -> str:
    """The locale's short time of day (``14:30`` for de_DE)."""
    parsed = babel_locale(locale)
    return format_time(value, get_time_format("short", locale=parsed).pattern, locale=parsed)
