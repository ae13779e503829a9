"""The words a reader sees in a PDF: text outside the page box or cut away by a clip path does not count.

A frame, text box or table cell too small for its text makes LibreOffice clip the text
object; pdfium still extracts it. The characters whose centre falls outside the page or their
clip box are left out here.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # pypdfium2 ships no py.typed marker
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]  # (the same package)

from wir_letters.checks._words import glued, pdf_text, pdf_words
from wir_letters.pdf.pdfium import PDFIUM_LOCK

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF units

_PDFIUM = PDFIUM_LOCK  # pdfium is not thread-safe: one document at a time, in every thread


@dataclass(frozen=True)
class PdfWords:
    """The words a reader sees in a PDF, normalised, from ``text`` (:func:`pdf_text`)."""

    pages: int
    counted: Counter[str]
    text: str

    @cached_property
    def glued(self) -> str:
        """The text without line-end hyphens and whitespace: letter-spaced words are whole."""
        return glued(self.text)


def _clip_box(clip: Any) -> Box | None:
    """The bounding box of a clip path (the intersection of its paths), None if it has none."""
    box: Box | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        xs, ys = [], []
        for index in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, path)):
            pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFClipPath_GetPathSegment(clip, path, index), x, y)
            xs.append(x.value)
            ys.append(y.value)
        if xs:
            box = _intersect(box, (min(xs), min(ys), max(xs), max(ys)))
    return box


def _intersect(one: Box | None, two: Box) -> Box:
    if one is None:
        return two
    return max(one[0], two[0]), max(one[1], two[1]), min(one[2], two[2]), min(one[3], two[3])


def _clipped_objects(page: pdfium.PdfPage) -> dict[int, Box]:
    """The text objects of a page that a clip path cuts, with the box they remain visible in.

    pdfium drops a clip path that contains its object whole, so most objects have none.
    """
    clipped = {}
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
        box = _clip_box(clip) if clip else None
        if box is not None:
            clipped[ctypes.cast(obj, ctypes.c_void_p).value or 0] = box
    return clipped


def _visible_chars(textpage: pdfium.PdfTextPage, clipped: dict[int, Box], page: Box) -> str:
    """The text of the characters whose centre lies inside the page and inside their clip."""
    raw = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[str] = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, index), ctypes.c_void_p).value
        if obj:  # generated spaces and line breaks have no object
            box = _intersect(clipped.get(obj), page)
            pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
            x, y = (left.value + right.value) / 2, (bottom.value + top.value) / 2
            if not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
                if chars and chars[-1] != " ":
                    chars.append(" ")
                continue
        chars.append(chr(pdfium_c.FPDFText_GetUnicode(raw, index)))
    return "".join(chars)


def _page_text(page: pdfium.PdfPage) -> str:
    """The text a reader sees on a page: none outside the page box or cut away by a clip."""
    textpage = page.get_textpage()
    try:
        clipped = _clipped_objects(page)
        box: Box = page.get_bbox()
        text: str = _visible_chars(textpage, clipped, box) if clipped else textpage.get_text_bounded(*box)
        return text
    finally:
        textpage.close()


def read_pdf(pdf: Path) -> PdfWords:
    """The words of ``pdf`` that a reader sees: text outside the page or cut away by a clip
    path (a frame, text box or table cell too small for it) does not count.

    Raises:
        pypdfium2.PdfiumError: when the PDF cannot be opened.
    """
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            texts = []
            for index in range(len(document)):
                page = document[index]
                texts.append(_page_text(page))
                page.close()
            pages = len(document)
        finally:
            document.close()
    text = pdf_text("\n".join(texts))
    return PdfWords(pages, Counter(pdf_words(text)), text)
