r"""Word's ``\#`` numeric picture switch: ``{ MERGEFIELD Betrag \# "#.##0,00 €" }``.

Output is locale-aware through Babel (CLDR data), never through the operating system's
locale, so a merge gives the same text on every machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import get_decimal_symbol, get_group_symbol

from wir_letters.documents._locales import babel_locale
from wir_letters.documents._word_errors import FieldValueError
from wir_letters.i18n import N_
from wir_letters.inputs.values import parse_number

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


@dataclass(frozen=True)
class _Symbols:
    """The locale's decimal and grouping symbols."""

    decimal: str
    group: str

    @classmethod
    def of(cls, locale: str) -> _Symbols:
        """Look the symbols up in Babel."""
        parsed = babel_locale(locale)
        return cls(get_decimal_symbol(parsed), get_group_symbol(parsed))


def _picture_number(value: object, picture: str) -> Decimal:
    """Return ``value`` as a Decimal or raise a ValueError naming value and picture."""
    if not picture:
        raise FieldValueError(N_("the numeric picture for {value!r} is empty"), value=value)
    try:
        return Decimal(parse_number(value))
    except ValueError as exc:
        raise FieldValueError(N_("{value!r} is not a number, so the picture {picture!r} cannot format it: {error}"),
                              value=value, picture=picture, error=str(exc)) from None


def _split_sections(picture: str) -> list[str]:
    """Split at ``;`` outside quotes; at most three sections count."""
    sections: list[str] = []
    current: list[str] = []
    quoted = False
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
        placed: list[tuple[str | None, int]]
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
