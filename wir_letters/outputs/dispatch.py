"""The dispatch list (Versandliste): one row per recipient, as XLSX and as CSV for German Excel.

    OUT/_print/versandliste.xlsx   header bold and frozen, columns sized, addresses wrapped
    OUT/_print/versandliste.csv    ``;``-separated, UTF-8 with BOM (Excel opens it with umlauts)

The rows come from the recipient list (its order, or sorted by postcode) and the manifest of the
last build: a recipient whose build failed, or that was never built, is listed with its state.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import Manifest, ManifestEntry
from wir_letters.documents.german import address_lines
from wir_letters.files import sha256_file, write_atomic
from wir_letters.i18n import N_, render
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient, read_recipients

PRINT_DIR = "_print"  # inside the output folder
XLSX_NAME, CSV_NAME = "versandliste.xlsx", "versandliste.csv"
Sort = Literal["list", "postcode"]
Cell = Union[str, int, dt.date]

HEADERS = [N_("No."), "ID", N_("Address"), N_("Postcode"), N_("City"), N_("E-mail"), N_("Documents"), N_("Pages"),
           N_("Sheets"), N_("Date"), "SHA-256", N_("State")]  # shown translated: see headers()
_ADDRESS_COLUMN, _DATE_COLUMN = 3, 10  # 1-based, as openpyxl counts
_MAX_WIDTH = 70

BUILT, FAILED, NOT_BUILT = N_("built"), N_("failed"), N_("not built")


@dataclass(frozen=True)
class PrintItem:
    """One recipient of the list with what its last build left: the bundle, or why there is none."""

    recipient: Recipient
    entry: ManifestEntry | None
    bundle: Path | None  # the bundle file, None when the recipient has no complete bundle

    @property
    def state(self) -> str:
        """``built``, ``failed`` (the last build failed) or ``not built`` (no entry or no bundle file)."""
        if self.bundle is not None:
            return BUILT
        return FAILED if self.entry is not None and self.entry.error is not None else NOT_BUILT

    @property
    def pages(self) -> int:
        """The bundle's page count as the manifest records it (0 without a bundle)."""
        return self.entry.pages if self.entry is not None and self.bundle is not None else 0

    @property
    def reason(self) -> str:
        """Why the recipient has no bundle ("" when it has one)."""
        if self.bundle is not None:
            return ""
        if self.entry is not None and self.entry.error is not None:
            return self.entry.error
        return render(N_("not built yet: run wir-letters build"))


@dataclass(frozen=True)
class DispatchList:
    """The dispatch list files written, and the items they list."""

    xlsx: Path
    csv: Path
    items: list[PrintItem]


def headers() -> list[str]:
    """The dispatch list's column headings in the chosen language (German: Nr., Anschrift, PLZ …)."""
    return [render(header) for header in HEADERS]


def print_folder(campaign: Campaign, out: Path | None = None) -> Path:
    """``OUT/_print/``: where the print run and the dispatch list go."""
    return OutputLayout.of(campaign, out).out / PRINT_DIR


def collect(campaign: Campaign, out: Path | None = None, sort: Sort = "list") -> list[PrintItem]:
    """The recipients of the campaign's list with their last build's outputs, in list order or
    sorted by postcode (stable: the list order within one postcode; no postcode comes last)."""
    layout = OutputLayout.of(campaign, out)
    manifest = Manifest.load(layout.manifest)
    items = []
    for recipient in read_recipients(campaign.recipients, campaign.schema).recipients:
        entry = manifest.get(recipient.id)
        bundle = layout.out / entry.bundle if entry is not None and entry.error is None and entry.bundle else None
        items.append(PrintItem(recipient, entry, bundle if bundle is not None and bundle.is_file() else None))
    if sort == "postcode":
        items.sort(key=lambda item: (not _text(item.recipient, "postcode"), _text(item.recipient, "postcode")))
    return items


def dispatch_rows(campaign: Campaign, items: Sequence[PrintItem]) -> list[list[Cell]]:
    """The rows of the dispatch list (without the header), numbered from 1."""
    attachments = [attachment.title for attachment in campaign.attachments]
    rows: list[list[Cell]] = []
    for number, item in enumerate(items, start=1):
        fields = {key: str(value) for key, value in item.recipient.fields.items() if value is not None}
        built = item.entry.documents if item.entry is not None and item.bundle is not None else {}
        titles = [built[doc.id].title for doc in campaign.documents if doc.id in built]  # in bundle order
        rows.append([
            number, item.recipient.id, "\n".join(address_lines(fields, campaign.letter_rules)),
            fields.get("postcode", ""), fields.get("city", ""), fields.get("email", ""),
            ", ".join(titles + (attachments if titles else [])), item.pages, math.ceil(item.pages / 2),
            campaign.date, sha256_file(item.bundle) if item.bundle is not None else "", render(item.state),
        ])
    return rows


def write_dispatch_list(campaign: Campaign, out: Path | None = None, sort: Sort = "list",
                        items: Sequence[PrintItem] | None = None) -> DispatchList:
    """Write ``OUT/_print/versandliste.xlsx`` and ``.csv`` atomically (``items`` as ``collect`` gives
    them, read when not given)."""
    listed = list(items) if items is not None else collect(campaign, out, sort)
    rows = dispatch_rows(campaign, listed)
    folder = print_folder(campaign, out)
    write_atomic(folder / XLSX_NAME, _xlsx(rows))
    write_atomic(folder / CSV_NAME, _csv(rows))
    return DispatchList(folder / XLSX_NAME, folder / CSV_NAME, listed)


def _text(recipient: Recipient, column: str) -> str:
    value = recipient.fields.get(column)
    return "" if value is None else str(value).strip()


def _csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows:
        writer.writerow([cell.strftime("%d.%m.%Y") if isinstance(cell, dt.date) else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: Sequence[Sequence[Cell]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Versandliste"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    date_column = _DATE_COLUMN
    for (cell,) in sheet.iter_rows(min_row=2, min_col=date_column, max_col=date_column):
        cell.number_format = "DD.MM.YYYY"
    for (cell,) in sheet.iter_rows(min_row=2, min_col=_ADDRESS_COLUMN, max_col=_ADDRESS_COLUMN):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers(), start=1):
        lengths = [len(line) for row in rows for line in _shown(row[column - 1]).splitlines()]
        width = max([len(header), *lengths]) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(width, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(cell: Cell) -> str:
    return "dd.mm.yyyy" if isinstance(cell, dt.date) else str(cell)
