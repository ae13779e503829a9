"""Reading recipient lists and table files: YAML, CSV as Excel writes it (encodings,
separators), XLSX workbooks (sheets, typed cells, formulas without a value). Rows come back
keyed by column, headers mapped through the aliases of ``_headers.py``; checking them is
``recipients.py``'s job.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wir_letters.errors import Problem, RecipientError
from wir_letters.i18n import N_
from wir_letters.inputs._headers import map_headers, renamed
from wir_letters.inputs._yaml import yaml_list
from wir_letters.inputs.values import Phrase


@dataclass(frozen=True)
class RawRow:
    """One row as read from a file: its number (spreadsheet row, header = 1; or YAML entry number),
    its cells by column, and the headers as written where they differ from the column name."""

    number: int
    cells: dict[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # column -> its header as written, if other


def read_any(path: Path, sheet: str | None, lookup: Mapping[str, str]) -> tuple[list[RawRow], list[Problem]]:
    """Return the rows of a ``.yaml``, ``.csv`` or ``.xlsx`` file, and notes about how it was read.

    Args:
        path: the file.
        sheet: the sheet of a workbook (None: the first); other files have none.
        lookup: header key → column (see ``_headers.header_lookup``).

    Raises:
        RecipientError: when the file is missing, of another type, unreadable, or its header is ambiguous.
    """
    if not path.is_file():
        raise RecipientError(Problem(str(path), N_("recipient list not found"), fix=N_("check the path"),
                                     code="recipients.not_found"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet, lookup)
    readers = {".yaml": _read_yaml, ".yml": _read_yaml, ".csv": _read_csv}
    reader = readers.get(suffix)
    if reader is None:
        raise RecipientError(
            Problem(str(path), N_("unsupported file type {suffix!r}"), fix=N_("use .yaml, .csv or .xlsx"),
                    code="recipients.file_type", params={"suffix": path.suffix})
        )
    if sheet is not None:
        raise RecipientError(Problem(str(path), N_("sheet {sheet!r} was asked for, but a {suffix} file has no sheets"),
                                     fix=N_("drop --sheet (or sheet: under recipients: in campaign.yaml), "
                                            "or read the .xlsx workbook"),
                                     code="recipients.no_sheets", params={"sheet": sheet, "suffix": suffix}))
    return list(reader(path, lookup)), []


def text(value: Any) -> str:
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


def _read_yaml(path: Path, lookup: Mapping[str, str]) -> Iterator[RawRow]:
    data = yaml_list(path, RecipientError, "recipients")  # row by row: a long list never sits in memory whole
    if data is None:
        raise RecipientError(Problem(str(path), N_("expected a list of recipients (or a 'recipients:' list)"),
                                     code="recipients.not_a_list"))
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise RecipientError(Problem(str(path), N_("entry is not a mapping of column: value"), N_("entry {entry}"),
                                         code="recipients.entry_not_mapping", params={"entry": number}))
        keys = [str(key) for key in entry]
        names = map_headers(path, keys, lookup, entry=number)
        yield RawRow(number, {name: value for name, value in zip(names, entry.values()) if name},
                     renamed(keys, names))


CSV_FIX = N_("save it from Excel as 'CSV UTF-8' and read that file")
_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
SEPARATORS = {";": "';'", "\t": "tab", ",": "','"}  # in this order when a header line fits several


def _decode(path: Path) -> str:
    """Decode CSV bytes: UTF-8 or UTF-16 with a byte-order mark, else UTF-8, else Windows-1252
    (German Excel's "CSV (Trennzeichen-getrennt)").

    Raises:
        RecipientError: naming the line and the byte that none of these encodings can read.
    """
    data = path.read_bytes()
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _decode_as(path, data[len(bom):], codec,
                              Phrase(N_("{encoding}, which the file's byte-order mark announces"), {"encoding": name}))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_as(path, data, "cp1252", Phrase(N_("UTF-8 or Windows-1252")))


def _decode_as(path: Path, data: bytes, codec: str, encodings: Phrase) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        before = data[:err.start].decode(codec, "replace")
        after = data[err.end:].decode(codec, "replace").split("\n", 1)[0]
        line = before.count("\n") + 1
        bad = " ".join(f"0x{byte:02X}" for byte in data[err.start:err.end])
        cell = re.split(r"[;,\t\n]", before)[-1][-20:] + f"[{bad}]" + re.split(r"[;,\t\r]", after)[0][:20]
        message = (N_("the byte {bytes} in {cell!r} is not a character in {encodings}") if err.end - err.start == 1
                   else N_("the bytes {bytes} in {cell!r} are not a character in {encodings}"))
        raise RecipientError(Problem(str(path), message, N_("line {line}"), fix=CSV_FIX, code="recipients.encoding",
                                     params={"bytes": bad, "cell": cell, "encodings": encodings, "line": line})) from err


def _delimiter(path: Path, text: str) -> str:
    """The separator that splits the header line (the first record, quotes respected) the most.

    Raises:
        RecipientError: when none splits it: another separator, or a single column.
    """
    counts = {sep: len(_first_record(text, sep)) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    if counts[best] > 1:
        return best
    header = text.split("\n", 1)[0].strip()[:60]
    raise RecipientError(Problem(str(path), N_("cannot tell the columns apart in the header {header!r}: the "
                                    "separators understood are ';', ',' and tab"), N_("line {line}"),
                                 fix=N_("save it from Excel as 'CSV UTF-8', or separate the columns with ';'"),
                                 code="recipients.csv_separator", params={"header": header, "line": 1}))


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _read_csv(path: Path, lookup: Mapping[str, str]) -> Iterator[RawRow]:
    text = _decode(path)
    if not text.strip():
        return
    delimiter = _delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise RecipientError(Problem(str(path), N_("CSV cannot be read: {error}"), N_("row {row}"),
                                     code="recipients.csv_invalid",
                                     params={"error": str(err), "row": reader.line_num})) from err
    names = map_headers(path, rows[0], lookup)
    headers = renamed(rows[0], names)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            fix = (N_("check the tab separators in this row") if delimiter == "\t"
                   else N_("check the {separator} separators in this row"))
            raise RecipientError(Problem(str(path), N_("{cells} cells but {columns} columns in the header"),
                                         N_("row {row}"), fix=fix, code="recipients.csv_cells",
                                         params={"cells": len(cells), "columns": len(names), "row": number,
                                                 "separator": SEPARATORS[delimiter]}))
        yield RawRow(number, {name: cell for name, cell in zip(names, cells) if name}, headers)


def _read_xlsx(path: Path, sheet: str | None, lookup: Mapping[str, str]) -> tuple[list[RawRow], list[Problem]]:
    """The rows of one sheet, and a note when the workbook has others and none was named."""
    from openpyxl import load_workbook  # deferred: openpyxl import costs ~0.2 s

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise RecipientError(Problem(str(path), N_("not a readable .xlsx workbook: {error}"),
                                     code="recipients.xlsx_unreadable", params={"error": str(err)})) from err
    try:
        worksheet = _sheet(workbook, path, sheet)
        title: str = worksheet.title
        notes = [] if sheet is not None else _sheet_note(path, [ws.title for ws in workbook.worksheets])
        rows = worksheet.iter_rows(values_only=True)
        texts = [text(name) for name in next(rows, ())]
        names = map_headers(path, texts, lookup)
        headers = renamed(texts, names)
        found: list[RawRow] = []
        empty: list[tuple[int, int]] = []  # (row, column) of empty cells: formulas never calculated?
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or text(cell) == "" for cell in cells):
                continue
            empty += [(number, col) for col, cell in enumerate(cells) if cell is None and col < len(names)]
            found.append(RawRow(number, {n: c for n, c in zip(names, cells) if n}, headers))
    finally:
        workbook.close()
    _refuse_uncalculated(path, title, names, empty)
    return found, notes


def _sheet_note(path: Path, titles: list[str]) -> list[Problem]:
    if len(titles) < 2:
        return []
    others = ", ".join(map(repr, titles[1:]))
    return [Problem(str(path), N_("read sheet {sheet!r}, the first of {count} ({others} not read)"),
                    severity="note", fix=N_("pick another with --sheet NAME or recipients: {{file: …, sheet: NAME}} "
                                            "in campaign.yaml"),
                    code="recipients.first_sheet", params={"sheet": titles[0], "count": len(titles), "others": others})]


def _sheet(workbook: Any, path: Path, name: str | None) -> Any:
    """The named worksheet (exact name, else the one name that differs only in case), else the first.

    Raises:
        RecipientError: listing the sheets when no sheet has that name.
    """
    sheets = {ws.title: ws for ws in workbook.worksheets}
    if name is None:
        return workbook.worksheets[0]
    if name in sheets:
        return sheets[name]
    alike = [title for title in sheets if title.strip().casefold() == name.strip().casefold()]
    if len(alike) == 1:
        return sheets[alike[0]]
    raise RecipientError(Problem(str(path), N_("the workbook has no sheet {sheet!r}; its sheets: {sheets}"),
                                 fix=N_("use one of these names with --sheet or sheet: in campaign.yaml"),
                                 code="recipients.sheet_unknown",
                                 params={"sheet": name, "sheets": ", ".join(map(repr, sheets))}))


def _refuse_uncalculated(path: Path, sheet: str | None, names: list[str], empty: list[tuple[int, int]]) -> None:
    """Raise when an empty cell holds a formula without a saved result (written by a program,
    never opened in Excel): its value is unknown, not empty."""
    if not empty or not _has_formulas(path):
        return
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = {(number, col): cell
                    for number, cells in enumerate(_sheet(workbook, path, sheet).iter_rows(min_row=2, values_only=True),
                                                   start=2)
                    for col, cell in enumerate(cells) if isinstance(cell, str) and cell.startswith("=")}
    finally:
        workbook.close()
    problems = [Problem(str(path), N_("cell {cell} holds the formula {formula} without a calculated value"),
                        N_("row {row}"), names[col],
                        fix=N_("open the workbook in Excel or LibreOffice Calc and save it, so the values are stored"),
                        code="recipients.formula_uncalculated",
                        params={"cell": f"{get_column_letter(col + 1)}{number}", "formula": formulas[number, col],
                                "row": number})
                for number, col in empty if (number, col) in formulas]
    if problems:
        raise RecipientError(problems)


def _has_formulas(path: Path) -> bool:
    """Cheap look into the sheets' XML for a formula element."""
    with zipfile.ZipFile(path) as archive:
        sheets = (archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
        return any(b"<f>" in data or b"<f " in data for data in sheets)
