"""Recipient lists from YAML, CSV (as German Excel writes it) and XLSX, validated row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, RecipientError

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


def load_recipients(path: Path) -> list[Recipient]:
    """Read and validate a recipient list (``.yaml``/``.yml``, ``.csv``, ``.xlsx``).

    Raises:
        RecipientError: listing every problem (file, row, field, fix) found in the file.
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
    rows = list(reader(path))
    return validate_rows(path, rows)


def validate_rows(path: Path, rows: list[RawRow]) -> list[Recipient]:
    """Normalise cells to text and check required columns, ids and postcodes."""
    problems: list[Problem] = []
    columns = {name for row in rows for name in row.cells}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing or not rows:
        message = f"missing required column(s): {', '.join(missing)}" if missing else "no recipients"
        fix = f"add a header row with at least: {', '.join(REQUIRED_COLUMNS)}"
        raise RecipientError(Problem(str(path), message, where="header", fix=fix))
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for raw in rows:
        fields = {name: _text(value) for name, value in raw.cells.items()}
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            fields.setdefault(column, "")
        fields["postcode"] = _pad_postcode(fields["postcode"])
        recipient = Recipient(fields=fields, source=path, row=raw.number)
        problems.extend(_row_problems(recipient, seen))
        seen.setdefault(fields["id"], raw.number)
        recipients.append(recipient)
    if problems:
        error = RecipientError(problems)
        error.columns = columns | set(OPTIONAL_COLUMNS)
        raise error
    return recipients


def _row_problems(recipient: Recipient, seen: Mapping[str, int]) -> Iterator[Problem]:
    file, where, fields = str(recipient.source), recipient.place, recipient.fields
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
    return str(value).strip()


def _read_yaml(path: Path) -> Iterator[RawRow]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
