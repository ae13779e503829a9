"""Reading PDFs back like a person would: text with positions in millimetres from the top-left."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class Placed:
    text: str
    x_mm: float  # from the left edge
    y_mm: float  # baseline, from the top edge


def placed_text(pdf: Path, page: int = 0) -> list[Placed]:
    """Return the non-empty text pieces of a page with their positions."""
    reader_page = PdfReader(pdf).pages[page]
    height = float(reader_page.mediabox.height)
    items: list[Placed] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            items.append(Placed(text.strip(), x * PT_TO_MM, (height - y) * PT_TO_MM))

    reader_page.extract_text(visitor_text=visit)
    return items


def find(items: list[Placed], needle: str) -> Placed:
    """Return the first piece that contains ``needle``."""
    for item in items:
        if needle in item.text:
            return item
    raise AssertionError(f"{needle!r} not found in {[i.text for i in items]}")


def page_texts(pdf: Path) -> list[str]:
    """Return each page's text with whitespace folded."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
