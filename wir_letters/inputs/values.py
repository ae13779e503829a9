"""Typed cell values: parse recipient-list text into booleans, numbers and dates.

campaign.yaml declares column types (``columns: {is_paid: boolean, amount: number,
deadline: date}``); :data:`TYPE_PARSERS` maps each type name to its parser. Parsers are
pure and raise :class:`ValueProblem` (a ``ValueError``) with a message meant for the person
filling the list: an English template and its parameters, shown in the chosen language.
:class:`Phrase` carries such a translatable piece inside another message's parameters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from wir_letters.i18n import N_, render

TRUE_WORDS = frozenset({"ja", "wahr", "true", "yes", "x", "1"})
FALSE_WORDS = frozenset({"nein", "falsch", "false", "no", "0", ""})
BOOLEAN_HINT = "write one of ja, nein, wahr, falsch, true, false, yes, no, x, 1, 0 (or leave it empty)"
NUMBER_HINT = "write it like 1.234,56 or 1234.56"
DATE_HINT = "write it like 31.12.2017, 1.2.2017, 2017-12-31 or 2017-12-31T14:30"
NOT_A_NUMBER = N_("{value!r} is not a number; write it like 1.234,56 or 1234.56")

_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f'’]\d{3})+(?:[.,]\d+)?")
_PLAIN = re.compile(r"\d+|\d*[.,]\d+")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _english(template: str, params: Mapping[str, Any]) -> str:
    """The template filled in English (nested phrases by their English text)."""
    return template.format(**{k: str.__str__(v) if isinstance(v, Phrase) else v for k, v in params.items()})


class Phrase(str):
    """A translatable piece of a message that goes into another message's ``params``.

    As a ``str`` it holds the English text (for JSON and logs); formatted into a message or
    turned into ``str()`` it is shown in the chosen language (``wir_letters.i18n.render``).
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Phrase:
        """``template`` (marked with ``N_``) filled from ``params``."""
        self = super().__new__(cls, _english(template, params or {}))
        self.template, self.params = template, dict(params or {})
        return self

    @classmethod
    def joined(cls, separator: str, items: Iterable[Any]) -> Phrase:
        """The items (phrases or values) joined by ``separator``, each shown in the chosen language."""
        params = {f"p{i}": item for i, item in enumerate(items)}
        sep = separator.replace("{", "{{").replace("}", "}}")
        return cls(sep.join("{" + name + "}" for name in params), params)

    def __str__(self) -> str:
        return render(self.template, self.params or {"_": None})  # always formatted, like the English text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Phrase, (self.template, self.params))


class ValueProblem(ValueError):
    """A value that does not parse: an English template, its ``params`` and a ``code``;
    ``str()`` shows it in the chosen language and ``phrase`` carries it into a Problem."""

    def __init__(self, message: str, /, *, code: str = "", **params: Any) -> None:
        self.message, self.code, self.params = message, code, params
        super().__init__(_english(message, params))

    def __str__(self) -> str:
        return str(self.phrase)

    @property
    def phrase(self) -> Phrase:
        """The message as a phrase for another message's parameters."""
        return Phrase(self.message, self.params)


def parse_boolean(value: object) -> bool:
    """Return the truth of a yes/no cell; empty and ``None`` are ``False``.

    Accepts bools, the numbers 1 and 0, and (case-insensitive) ja/nein, wahr/falsch,
    true/false, yes/no, x, 1/0.
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueProblem(N_("{value!r} is not a yes/no value; write one of ja, nein, wahr, falsch, true, false, "
                          "yes, no, x, 1, 0 (or leave it empty)"), code="value.not_boolean", value=value)


def parse_number(value: object) -> int | Decimal:
    """Return an ``int`` for integral values and a ``Decimal`` otherwise.

    Strings may use German (``1.234,56``) or English (``1,234.56``) notation, spaces,
    NBSP or apostrophes as thousands separators, a sign, and ``€``/``EUR`` before or
    after. A lone dot followed by exactly three digits is German grouping (``1.234`` is
    1234); a lone comma is a decimal comma. Empty text and ``None`` raise
    ``ValueError("empty")``; bools are refused.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueProblem(N_("empty"), code="value.empty")
    if isinstance(value, bool):
        raise ValueProblem(N_("{value!r} is a yes/no value, not a number"), code="value.not_number", value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblem(NOT_A_NUMBER, code="value.not_number", value=value)
        return _integral_to_int(Decimal(str(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblem(NOT_A_NUMBER, code="value.not_number", value=value)
        return _integral_to_int(value)
    if isinstance(value, str):
        return _parse_number_text(value)
    raise ValueProblem(NOT_A_NUMBER, code="value.not_number", value=value)


def parse_date(value: object) -> dt.date | dt.datetime:
    """Return a ``date``, or a ``datetime`` when the value carries a time of day.

    Accepts dates, datetimes (a naive midnight becomes its date), ``31.12.2017``,
    ``1.2.2017``, ISO ``2017-12-31`` and ISO date-times. Two-digit years are refused.
    """
    if isinstance(value, dt.datetime):
        return _date_if_midnight(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if match := _GERMAN_DATE.fullmatch(text):
                day, month, year = (int(part) for part in match.groups())
                return dt.date(year, month, day)
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _ISO_DATETIME.fullmatch(text):
                return _date_if_midnight(dt.datetime.fromisoformat(text))
        except ValueError as exc:
            raise ValueProblem(N_("{value!r} is not a valid date ({error}); write it like 31.12.2017, 1.2.2017, "
                                  "2017-12-31 or 2017-12-31T14:30"), code="value.invalid_date", value=value,
                               error=str(exc)) from None
    raise ValueProblem(N_("{value!r} is not a date; write it like 31.12.2017, 1.2.2017, 2017-12-31 or "
                          "2017-12-31T14:30"), code="value.not_date", value=value)


def parse_text(value: object) -> str:
    """Return the value as text; ``None`` becomes the empty string."""
    return "" if value is None else str(value)


TYPE_PARSERS: dict[str, Callable[[object], object]] = {
    "boolean": parse_boolean,
    "number": parse_number,
    "date": parse_date,
    "text": parse_text,
}


def _parse_number_text(value: str) -> int | Decimal:
    """Parse a non-empty numeric string (see :func:`parse_number`)."""
    text = value.strip().replace("\u2212", "-")
    sign, text = _split_sign(text)
    text = _CURRENCY.sub("", text).strip()
    if not sign:
        sign, text = _split_sign(text)
    plain = _normalise_digits(text)
    if plain is None:
        raise ValueProblem(NOT_A_NUMBER, code="value.not_number", value=value)
    try:
        number = Decimal(sign + plain)
    except InvalidOperation:
        raise ValueProblem(NOT_A_NUMBER, code="value.not_number", value=value) from None
    return _integral_to_int(number)


def _split_sign(text: str) -> tuple[str, str]:
    """Split a leading ``+`` or ``-`` off ``text``."""
    if text[:1] in ("+", "-"):
        return text[0], text[1:].lstrip()
    return "", text


def _normalise_digits(text: str) -> str | None:
    """Return ``text`` as plain ``1234.56`` digits, or ``None`` if it is not a number."""
    if _SPACE_GROUPED.fullmatch(text):
        return re.sub(r"[ \u00a0\u202f'’]", "", text).replace(",", ".")
    if "." in text and "," in text:
        decimal, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        grouped = rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})*{re.escape(decimal)}\d+"
        return text.replace(group, "").replace(decimal, ".") if re.fullmatch(grouped, text) else None
    for mark in (".", ","):
        if text.count(mark) > 1:
            return text.replace(mark, "") if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", text) else None
    if re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", text):
        return text.replace(".", "")
    return text.replace(",", ".") if _PLAIN.fullmatch(text) else None


def _integral_to_int(number: Decimal) -> int | Decimal:
    """Return ``int(number)`` when it has no fractional part, else ``number``."""
    return int(number) if number == number.to_integral_value() else number


def _date_if_midnight(value: dt.datetime) -> dt.date | dt.datetime:
    """Return the date of a naive midnight datetime, else the datetime unchanged."""
    if value.tzinfo is None and value.time() == dt.time(0):
        return value.date()
    return value
