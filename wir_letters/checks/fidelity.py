"""The PDF shows what the DOCX says: every printed word of a filled DOCX must appear in its PDF.

Text clipped by a frame, text box or table row of fixed height, pushed off the page, formatted
as hidden (``w:vanish``) or dropped by LibreOffice loses words between DOCX and PDF. Comparing
the two as multisets of words finds that without any knowledge of the layout:

* body and note words must appear in the PDF at least as often as in the DOCX;
* header and footer words (repeated on every page) need only appear once, and only the
  headers and footers that are printed count;
* field results (PAGE, DATE …) are left out: LibreOffice computes them anew;
* a word still short gets a second chance in the PDF text with all whitespace removed, which
  catches letter-spaced text that the PDF splits into letters and words glued together.

The DOCX side is read in ``_docx_words``, the PDF side (with clip paths) in ``_pdf_words``,
both normalised by ``_words``.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # pypdfium2 ships no py.typed marker
from lxml import etree

from wir_letters.checks._docx_words import DocxWords, docx_words
from wir_letters.checks._pdf_words import PdfWords, read_pdf
from wir_letters.i18n import N_, render

HINT = N_("text is cut off or hidden in the PDF: a frame, text box or table cell may be too small "
          "for the value, or text is formatted as hidden; make it larger or shorten the value")
SHOWN = 12  # missing words named in a message


def compare(expected: DocxWords, found: PdfWords) -> list[str]:
    """The words of ``expected`` that ``found`` lacks, in their DOCX spelling, sorted."""
    need = Counter(expected.counted)
    for word in expected.once:
        need[word] = max(need[word], 1)
    short = {word for word, times in need.items()
             if found.counted[word] < times and found.glued.count(word) < times}
    spelling = expected.spellings(short) if short else {}
    return sorted((spelling.get(word, word) for word in short), key=lambda w: (w.casefold(), w))


def missing_words(docx: Path, pdf: Path) -> list[str]:
    """The printed words of ``docx`` that its PDF lacks (each once, sorted).

    Raises:
        pypdfium2.PdfiumError: when the PDF cannot be opened.
    """
    found = read_pdf(pdf)
    return compare(docx_words(docx, found.pages), found)


def fidelity_problem(docx: Path, pdf: Path) -> str | None:
    """None when the PDF shows every printed word of the DOCX, else one message saying why not (in the
    chosen language)."""
    try:
        found = read_pdf(pdf)
    except (pdfium.PdfiumError, OSError) as error:
        return render(N_("{docx}: its PDF {pdf} cannot be read ({error})"),
                      {"docx": docx.name, "pdf": pdf.name, "error": error})
    try:
        missing = compare(docx_words(docx, found.pages), found)
    except (OSError, ValueError, RecursionError, zipfile.BadZipFile, etree.LxmlError) as error:
        return render(N_("{docx}: the DOCX cannot be read to compare it with its PDF ({error})"),
                      {"docx": docx.name, "error": error})
    if not missing:
        return None
    params = {"docx": docx.name, "words": ", ".join(missing[:SHOWN]), "more": len(missing) - SHOWN,
              "hint": render(HINT)}
    if len(missing) > SHOWN:
        return render(N_("{docx}: words missing from the PDF: {words} and {more} more; {hint}"), params)
    return render(N_("{docx}: words missing from the PDF: {words}; {hint}"), params)
