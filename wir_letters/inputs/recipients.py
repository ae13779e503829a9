"""Recipient lists, validated row by row (``readers.py`` reads the YAML, CSV and XLSX files).

The built-in address columns are always text. Every other column keeps the type its source
gives it (YAML booleans, numbers, dates, lists and mappings; Excel booleans, numbers and
dates); a ``Schema`` (``columns:`` in campaign.yaml) converts a column to a declared type and
attaches per-recipient tables read from a second sheet or file. Headers are matched to columns by
``wir_letters.inputs._headers`` (case, spaces, German and Word-style names).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from wir_letters.errors import Problem, RecipientError
from wir_letters.i18n import N_
from wir_letters.inputs._cells import (apply_types, bad_character, cell_value, pad_postcode, row_place, row_where,
                                       with_aliases)
from wir_letters.inputs._headers import header_lookup, missing_problem
from wir_letters.inputs._readers import RawRow as RawRow  # the rows validate_rows and check_rows take
from wir_letters.inputs._readers import read_any, text
from wir_letters.inputs._tables import read_table

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
# ASCII only: a mail server without SMTPUTF8 refuses umlauts in an address (write a domain as xn--…)
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")


def split_addresses(value: str) -> list[str]:
    """The e-mail addresses of an ``email`` cell: several may be separated by ``;`` or ``,``."""
    return [part.strip() for part in re.split(r"[;,]", value or "") if part.strip()]


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
        """The recipient's ``id`` column."""
        rid: str = self.fields["id"]
        return rid

    @property
    def name(self) -> str:
        """The recipient's ``name`` column (the addressee)."""
        name: str = self.fields["name"]
        return name

    @property
    def place(self) -> str:
        """Where the row stands, in the chosen language: ``row N (id)``."""
        return row_place(self.row, self.id)

    @property
    def where(self) -> tuple[str, dict[str, Any]]:
        """Where the row stands as a Problem's ``where`` template and its params (``row {row} ({id})``)."""
        return row_where(self.row, self.id)


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


Recipients = Union[RecipientList, Sequence[Recipient]]
"""What every API function takes as "the recipients": a read list, or recipients of your own."""


def make_recipient(fields: Mapping[str, Any], schema: Schema | None = None, *,
                   source: str | Path = "<api>") -> Recipient:
    """Validate one recipient given as a plain mapping, e.g. a row from your own database.

    The same rules as for a row of a recipient list apply (required columns, id, postcode,
    e-mail, declared types and lengths of ``schema``).

    Raises:
        RecipientError: listing every problem, with the field and the fix.
    """
    return validate_rows(Path(source), [RawRow(1, dict(fields))], schema)[0]


def as_recipient_list(recipients: Recipients) -> RecipientList:
    """Return ``recipients`` as a ``RecipientList`` (a plain sequence has no problems to report)."""
    if isinstance(recipients, RecipientList):
        return recipients
    items = list(recipients)
    columns = frozenset(name for recipient in items for name in recipient.fields)
    return RecipientList(items, [], columns, items[0].source if items else None)


def validate_rows(path: Path, rows: list[RawRow], schema: Schema | None = None) -> list[Recipient]:
    """Return the rows as recipients.

    Raises:
        RecipientError: listing every problem of every row.
    """
    listed = check_rows(path, rows, schema)
    if listed.problems:
        raise RecipientError(listed.problems)
    return listed.recipients


def check_rows(path: Path, rows: list[RawRow], schema: Schema | None = None) -> RecipientList:
    """Type the cells and check each row: required fields, id, postcode, e-mail, characters,
    declared types and lengths.

    Returns:
        The valid rows as recipients (a duplicated id leaves out every row with it), the
        problems of the others, and the columns.

    Raises:
        RecipientError: when there are no rows or required columns are missing.
    """
    schema = schema or Schema()
    found = list(dict.fromkeys(name for row in rows for name in row.cells))
    columns = set(found)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if not rows:
        raise RecipientError(Problem(str(path), N_("no recipients"), where=N_("header"),
                                     fix=N_("add a header row with at least {columns}, then one row per recipient"),
                                     code="recipients.empty", params={"columns": ", ".join(REQUIRED_COLUMNS)}))
    if missing:  # the columns are unknown: no checks of template tags against them (no cascade)
        raise RecipientError(missing_problem(path, missing, found))
    aliases = {header: column for row in rows for column, header in row.headers.items() if header not in columns}
    problems: list[Problem] = []
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for raw in rows:
        fields = {name: text(value) if name in BUILTIN_COLUMNS else cell_value(value)
                  for name, value in raw.cells.items()}
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *sorted(columns)):
            fields.setdefault(column, "")  # like an empty spreadsheet cell
        fields["postcode"] = pad_postcode(fields["postcode"])
        typing_problems = list(apply_types(path, raw.number, fields, schema.types, schema.max_lengths,
                                           BUILTIN_COLUMNS))
        recipient = Recipient(fields=fields, source=path, row=raw.number)
        row_problems = typing_problems + list(_row_problems(recipient, seen))
        seen.setdefault(fields["id"], raw.number)
        problems += row_problems
        if not row_problems:  # a header as written reads the same value: MERGEFIELD PLZ, {{ recipient.Ort }}
            recipients.append(dataclasses.replace(recipient, fields=with_aliases(fields, aliases)))
    counts = Counter(text(raw.cells.get("id")) for raw in rows)
    recipients = [r for r in recipients if counts[r.id] == 1]  # a duplicated id is ambiguous everywhere
    return RecipientList(recipients, problems, frozenset(columns | set(OPTIONAL_COLUMNS) | set(aliases)), path,
                         frozenset(aliases))


def _row_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    for problem in _cell_problems(recipient, seen):
        yield dataclasses.replace(problem, recipient=recipient.id)


def _cell_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    file, fields = str(recipient.source), recipient.fields
    where, place = recipient.where
    for column, value in fields.items():
        bad = bad_character(value)
        if bad is not None:
            yield Problem(file, N_("contains the control character U+{codepoint}, which Word documents cannot hold"),
                          where, column, fix=N_("delete it from the cell (it is often invisible)"),
                          code="recipient.control_character", params={**place, "codepoint": f"{ord(bad):04X}"})
    for column in REQUIRED_COLUMNS:
        if not fields[column]:
            yield Problem(file, N_("is empty"), where, column, fix=N_("fill in the {column}"),
                          code="recipient.required_empty", params={**place, "column": column})
    rid = fields["id"]
    if rid and not SAFE_ID.match(rid):
        yield Problem(file, N_("id {value!r} is not safe as a file name"), where, "id",
                      fix=N_("use lower-case letters, digits and '-' only, e.g. 'landkreis-fulda'"),
                      code="recipient.id_unsafe", params={**place, "value": rid})
    if rid in seen:
        yield Problem(file, N_("duplicate id {value!r}, first used in row {first_row}"), where, "id",
                      fix=N_("give every recipient its own id"), code="recipient.id_duplicate",
                      params={**place, "value": rid, "first_row": seen[rid]})
    postcode = fields["postcode"]
    if postcode and not POSTCODE.match(postcode):
        yield Problem(file, N_("postcode {value!r} is not five digits"), where, "postcode",
                      fix=N_("write the German postcode as five digits, e.g. 07548"),
                      code="recipient.postcode_invalid", params={**place, "value": postcode})
    for email in split_addresses(fields["email"]):
        if not EMAIL.match(email):
            yield Problem(file, N_("e-mail address {value!r} is not valid"), where, "email",
                          fix=N_("write it as name@domain.de, without spaces or a display name; separate several with ;"),
                          code="recipient.email_invalid", params={**place, "value": email})


def attach_tables(listed: RecipientList, schema: Schema) -> RecipientList:
    """Give each recipient its rows of every declared table, as a list under the table's name.

    Table rows whose ``id`` is not a recipient, and tables that clash with a column, are errors.
    """
    problems = list(listed.problems)
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {}
    known = {r.id for r in listed.recipients} | {p.recipient for p in listed.problems if p.recipient}
    for name, source in schema.tables.items():
        if name in listed.columns:
            problems.append(Problem(str(listed.source), N_("the table '{table}' has the name of a column"),
                                    field=name, fix=N_("rename the table under tables: in campaign.yaml"),
                                    code="recipients.table_name_taken", params={"table": name}))
            continue
        tables[name], found = read_table(source.file, source.sheet, source.types, known, BUILTIN_COLUMNS)
        problems += found
    recipients = [dataclasses.replace(r, fields={**r.fields, **{name: rows.get(r.id, []) for name, rows in
                                                               tables.items()}}) for r in listed.recipients]
    return RecipientList(recipients, problems, listed.columns | frozenset(tables), listed.source, listed.aliases)
