r"""Word's ``\@`` date-time picture switch: ``{ MERGEFIELD Frist \@ "dddd, d. MMMM yyyy" }``."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import get_day_names, get_month_names, get_period_names

from wir_letters.documents._locales import babel_locale
from wir_letters.documents._word_errors import FieldValueError
from wir_letters.i18n import N_
from wir_letters.inputs.values import parse_date

def format_datetime(value: object, picture: str, locale: str = "de_DE") -> str:
    r"""Format ``value`` with a Word ``\@`` date-time picture, e.g. ``dddd, d. MMMM yyyy``.

    ``value`` is a date, datetime or text accepted by :func:`wir_letters.inputs.values.parse_date`.
    Items: ``d dd`` day, ``ddd dddd`` weekday name, ``M MM`` month, ``MMM MMMM`` month
    name, ``yy yyyy`` year (``d`` and ``y`` in either case), ``h hh`` 12-hour and ``H HH``
    24-hour clock, ``m mm`` minutes, ``s ss`` seconds, ``AM/PM`` and ``am/pm`` (both shown
    as the locale's upper-case marker, as Word does). Text in single quotes and all other
    characters are literal. Names come from Babel in the format context.
    """
    try:
        moment = parse_date(value)
    except ValueError as exc:
        raise FieldValueError(N_("{value!r} is not a date, so the picture {picture!r} cannot format it: {error}"),
                              value=value, picture=picture, error=str(exc)) from None
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(0))
    return "".join(_date_item(item, moment, locale) for item in _date_items(picture))


_DATE_ITEM = re.compile(r"'[^']*'?|AM/PM|am/pm|d+|D+|M+|y+|Y+|h+|H+|m+|s+|.", re.DOTALL)


def _date_items(picture: str) -> list[str]:
    """Split a date-time picture into items."""
    return _DATE_ITEM.findall(picture)


def _date_item(item: str, moment: dt.datetime, locale: str) -> str:
    """Render one date-time picture item."""
    kind, width = item[0], len(item)
    if kind == "'":
        return item[1:].removesuffix("'") if width > 1 else ""
    if item in ("AM/PM", "am/pm"):
        periods = get_period_names("abbreviated", "format", babel_locale(locale))
        return str(periods["am" if moment.hour < 12 else "pm"]).upper()
    if kind in "dD":
        return _day(moment, width, locale)
    if kind == "M":
        return _month(moment, width, locale)
    if kind in "yY":
        return f"{moment.year:04d}" if width > 2 else f"{moment.year % 100:02d}"
    numbers = {"h": moment.hour % 12 or 12, "H": moment.hour, "m": moment.minute, "s": moment.second}
    if kind in numbers:
        return f"{numbers[kind]:02d}" if width > 1 else str(numbers[kind])
    return item


def _day(moment: dt.datetime, width: int, locale: str) -> str:
    """Day of month (``d``, ``dd``) or weekday name (``ddd``, ``dddd``)."""
    if width <= 2:
        return f"{moment.day:0{width}d}"
    names = get_day_names("abbreviated" if width == 3 else "wide", "format", babel_locale(locale))
    return str(names[moment.weekday()])


def _month(moment: dt.datetime, width: int, locale: str) -> str:
    """Month number (``M``, ``MM``) or name (``MMM``, ``MMMM``)."""
    if width <= 2:
        return f"{moment.month:0{width}d}"
    names = get_month_names("abbreviated" if width == 3 else "wide", "format", babel_locale(locale))
    return str(names[moment.month])
