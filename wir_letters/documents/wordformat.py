r"""Word field switches: ``\#`` numeric pictures, ``\@`` date-time pictures, IF comparisons.

Output is locale-aware through Babel (CLDR data), never through the operating system's
locale, so a merge gives the same text on every machine.
"""

from __future__ import annotations

import datetime as dt
import operator as op
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from babel import Locale
from babel.dates import (
    format_date,
    format_time,
    get_date_format,
    get_day_names,
    get_month_names,
    get_period_names,
    get_time_format,
)
from babel.numbers import get_decimal_symbol, get_group_symbol

from wir_letters.inputs.values import parse_date, parse_number

OPERATORS = ("=", "<>", "<", ">", "<=", ">=")
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": op.eq, "<>": op.ne, "<": op.lt, ">": op.gt, "<=": op.le, ">=": op.ge,
}
DIGITS = "0#x"
SEPARATORS = ".,"
SIGNS = "+-"


@dataclass(frozen=True)
class _Token:
    """One picture item: ``digit``, ``decimal``, ``group``, ``sign`` or ``text``."""

    kind: str
    text: str


def format_number(value: object, picture: str, locale: str = "de_DE", *, pad: bool = False) -> str:
    r"""Format ``value`` with a Word ``\#`` numeric picture, e.g. ``#.##0,00 €``.

    ``value`` is an int, float, Decimal or numeric text (see
    :func:`wir_letters.inputs.values.parse_number`). Picture items:

    * ``0`` always shows a digit; ``#`` shows a digit if there is one; ``x`` drops the
      integer digits to its left (after the decimal point it acts like ``#``). Integer
      digits that do not fit go to the leftmost placeholder. With no integer
      placeholder at all (``.00``) the integer part is dropped, as Word does.
    * ``.`` and ``,``: if both occur, the last one is the decimal separator and the other
      groups thousands. A single kind groups when it occurs more than once, or when it is
      followed by exactly three placeholders and preceded by ``#``, ``0`` or a separator
      with a ``#`` further left (``#,##0``, ``#.##0``); otherwise it is the decimal
      separator (``0,00``, ``0.00``). Output always uses the locale's symbols.
    * Unfilled ``#``/``x`` after the decimal separator are dropped, and the separator
      with them when no fraction digit is left (``#,##`` with 9 gives ``9``).
    * ``-`` shows a minus for a negative result, ``+`` a plus for a positive one and a
      minus for a negative one. A section without a sign item gets a leading ``-`` for
      negative values unless it is the dedicated negative section.
    * Up to three sections ``positive;negative;zero``; the negative section shows the
      absolute value. A value that rounds to zero counts as zero. A section without any
      placeholder is plain text (``'—'`` or ``-`` for zero).
    * Text in single quotes and all other characters (``€ % $`` and spaces) are literal;
      ``%`` does not scale, so 0.5 with ``0%`` gives ``1%``.

    Rounding is half away from zero. Word's documentation says an unfilled integer ``#``
    "displays a space" (``{= 9 + 6 \# $###}`` displays ``$ 15``) and a ``-``/``+`` item
    shows a space where it has no sign. By default those spaces are left out, so
    ``#.##0,00 €`` gives ``5,00 €`` and not ``    5,00 €``; ``pad=True`` reproduces
    Word's spaces (one per unfilled ``#``, ``x`` and skipped grouping separator).
    """
    number = _picture_number(value, picture)
    sections = _split_sections(picture)
    negative = number < 0
    magnitude = abs(number)
    index = 1 if negative and len(sections) > 1 else 0
    tokens = _tokenize(sections[index])
    magnitude = _round(magnitude, _fraction_places(tokens))
    if magnitude == 0:
        negative = False
        index = 2 if len(sections) > 2 else 0
        tokens = _tokenize(sections[index])
    text = _render(tokens, magnitude, negative, pad, _Symbols.of(locale))
    needs_minus = negative and index == 0 and _has_digits(tokens) and not any(t.kind == "sign" for t in tokens)
    return "-" + text if needs_minus else text


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
        raise ValueError(f"{value!r} is not a date, so the picture {picture!r} cannot format it: {exc}") from None
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(0))
    return "".join(_date_item(item, moment, locale) for item in _date_items(picture))


def compare(left: object, operator: str, right: object) -> bool:
    """Evaluate a Word IF comparison ``left operator right``.

    Both sides numeric (numbers or numeric text) compare as numbers; otherwise both
    compare as case-sensitive text (``None`` is empty). With text, ``=`` and ``<>``
    treat ``*`` (any run) and ``?`` (one character) on the right as wildcards.
    """
    if operator not in OPERATORS:
        raise ValueError(f"unknown IF operator {operator!r}; use one of {' '.join(OPERATORS)}")
    numbers = _numbers(left, right)
    if numbers is not None:
        return _apply(numbers[0], operator, numbers[1])
    left_text, right_text = _text(left), _text(right)
    if operator in ("=", "<>"):
        matched = _wildcard(right_text).fullmatch(left_text) is not None
        return matched if operator == "=" else not matched
    return _apply(left_text, operator, right_text)


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


# --- numeric pictures ---------------------------------------------------------------


@dataclass(frozen=True)
class _Symbols:
    """The locale's decimal and grouping symbols."""

    decimal: str
    group: str

    @classmethod
    def of(cls, locale: str) -> _Symbols:
        """Look the symbols up in Babel."""
        parsed = _locale(locale)
        return cls(get_decimal_symbol(parsed), get_group_symbol(parsed))


def _picture_number(value: object, picture: str) -> Decimal:
    """Return ``value`` as a Decimal or raise a ValueError naming value and picture."""
    if not picture:
        raise ValueError(f"the numeric picture for {value!r} is empty")
    try:
        return Decimal(parse_number(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a number, so the picture {picture!r} cannot format it: {exc}") from None


def _split_sections(picture: str) -> list[str]:
    """Split at ``;`` outside quotes; at most three sections count."""
    sections, current, quoted = [], [], False
    for char in picture:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
    sections.append("".join(current))
    return sections[:3]


def _tokenize(section: str) -> list[_Token]:
    """Split a section into picture items and classify its separators."""
    tokens: list[_Token] = []
    parts = re.split(r"('[^']*'?)", section)
    for part in parts:
        if part.startswith("'"):
            tokens.append(_Token("text", part[1:].removesuffix("'")))
            continue
        for char in part:
            kind = "digit" if char in DIGITS else "sep" if char in SEPARATORS else "sign" if char in SIGNS else "text"
            tokens.append(_Token(kind, char))
    if not _has_digits(tokens):
        return [_Token("text", "".join(t.text for t in tokens))]
    return _classify_separators(tokens)


def _classify_separators(tokens: list[_Token]) -> list[_Token]:
    """Turn ``sep`` items into one ``decimal`` item and ``group`` items (see format_number)."""
    marks = [t.text for t in tokens if t.kind == "sep"]
    if not marks:
        return tokens
    if len(set(marks)) == 2:
        decimal = marks[-1]
    elif len(marks) > 1 or _looks_grouping(tokens, next(i for i, t in enumerate(tokens) if t.kind == "sep")):
        decimal = None
    else:
        decimal = marks[0]
    result, seen_decimal = [], False
    for token in tokens:
        if token.kind == "sep":
            is_decimal = token.text == decimal and not seen_decimal
            seen_decimal = seen_decimal or is_decimal
            kind = "decimal" if is_decimal else "group" if token.text != decimal else "text"
            token = _Token(kind, token.text)
        result.append(token)
    return result


def _looks_grouping(tokens: list[_Token], index: int) -> bool:
    """True if the lone separator at ``index`` groups thousands (``#,##0``)."""
    following = 0
    while index + 1 + following < len(tokens) and tokens[index + 1 + following].kind == "digit":
        following += 1
    before = tokens[index - 1] if index else None
    preceded = before is not None and (before.text in "#0" and before.kind == "digit" or before.kind == "sep")
    hash_left = any(t.kind == "digit" and t.text == "#" for t in tokens[:index])
    return following == 3 and preceded and hash_left


def _has_digits(tokens: list[_Token]) -> bool:
    """True if the tokens contain a digit placeholder."""
    return any(t.kind == "digit" for t in tokens)


def _fraction_places(tokens: list[_Token]) -> int:
    """Number of digit placeholders after the decimal separator."""
    start = next((i for i, t in enumerate(tokens) if t.kind == "decimal"), len(tokens))
    return sum(1 for t in tokens[start:] if t.kind == "digit")


def _round(magnitude: Decimal, places: int) -> Decimal:
    """Round half away from zero to ``places`` decimals."""
    with localcontext() as context:
        context.prec = max(28, len(magnitude.as_tuple().digits) + places + 2)
        return magnitude.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _render(tokens: list[_Token], magnitude: Decimal, negative: bool, pad: bool, symbols: _Symbols) -> str:
    """Fill the picture items of one section with the rounded magnitude."""
    if not _has_digits(tokens):
        return "".join(t.text for t in tokens)
    point = next((i for i, t in enumerate(tokens) if t.kind == "decimal"), len(tokens))
    integer, fraction = f"{magnitude:f}".partition(".")[::2]
    cells = _integer_cells(tokens, point, int(integer), pad, symbols)
    fraction_cells, shown = _fraction_cells(tokens, point, fraction)
    cells.update(fraction_cells)
    blank = " " if pad else ""
    out = []
    for index, token in enumerate(tokens):
        if token.kind == "digit":
            out.append(cells.get(index, ""))
        elif token.kind == "decimal":
            out.append(symbols.decimal if shown else "")
        elif token.kind == "sign":
            out.append(_sign(token.text, magnitude, negative, blank))
        elif token.kind == "text":
            out.append(token.text)
    return "".join(out)


def _integer_cells(tokens: list[_Token], point: int, integer: int, pad: bool, symbols: _Symbols) -> dict[int, str]:
    """Map each integer placeholder index to its digits (and grouping symbols)."""
    slots = [i for i, t in enumerate(tokens[:point]) if t.kind == "digit"]
    crosses = [k for k, i in enumerate(slots) if tokens[i].text == "x"]
    if crosses or not slots:
        slots = slots[crosses[-1]:] if crosses else []
        integer %= 10 ** len(slots)
    grouping = any(t.kind == "group" for t in tokens[:point])
    digits = str(integer) if integer else ""
    cells: dict[int, str] = {}
    for k, slot in enumerate(slots):
        position = len(slots) - 1 - k
        if k == 0 and len(digits) > len(slots):
            placed = [(digits[j], len(digits) - 1 - j) for j in range(len(digits) - len(slots) + 1)]
        elif position < len(digits):
            placed = [(digits[len(digits) - 1 - position], position)]
        else:
            placed = [("0" if tokens[slot].text == "0" else None, position)]
        cells[slot] = "".join(_digit_with_group(char, pos, grouping, pad, symbols) for char, pos in placed)
    return cells


def _digit_with_group(char: str | None, position: int, grouping: bool, pad: bool, symbols: _Symbols) -> str:
    """One integer digit (``None`` for an unfilled ``#``) plus the group symbol after it."""
    group = grouping and position > 0 and position % 3 == 0
    if char is None:
        return ("  " if group else " ") if pad else ""
    return char + (symbols.group if group else "")


def _fraction_cells(tokens: list[_Token], point: int, fraction: str) -> tuple[dict[int, str], bool]:
    """Map fraction placeholders to digits, dropping unfilled trailing ``#``/``x``."""
    slots = [i for i, t in enumerate(tokens) if t.kind == "digit" and i > point]
    keep = len(slots)
    while keep and tokens[slots[keep - 1]].text in "#x" and fraction[keep - 1] == "0":
        keep -= 1
    return {slot: fraction[k] if k < keep else "" for k, slot in enumerate(slots)}, keep > 0


def _sign(item: str, magnitude: Decimal, negative: bool, blank: str) -> str:
    """Render a ``-`` or ``+`` picture item."""
    if negative:
        return "-"
    return "+" if item == "+" and magnitude else blank


# --- date-time pictures -------------------------------------------------------------

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
        return get_period_names("abbreviated", "format", _locale(locale))["am" if moment.hour < 12 else "pm"].upper()
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
    names = get_day_names("abbreviated" if width == 3 else "wide", "format", _locale(locale))
    return names[moment.weekday()]


def _month(moment: dt.datetime, width: int, locale: str) -> str:
    """Month number (``M``, ``MM``) or name (``MMM``, ``MMMM``)."""
    if width <= 2:
        return f"{moment.month:0{width}d}"
    names = get_month_names("abbreviated" if width == 3 else "wide", "format", _locale(locale))
    return names[moment.month]


# --- comparisons and display --------------------------------------------------------


def _numbers(left: object, right: object) -> tuple[Decimal, Decimal] | None:
    """Both sides as numbers, or ``None`` if either is not numeric."""
    try:
        return Decimal(parse_number(left)), Decimal(parse_number(right))
    except ValueError:
        return None


def _apply(left: Decimal | str, operator: str, right: Decimal | str) -> bool:
    """Apply a comparison operator to two values of the same kind."""
    return bool(_COMPARISONS[operator](left, right))


def _text(value: object) -> str:
    """Text form of an IF operand; ``None`` is empty."""
    return "" if value is None else str(value)


def _wildcard(pattern: str) -> re.Pattern[str]:
    """Compile Word's ``*`` and ``?`` wildcards; everything else is literal."""
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.DOTALL)


def _locale(locale: str) -> Locale:
    """Parse ``de_DE`` or ``de-DE``."""
    return Locale.parse(locale.replace("-", "_"))


def _yes_no(value: bool, locale: str) -> str:
    """ja/nein for German locales, yes/no otherwise."""
    if _locale(locale).language == "de":
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
    return text.replace(".", get_decimal_symbol(_locale(locale)))


def _short_date(value: dt.date, locale: str) -> str:
    """The locale's numeric short date with a four-digit year (``16.01.2017``)."""
    pattern = re.sub(r"y+", "yyyy", get_date_format("short", locale=_locale(locale)).pattern)
    return format_date(value, pattern, locale=_locale(locale))


def _short_time(value: dt.datetime, locale: str) -> str:
    """The locale's short time of day (``14:30`` for de_DE)."""
    return format_time(value, get_time_format("short", locale=_locale(locale)).pattern, locale=_locale(locale))
