"""The print run: every bundle in one PDF, ready for a duplex printer.

    OUT/_print/<campaign>-druck.pdf

A cover page (and its blank back) with the counts comes first; then, in list order or sorted by
postcode for postal presorting, each recipient's bundle, starting on an odd page: a bundle with an
odd page count gets a blank page after it, marked "Leerseite" in small print, so the next one
starts on the front of a new sheet. An optional separator sheet (id and name, blank back) comes
before each bundle. The outline has one entry per recipient. Recipients without a complete bundle
(their last build failed, or they were never built) are left out and named on the cover page.
The dispatch list (``dispatch.py``) is written beside it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from wir_letters.files import write_atomic
from wir_letters.i18n import N_, language, render
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.names import safe_file_name
from wir_letters.outputs.dispatch import DispatchList, PrintItem, Sort, collect, print_folder, write_dispatch_list

BLANK_MARK = N_("Blank page")  # printed translated ("Leerseite") at the foot of an added back side
A4 = (595.0, 842.0)  # points
_MAX_MISSING_LINES = 40  # the cover page names at most this many missing recipients


@dataclass(frozen=True)
class PrintRun:
    """What ``print_run`` wrote: the PDF, the dispatch list, the counts and who is missing."""

    pdf: Path
    dispatch: DispatchList
    recipients: int  # recipients in the PDF
    pages: int  # pages of the PDF, cover, separators and blank pages included
    missing: list[PrintItem]  # recipients left out: no complete bundle

    @property
    def sheets(self) -> int:
        """Sheets of paper printed on both sides."""
        return (self.pages + 1) // 2


def print_run_name(campaign: Campaign) -> str:
    """``<campaign>-druck.pdf``: the campaign title as a safe file name."""
    return f"{re.sub(r'[ _-]+', '-', safe_file_name(campaign.title)).strip('-') or 'druck'}-druck.pdf"


def print_run(campaign: Campaign, out: Path | None = None, sort: Sort = "list", separator: bool = False) -> PrintRun:
    """Write ``OUT/_print/<campaign>-druck.pdf`` and the dispatch list, atomically.

    ``out`` is the build's output folder (default: the campaign's); ``sort`` is ``list`` (the
    recipient list's order) or ``postcode``; ``separator`` puts a sheet naming the recipient
    before each bundle. Recipients without a complete bundle are left out (``missing``).
    """
    items = collect(campaign, out, sort)
    included = [item for item in items if item.bundle is not None]
    missing = [item for item in items if item.bundle is None]
    readers = [(item, PdfReader(io.BytesIO(item.bundle.read_bytes()))) for item in included if item.bundle]
    body = sum((2 if separator else 0) + _even(len(reader.pages)) for _, reader in readers)
    total = 2 + body
    writer = PdfWriter()
    _text_page(writer, A4, _cover_lines(campaign, len(included), total, missing, sort))
    _blank_page(writer, A4)
    for item, reader in readers:
        first = len(writer.pages)
        if separator:
            _text_page(writer, A4, [item.recipient.id, item.recipient.name], font_size=18)
            _blank_page(writer, A4)
        writer.append(reader, import_outline=False)
        if len(reader.pages) % 2:
            last = writer.pages[-1].mediabox
            _blank_page(writer, (float(last.width), float(last.height)))
        writer.add_outline_item(title=outline_title(item), page_number=first)
    writer.add_metadata({"/Title": f"{campaign.title}: Druckauftrag"})
    buffer = io.BytesIO()
    writer.write(buffer)
    target = print_folder(campaign, out) / print_run_name(campaign)
    write_atomic(target, buffer.getvalue())
    dispatch = write_dispatch_list(campaign, out, sort, items)
    return PrintRun(target, dispatch, len(included), len(writer.pages), missing)


def outline_title(item: PrintItem) -> str:
    """The outline entry of a recipient: ``id: name``."""
    return f"{item.recipient.id}: {item.recipient.name}"


def _even(pages: int) -> int:
    return pages + pages % 2


def _cover_lines(campaign: Campaign, recipients: int, pages: int, missing: Sequence[PrintItem],
                 sort: Sort) -> list[str]:
    day = campaign.date.strftime("%d.%m.%Y" if language() == "de" else "%Y-%m-%d")
    lines = [
        render(N_("Print run: {title}"), {"title": campaign.title}),
        render(N_("Date: {date}"), {"date": day}),
        "",
        render(N_("Recipients: {count}"), {"count": recipients}),
        render(N_("Sheets (both sides): {count}"), {"count": (pages + 1) // 2}),
        render(N_("Pages: {count}"), {"count": pages}),
        render(N_("Order: by postcode") if sort == "postcode" else N_("Order: as in the recipient list")),
    ]
    if missing:
        lines += ["", render(N_("Missing ({count}, no complete bundle):"), {"count": len(missing)})]
        lines += [f"  {item.recipient.id}: {item.recipient.name}" for item in missing[:_MAX_MISSING_LINES]]
        if len(missing) > _MAX_MISSING_LINES:
            lines.append(render(N_("  ... and {count} more (see versandliste.xlsx)"),
                                {"count": len(missing) - _MAX_MISSING_LINES}))
    return lines


def _blank_page(writer: PdfWriter, size: tuple[float, float]) -> None:
    """A blank back side, marked "Leerseite" in small print at its foot."""
    _text_page(writer, size, [render(BLANK_MARK)], font_size=7, top=False)


def _text_page(writer: PdfWriter, size: tuple[float, float], lines: Sequence[str], font_size: float = 11,
               top: bool = True) -> None:
    """Add a page of ``size`` with ``lines`` in Helvetica (a standard font: nothing is embedded)."""
    width, height = size
    page = writer.add_blank_page(width=width, height=height)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    leading = font_size * 1.4
    y = height - 72 - font_size if top else 36.0
    ops = [f"BT /F1 {font_size:g} Tf {leading:g} TL 72 {y:g} Td".encode()]
    ops += [b"(" + _pdf_string(line) + b") '" for line in lines]
    ops.append(b"ET")
    stream = ContentStream(None, writer)
    stream.set_data(b"\n".join(ops))
    page.replace_contents(stream)


def _pdf_string(text: str) -> bytes:
    """``text`` for a PDF string in WinAnsiEncoding: umlauts kept, other characters as ``?``."""
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
