"""Word's IF field comparison: ``{ IF { MERGEFIELD Anrede } = "Frau" "…" "…" }``."""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from wir_letters.documents._word_errors import FieldValueError
from wir_letters.i18n import N_
from wir_letters.inputs.values import parse_number

OPERATORS = ("=", "<>", "<", ">", "<=", ">=")
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": op.eq, "<>": op.ne, "<": op.lt, ">": op.gt, "<=": op.le, ">=": op.ge,
}


def compare(left: object, operator: str, right: object) -> bool:
    """Evaluate a Word IF comparison ``left operator right``.

    Both sides numeric (numbers or numeric text) compare as numbers; otherwise both
    compare as case-sensitive text (``None`` is empty). With text, ``=`` and ``<>``
    treat ``*`` (any run) and ``?`` (one character) on the right as wildcards.
    """
    if operator not in OPERATORS:
        raise FieldValueError(N_("unknown IF operator {operator!r}; use one of {operators}"), operator=operator,
                              operators=" ".join(OPERATORS))
    numbers = _numbers(left, right)
    if numbers is not None:
        return _apply(numbers[0], operator, numbers[1])
    left_text, right_text = _text(left), _text(right)
    if operator in ("=", "<>"):
        matched = _wildcard(right_text).fullmatch(left_text) is not None
        return matched if operator == "=" else not matched
    return _apply(left_text, operator, right_text)


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
