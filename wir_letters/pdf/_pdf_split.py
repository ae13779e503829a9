"""Split a merged conversion's PDF back into one PDF per letter, and check that the split is sound.

Each letter starts at the named destination of its bookmark ``WirMerge<k>``; the pages before
the first one are the glyph prelude and are dropped. A letter's PDF is sound when every font
its pages use was numbered by the prelude and holds no glyph beyond the prelude's (then its
bytes do not depend on the other letters of the group), and its page count equals the
NUMPAGES value written into it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

_MARK = re.compile(r"^/?WirMerge(\d+)(?:\D.*)?$")


@dataclass(frozen=True)
class Piece:
    """One letter's PDF (``data``), its ``pages``, and whether its fonts are the prelude's (``pure``)."""

    data: bytes
    pages: int
    pure: bool


def split_merged(data: bytes, letters: int) -> list[Piece] | None:
    """The letters of a merged PDF, or None when its markers are missing or out of order."""
    reader = PdfReader(io.BytesIO(data))
    starts: dict[int, int] = {}
    for name, destination in reader.named_destinations.items():
        found = _MARK.match(str(name))
        if found and int(found.group(1)) < letters:
            page = reader.get_destination_page_number(destination)
            starts.setdefault(int(found.group(1)), -1 if page is None else page)
    order = [starts.get(k, -1) for k in range(letters)]
    if -1 in order or order[0] < 1 or any(b <= a for a, b in zip(order, order[1:])):
        return None
    prelude = _font_limits(reader, range(order[0]))
    bounds = list(zip(order, order[1:] + [len(reader.pages)]))
    return [_piece(reader, range(start, end), prelude) for start, end in bounds]


def _piece(reader: PdfReader, pages: range, prelude: dict[int, int]) -> Piece:
    writer = PdfWriter()
    pure = True
    for number in pages:
        page = reader.pages[number]
        fonts = _fonts(page)
        for font in fonts.values():
            described = font.get_object()
            last = int(described.get("/LastChar", 0)) if isinstance(described, DictionaryObject) else 0
            pure = pure and font.idnum in prelude and last <= prelude[font.idnum]
        _prune(page)
        writer.add_page(page)
    info = reader.metadata
    if info is not None:
        writer.add_metadata({key: value for key, value in info.items() if key in ("/Creator", "/Producer", "/Title")})
    root = reader.trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    for key in ("/Lang", "/ViewerPreferences"):
        if key in root:
            writer._root_object[NameObject(key)] = root[key].clone(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return Piece(buffer.getvalue(), len(pages), pure)


def _fonts(page: PageObject) -> dict[str, IndirectObject]:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
    if fonts is None:
        return {}
    used = _names(page)
    return {name: ref for name, ref in fonts.get_object().items()
            if isinstance(ref, IndirectObject) and name in used}


def _content(page: PageObject) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _names(page: PageObject) -> set[str]:
    """The resource names a page's content streams mention (``/F1`` …)."""
    data = _content(page)
    return {"/" + name.decode("latin-1") for name in re.findall(rb"/([A-Za-z][A-Za-z0-9_.]*)", data)}


def _font_limits(reader: PdfReader, pages: range) -> dict[int, int]:
    """For each font object the prelude pages use: its LastChar (the prelude numbered its glyphs first)."""
    limits: dict[int, int] = {}
    for number in pages:
        for font in _fonts(reader.pages[number]).values():
            limits[font.idnum] = _prelude_codes(reader, pages, font)
    return limits


def _prelude_codes(reader: PdfReader, pages: range, font: IndirectObject) -> int:
    """The highest character code the prelude pages show in ``font``."""
    highest = 0
    for number in pages:
        page = reader.pages[number]
        names = [name for name, ref in _fonts(page).items() if ref.idnum == font.idnum]
        data = _content(page)
        for name in names:
            for shown in re.findall(rb"/" + re.escape(name[1:].encode()) + rb"\s[\d.]+\s+Tf\s*(.*?)(?=/\w+\s[\d.]+\s+Tf|ET)",
                                    data, re.S):
                codes = [bytes.fromhex(h.decode()) for h in re.findall(rb"<([0-9A-Fa-f]*)>", shown)]
                highest = max([highest] + [max(code) for code in codes if code])
    return highest


def _prune(page: PageObject) -> None:
    """Keep only the resources the page's content names, so no other letter's fonts ride along."""
    resources = page.get("/Resources")
    if resources is None:
        return
    used = _names(page)
    pruned = DictionaryObject()
    for kind, entries in resources.get_object().items():
        entries = entries.get_object()
        if isinstance(entries, DictionaryObject):
            pruned[NameObject(kind)] = DictionaryObject({NameObject(k): v for k, v in entries.items() if k in used})
        elif isinstance(entries, ArrayObject):
            pruned[NameObject(kind)] = entries
    page[NameObject("/Resources")] = pruned
