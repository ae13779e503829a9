"""One PDF per recipient: the filled documents, then the attachments, one bookmark each."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from wir_letters.files import write_atomic
from wir_letters.pdf._pdfnorm import pdf_date


@dataclass(frozen=True)
class BundlePart:
    """A PDF (already opened, so that a reader can serve many bundles) and its bookmark title."""

    title: str
    pdf: PdfReader


def write_bundle(parts: Sequence[BundlePart], target: Path, *, title: str, author: str, day: dt.date) -> int:
    """Merge ``parts`` into ``target`` (atomically) with an outline entry per part.

    Returns:
        The page count of the bundle.
    """
    writer = PdfWriter()
    for part in parts:
        writer.append(part.pdf, outline_item=part.title, import_outline=False)
    writer.add_metadata({
        "/Title": title,
        "/Author": author,
        "/Producer": "wir_letters (pypdf)",
        "/CreationDate": pdf_date(day),
        "/ModDate": pdf_date(day),
    })
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue())
    return len(writer.pages)
