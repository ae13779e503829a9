"""Recipient lists, validated row by row (``readers.py`` reads the YAML, CSV and XLSX files).

The built-in address columns are always text. Every other column keeps the type its source
gives it (YAML booleans, numbers, dates, lists and mappings; Excel booleans, numbers and
dates); a ``Schema`` (``columns:`` in campaign.yaml) converts a column to a declared type and
attaches per-recipient tables read from a second sheet or file. Headers are matched to columns by
``wir_letters.inputs.headers`` (case, spaces, German and Word-style names).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wir_letters.errors import Problem, RecipientError
from wir_letters.inputs.headers import header_lookup, missing_problem
from wir_letters.inputs.readers import RawRow, read_any, text as _text
from wir_letters.inputs.values import TYPE_PARSERS

REQUIRED_COLUMNS = ("id", "name", "kind", "street", "postcode", "city")
OPTIONAL_COLUMNS = (
    "department",
    "contact_salutation",
    "contact_title",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
    "email",
    "your_ref",
    "your_message",
)
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
POSTCODE = re.compile(r"^\d{5}$")
BUILTIN_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class TableSource:
    """Rows of a per-recipient table: a CSV/YAML file or a sheet of a workbook, keyed by ``id``."""

    file: Path
    sheet: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    """What campaign.yaml declares about the columns: types, length limits, tables, headers, sheet."""

    types: Mapping[str, str] = field(default_factory=dict)  # column -> boolean | number | date | text
    max_lengths: Mapping[str, int] = field(default_factory=dict)
    tables: Mapping[str, TableSource] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # header in the file -> column
    sheet: str | None = None  # the sheet of a workbook to read (default: the first)

    def lookup(self) -> dict[str, str]:
        """Header key → column: built-in columns and aliases, declared columns, ``headers``."""
        return header_lookup([*self.types, *self.max_lengths], self.headers)


@dataclass(frozen=True)
class Recipient:
    """One validated row: built-in columns as text (``""`` when empty), others typed."""

    fields: Mapping[str, Any]
    source: Path
    row: int  # spreadsheet row number (header = 1) or 1-based YAML entry number

    @property
    def id(self) -> str:
        return self.fields["id"]

    @property
    def name(self) -> str:
        return self.fields["name"]

    @property
    def place(self) -> str:
        """Where the row stands, for error messages: ``file, row N (id)``."""
        return f"row {self.row} ({self.id})" if self.id else f"row {self.row}"


@dataclass(frozen=True)
class RecipientList:
    """A read recipient list: the valid rows, the problems of the others (and notes, such as
    which sheet was read), and the columns."""

    recipients: list[Recipient]
    problems: list[Problem]
    columns: frozenset[str]
    source: Path | None = None
    aliases: frozenset[str] = frozenset()  # headers as written that repeat a column (PLZ for postcode)


def load_recipients(path: Path, schema: Schema | None = None) -> list[Recipient]:
    """Read and validate a recipient list (``.yaml``/``.yml``, ``.csv``, ``.xlsx``).

    Raises:
        RecipientError: listing every problem (file, row, field, fix) found in the file.
    """
    listed = read_recipients(path, schema)
    errors = [p for p in listed.problems if p.severity == "error"]
    if errors:
        error = RecipientError(errors)
        error.columns = set(listed.columns)
        raise error
    return listed.recipients


def read_recipients(path: Path, schema: Schema | None = None) -> RecipientList:
    """Read a recipient list; rows with problems are left out and their problems returned.

    A workbook with several sheets and none named gets a note saying which sheet was read.

    Raises:
        RecipientError: when the file as a whole cannot be used (missing, unreadable, a header
            with required columns missing or two columns of the same meaning).
    """
    path = Path(path)
    schema = schema or Schema()
    rows, notes = read_any(path, schema.sheet, schema.lookup())
    listed = check_rows(path, rows, schema)
    if notes:
        listed = dataclasses.replace(listed, problems=[*listed.problems, *notes])
    if schema.tables:
        listed = attach_tables(listed, schema)
    return listed


def read_rows(path: Path, sheet: str | None = None, lookup: Mapping[str, str] | None = None) -> list[RawRow]:
    """Read the raw rows of a ``.yaml``, ``.csv`` or ``.xlsx`` file (``sheet``: a workbook's sheet),
    keyed by column: headers are mapped through ``lookup`` (default: the built-in aliases).

    Raises:
        RecipientError: when the file is missing, of another type, unreadable, or its header is ambiguous.
    """
    return read_any(path, sheet, header_lookup() if lookup is None else lookup)[0]


def validate_rows(path: Path, rows: list[RawRow], schema: Schema | None = None) -> list[Recipient]:
    """Return the rows as recipients, or raise ``RecipientError`` listing every problem."""
    listed = check_rows(path, rows, schema)
    if listed.problems:
        raise RecipientError(listed.problems)
    return listed.recipients


def check_rows(path: Path, rows: list[RawRow], schema: Schema | None = None) -> RecipientList:
    """Type the cells and check each row: required fields, id, postcode, e-mail, characters,
    declared types and lengths."""
    schema = schema or Schema()
    found = list(dict.fromkeys(name for row in rows for name in row.cells))
    columns = set(found)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if not rows:
        raise RecipientError(Problem(str(path), "no recipients", where="header",
                                     fix=f"add a header row with at least {', '.join(REQUIRED_COLUMNS)}, "
                                     "then one row per recipient"))
    if missing:  # the columns are unknown: no checks of template tags against them (no cascade)
        raise RecipientError(missing_problem(path, missing, found))
    aliases = {header: column for row in rows for column, header in row.headers.items() if header not in columns}
    problems: list[Problem] = []
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for raw in rows:
        fields = {name: _cell(name, value) for name, value in raw.cells.items()}
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *sorted(columns)):
            fields.setdefault(column, "")  # like an empty spreadsheet cell
        fields["postcode"] = _pad_postcode(fields["postcode"])
        typing_problems = list(_apply_types(path, raw, fields, schema))
        recipient = Recipient(fields=fields, source=path, row=raw.number)
        found = typing_problems + list(_row_problems(recipient, seen))
        seen.setdefault(fields["id"], raw.number)
        problems += found
        if not found:  # a header as written reads the same value: MERGEFIELD PLZ, {{ recipient.Ort }}
            recipients.append(dataclasses.replace(recipient, fields=_with_aliases(fields, aliases)))
    counts = Counter(_text(raw.cells.get("id")) for raw in rows)
    recipients = [r for r in recipients if counts[r.id] == 1]  # a duplicated id is ambiguous everywhere
    return RecipientList(recipients, problems, frozenset(columns | set(OPTIONAL_COLUMNS) | set(aliases)), path,
                         frozenset(aliases))


def _with_aliases(fields: Mapping[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """The fields plus each header as written (``PLZ``) holding its column's value (``postcode``)."""
    return {**fields, **{header: fields[column] for header, column in aliases.items() if column in fields}}


def _row_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    for problem in _cell_problems(recipient, seen):
        yield dataclasses.replace(problem, recipient=recipient.id)


def _cell_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    file, where, fields = str(recipient.source), recipient.place, recipient.fields
    for column, value in fields.items():
        bad = next((c for text in _strings(value) for c in text if not _xml_char(c)), None)
        if bad is not None:
            yield Problem(file, f"contains the control character U+{ord(bad):04X}, which Word documents cannot "
                          "hold", where, column, fix="delete it from the cell (it is often invisible)")
    for column in REQUIRED_COLUMNS:
        if not fields[column]:
            yield Problem(file, "is empty", where, column, fix=f"fill in the {column}")
    rid = fields["id"]
    if rid and not SAFE_ID.match(rid):
        fix = "use lower-case letters, digits and '-' only, e.g. 'landkreis-fulda'"
        yield Problem(file, f"id {rid!r} is not safe as a file name", where, "id", fix)
    if rid in seen:
        yield Problem(file, f"duplicate id {rid!r}, first used in row {seen[rid]}", where, "id",
                      fix="give every recipient its own id")
    postcode = fields["postcode"]
    if postcode and not POSTCODE.match(postcode):
        yield Problem(file, f"postcode {postcode!r} is not five digits", where, "postcode",
                      fix="write the German postcode as five digits, e.g. 07548")
    email = fields["email"]
    if email and not EMAIL.match(email):
        yield Problem(file, f"e-mail address {email!r} is not valid", where, "email",
                      fix="write it as name@domain.de, without spaces or a display name")


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


def _apply_types(path: Path, raw: RawRow, fields: dict[str, Any], schema: Schema) -> Iterator[Problem]:
    """Convert the declared columns in place; yield a problem for each value that does not parse."""
    where = f"row {raw.number} ({fields.get('id')})" if fields.get("id") else f"row {raw.number}"
    for column, kind in schema.types.items():
        if column not in fields or column in BUILTIN_COLUMNS:
            continue
        value = fields[column]
        try:
            fields[column] = _typed(value, kind)
        except ValueError as err:
            yield Problem(str(path), f"{value!r} is not a {kind}: {err}", where, column,
                          fix=f"correct the cell, or change the type of '{column}' under columns: in campaign.yaml",
                          recipient=str(fields.get("id", "")))
    for column, limit in schema.max_lengths.items():
        value = fields.get(column)
        if isinstance(value, str) and len(value) > limit:
            yield Problem(str(path), f"has {len(value)} characters, the letter has room for {limit}", where,
                          column, fix=f"shorten it to at most {limit} characters",
                          recipient=str(fields.get("id", "")))


def _typed(value: Any, kind: str) -> Any:
    """Return ``value`` as the declared type; an empty number or date cell becomes None."""
    if kind in ("number", "date") and (value is None or value == ""):
        return None
    return TYPE_PARSERS[kind](value)


def attach_tables(listed: RecipientList, schema: Schema) -> RecipientList:
    """Give each recipient its rows of every declared table, as a list under the table's name.

    Table rows whose ``id`` is not a recipient, and tables that clash with a column, are errors.
    """
    problems = list(listed.problems)
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {}
    known = {r.id for r in listed.recipients} | {p.recipient for p in listed.problems if p.recipient}
    for name, source in schema.tables.items():
        if name in listed.columns:
            problems.append(Problem(str(listed.source), f"the table '{name}' has the name of a column",
                                    field=name, fix="rename the table under tables: in campaign.yaml"))
            continue
        tables[name], found = _table_rows(source, known)
        problems += found
    recipients = [dataclasses.replace(r, fields={**r.fields, **{name: rows.get(r.id, []) for name, rows in
                                                               tables.items()}}) for r in listed.recipients]
    return RecipientList(recipients, problems, listed.columns | frozenset(tables), listed.source, listed.aliases)


def _table_rows(source: TableSource, known: set[str]) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """Read one table and group its rows by recipient id."""
    file = f"{source.file}" + (f" (sheet {source.sheet})" if source.sheet else "")
    grouped: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    lookup = header_lookup(source.types, builtin=("id",))  # ID, Kennung; but a "Titel" stays "Titel"
    for raw in read_rows(source.file, source.sheet, lookup):
        row = _with_aliases({name: _cell("", value) for name, value in raw.cells.items()},
                            {header: column for column, header in raw.headers.items() if header not in raw.cells})
        rid = _text(raw.cells.get("id"))
        problems += list(_apply_types(source.file, raw, row, Schema(types=source.types)))
        if not rid:
            problems.append(Problem(file, "is empty", f"row {raw.number}", "id",
                                    fix="give each table row the id of its recipient"))
        elif rid not in known:
            problems.append(Problem(file, f"id {rid!r} is not in the recipient list", f"row {raw.number}", "id",
                                    fix="use an id from the recipient list, or delete the row"))
        else:
            grouped.setdefault(rid, []).append(row)
    return grouped, problems


def _xml_char(char: str) -> bool:
    """True for characters XML 1.0 (and so a DOCX) can hold."""
    code = ord(char)
    return (code >= 0x20 and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)) or char in "\t\n"


def _pad_postcode(value: str) -> str:
    """Restore a leading zero that Excel dropped (``7548`` → ``07548``)."""
    return value.zfill(5) if value.isdigit() and len(value) == 4 else value


def _cell(column: str, value: Any) -> Any:
    """A cell as the recipient holds it: text for built-in columns, else its own type."""
    if column in BUILTIN_COLUMNS:
        return _text(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, Mapping):
        return {str(key): _cell("", item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cell("", item) for item in value]
    return value
