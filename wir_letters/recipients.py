"""Recipient lists from YAML, CSV (as German Excel writes it) and XLSX, validated row by row."""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, RecipientError
from .files import load_yaml

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
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Recipient:
    """One validated row: every column as text, optional columns present as ``""``."""

    fields: Mapping[str, str]
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
class RawRow:
    number: int
    cells: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecipientList:
    """A read recipient list: the valid rows, the problems of the others, and the columns."""

    recipients: list[Recipient]
    problems: list[Problem]
    columns: frozenset[str]
    source: Path | None = None


def load_recipients(path: Path) -> list[Recipient]:
    """Read and validate a recipient list (``.yaml``/``.yml``, ``.csv``, ``.xlsx``).

    Raises:
        RecipientError: listing every problem (file, row, field, fix) found in the file.
    """
    listed = read_recipients(path)
    if listed.problems:
        error = RecipientError(listed.problems)
        error.columns = set(listed.columns)
        raise error
    return listed.recipients


def read_recipients(path: Path) -> RecipientList:
    """Read a recipient list; rows with problems are left out and their problems returned.

    Raises:
        RecipientError: when the file as a whole cannot be used (missing, unreadable, no header).
    """
    path = Path(path)
    if not path.is_file():
        raise RecipientError(Problem(str(path), "recipient list not found", fix="check the path"))
    readers = {".yaml": _read_yaml, ".yml": _read_yaml, ".csv": _read_csv, ".xlsx": _read_xlsx}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise RecipientError(
            Problem(str(path), f"unsupported file type {path.suffix!r}", fix="use .yaml, .csv or .xlsx")
        )
    return check_rows(path, list(reader(path)))


def validate_rows(path: Path, rows: list[RawRow]) -> list[Recipient]:
    """Return the rows as recipients, or raise ``RecipientError`` listing every problem."""
    listed = check_rows(path, rows)
    if listed.problems:
        raise RecipientError(listed.problems)
    return listed.recipients


def check_rows(path: Path, rows: list[RawRow]) -> RecipientList:
    """Normalise cells to text and check each row: required fields, id, postcode, e-mail, characters."""
    columns = {name for row in rows for name in row.cells}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing or not rows:
        message = f"missing required column(s): {', '.join(missing)}" if missing else "no recipients"
        fix = f"add a header row with at least: {', '.join(REQUIRED_COLUMNS)}"
        error = RecipientError(Problem(str(path), message, where="header", fix=fix))
        error.columns = columns | set(OPTIONAL_COLUMNS)
        raise error
    problems: list[Problem] = []
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for raw in rows:
        fields = {name: _text(value) for name, value in raw.cells.items()}
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *sorted(columns)):
            fields.setdefault(column, "")  # like an empty spreadsheet cell
        fields["postcode"] = _pad_postcode(fields["postcode"])
        recipient = Recipient(fields=fields, source=path, row=raw.number)
        found = list(_row_problems(recipient, seen))
        seen.setdefault(fields["id"], raw.number)
        problems += found
        if not found:
            recipients.append(recipient)
    counts = Counter(_text(raw.cells.get("id")) for raw in rows)
    recipients = [r for r in recipients if counts[r.id] == 1]  # a duplicated id is ambiguous everywhere
    return RecipientList(recipients, problems, frozenset(columns | set(OPTIONAL_COLUMNS)), path)


def _row_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    for problem in _cell_problems(recipient, seen):
        yield dataclasses.replace(problem, recipient=recipient.id)


def _cell_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    file, where, fields = str(recipient.source), recipient.place, recipient.fields
    for column, value in fields.items():
        bad = next((c for c in value if not _xml_char(c)), None)
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


def _xml_char(char: str) -> bool:
    """True for characters XML 1.0 (and so a DOCX) can hold."""
    code = ord(char)
    return (code >= 0x20 and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)) or char in "\t\n"


def _pad_postcode(value: str) -> str:
    """Restore a leading zero that Excel dropped (``7548`` → ``07548``)."""
    return value.zfill(5) if value.isdigit() and len(value) == 4 else value


def _text(value: Any) -> str:
    """Turn a cell into text: numbers without ``.0``, dates as ISO, ``None`` as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _read_yaml(path: Path) -> Iterator[RawRow]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise RecipientError(Problem(str(path), f"not valid UTF-8 YAML: {err}")) from err
    if isinstance(data, dict):
        data = data.get("recipients")
    if not isinstance(data, list):
        raise RecipientError(Problem(str(path), "expected a list of recipients (or a 'recipients:' list)"))
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise RecipientError(Problem(str(path), "entry is not a mapping of column: value", f"entry {number}"))
        yield RawRow(number, {str(k).strip(): v for k, v in entry.items()})


def _decode(path: Path) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252 as German Excel writes."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _read_csv(path: Path) -> Iterator[RawRow]:
    text = _decode(path)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise RecipientError(Problem(str(path), f"CSV cannot be read: {err}", f"row {reader.line_num}")) from err
    if not rows:
        return
    names = [name.strip() for name in rows[0]]
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            raise RecipientError(Problem(str(path), f"{len(cells)} cells but {len(names)} columns in the header",
                                         f"row {number}", fix=f"check the '{delimiter}' separators in this row"))
        yield RawRow(number, dict(zip(names, cells)))


def _read_xlsx(path: Path) -> Iterator[RawRow]:
    from openpyxl import load_workbook  # deferred: openpyxl import costs ~0.2 s

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise RecipientError(Problem(str(path), f"not a readable .xlsx workbook: {err}")) from err
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        names = [_text(name) for name in next(rows, ())]
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or _text(cell) == "" for cell in cells):
                continue
            yield RawRow(number, {n: c for n, c in zip(names, cells) if n})
    finally:
        workbook.close()
