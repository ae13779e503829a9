"""Per-recipient tables (``tables:`` in campaign.yaml): rows of a second file or sheet, keyed by ``id``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from wir_letters.errors import Problem
from wir_letters.i18n import N_
from wir_letters.inputs._cells import apply_types, cell_value, with_aliases
from wir_letters.inputs._headers import header_lookup
from wir_letters.inputs._readers import read_any, text


def read_table(file: Path, sheet: str | None, types: Mapping[str, str], known: Collection[str],
               builtin: Collection[str]) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """Read one table and group its rows by recipient id.

    Args:
        file: the CSV, YAML or XLSX file.
        sheet: the sheet of a workbook (None: the first).
        types: the declared column types of the table.
        known: the recipient ids a row may name.
        builtin: columns whose declared type is ignored (the recipient list's built-in columns).

    Returns:
        The rows of each recipient id, and the problems: rows without an id or with an unknown
        one, and cells that do not parse as their declared type.

    Raises:
        RecipientError: when the file cannot be read (see ``read_any``).
    """
    place = f"{file}" + (f" (sheet {sheet})" if sheet else "")
    grouped: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    lookup = header_lookup(types, builtin=("id",))  # ID, Kennung; but a "Titel" stays "Titel"
    for raw in read_any(file, sheet, lookup)[0]:
        row = with_aliases({name: cell_value(value) for name, value in raw.cells.items()},
                           {header: column for column, header in raw.headers.items() if header not in raw.cells})
        rid = text(raw.cells.get("id"))
        problems += list(apply_types(file, raw.number, row, types, {}, builtin))
        if not rid:
            problems.append(Problem(place, N_("is empty"), N_("row {row}"), "id",
                                    fix=N_("give each table row the id of its recipient"),
                                    code="table.id_empty", params={"row": raw.number}))
        elif rid not in known:
            problems.append(Problem(place, N_("id {value!r} is not in the recipient list"), N_("row {row}"), "id",
                                    fix=N_("use an id from the recipient list, or delete the row"),
                                    code="table.id_unknown", params={"row": raw.number, "value": rid}))
        else:
            grouped.setdefault(rid, []).append(row)
    return grouped, problems
