"""Cell values as a recipient holds them: typed values kept, declared types applied, postcodes padded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from wir_letters.errors import Problem
from wir_letters.i18n import N_, render
from wir_letters.inputs._readers import text
from wir_letters.inputs.values import TYPE_PARSERS, ValueProblem


def cell_value(value: Any) -> Any:
    """A cell of a column that is not built in, as the recipient holds it: text trimmed, whole
    floats as ints, midnight datetimes as dates, empty as ``""``; lists and mappings item by item."""
    if value is None:
        return ""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, Mapping):
        return {str(key): cell_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [cell_value(item) for item in value]
    return value


def pad_postcode(value: str) -> str:
    """Restore a leading zero that Excel dropped (``7548`` → ``07548``)."""
    return value.zfill(5) if value.isdigit() and len(value) == 4 else value


def bad_character(value: Any) -> str | None:
    """Return the first character a DOCX cannot hold in any text of a cell (tables included), or None."""
    return next((c for text_ in _strings(value) for c in text_ if not _xml_char(c)), None)


def apply_types(path: Path, number: int, fields: dict[str, Any], types: Mapping[str, str],
                max_lengths: Mapping[str, int], skip: Collection[str]) -> Iterator[Problem]:
    """Convert the declared columns of one row in place; yield a problem for each value that does
    not parse and each text longer than its limit.

    Args:
        path: the file, for the problems.
        number: the row's number in the file.
        fields: the row's cells by column; changed in place.
        types: column → ``boolean``, ``number``, ``date`` or ``text``.
        max_lengths: column → the most characters the letter has room for.
        skip: columns that keep their text whatever ``types`` says (the built-in columns).
    """
    where, place = row_where(number, fields.get("id"))
    for column, kind in types.items():
        if column not in fields or column in skip:
            continue
        value = fields[column]
        try:
            fields[column] = _typed(value, kind)
        except ValueError as err:
            reason = err.phrase if isinstance(err, ValueProblem) else str(err)
            yield Problem(str(path), N_("{value!r} is not a {kind}: {reason}"), where, column,
                          fix=N_("correct the cell, or change the type of '{column}' under columns: in campaign.yaml"),
                          recipient=str(fields.get("id", "")), code="recipient.type_mismatch",
                          params={**place, "value": value, "kind": kind, "reason": reason, "column": column})
    for column, limit in max_lengths.items():
        value = fields.get(column)
        if isinstance(value, str) and len(value) > limit:
            yield Problem(str(path), N_("has {length} characters, the letter has room for {limit}"), where,
                          column, fix=N_("shorten it to at most {limit} characters"),
                          recipient=str(fields.get("id", "")), code="recipient.too_long",
                          params={**place, "length": len(value), "limit": limit})


def row_where(number: int, rid: object) -> tuple[str, dict[str, Any]]:
    """Where a row stands, as a Problem's ``where`` template and its params: ``row {row} ({id})``,
    or ``row {row}`` without an id."""
    if rid:
        return N_("row {row} ({id})"), {"row": number, "id": rid}
    return N_("row {row}"), {"row": number}


def row_place(number: int, rid: object) -> str:
    """Where a row stands, in the chosen language: ``row 3 (landkreis-fulda)``, or ``row 3`` without an id."""
    return render(*row_where(number, rid))


def with_aliases(fields: Mapping[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """The fields plus each header as written (``PLZ``) holding its column's value (``postcode``)."""
    return {**fields, **{header: fields[column] for header, column in aliases.items() if column in fields}}


def _typed(value: Any, kind: str) -> Any:
    """Return ``value`` as the declared type; an empty number or date cell becomes None."""
    if kind in ("number", "date") and (value is None or value == ""):
        return None
    return TYPE_PARSERS[kind](value)


def _strings(value: Any) -> Iterator[str]:
    """Every text inside a cell value (lists and mappings of a table included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _xml_char(char: str) -> bool:
    """True for characters XML 1.0 (and so a DOCX) can hold."""
    code = ord(char)
    return (code >= 0x20 and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)) or char in "\t\n"
