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
"""

from __future__ import annotations

import ctypes
import re
import threading
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

HINT = ("text is cut off or hidden in the PDF: a frame, text box or table cell may be too small "
        "for the value, or text is formatted as hidden; make it larger or shorten the value")
SHOWN = 12  # missing words named in a message

_WORD = re.compile(r"\w+")
_LINE_END_HYPHEN = re.compile(r"(\w+)[-\u2010][^\S\n]*\n\s*(?=(\w+))")
_LINE_END_DASH = re.compile(r"[-\u2010][^\S\n]*\n")
_SPACE = re.compile(r"\s+")

_SKIPPED = {f"{{{W}}}instrText", f"{{{W}}}delText", f"{{{W}}}del", f"{{{W}}}moveFrom",
            f"{{{W}}}rPr", f"{{{W}}}pPr", f"{{{MC}}}Fallback"}
_CHARACTERS = {f"{{{W}}}tab": " ", f"{{{W}}}ptab": " ", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n",
               f"{{{W}}}noBreakHyphen": "-", f"{{{W}}}softHyphen": ""}
_NOT_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one document at a time
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class DocxWords:
    """The printed words of a DOCX, normalised: ``counted`` must appear in the PDF at least as
    often (body, text boxes, notes), ``once`` at least once (printed headers and footers);
    ``text`` is the printed text they come from."""

    counted: Counter[str] = field(default_factory=Counter)
    once: frozenset[str] = frozenset()
    text: str = ""

    def spellings(self, wanted: set[str]) -> dict[str, str]:
        """The first spelling in the DOCX of each normalised word in ``wanted``."""
        found: dict[str, str] = {}
        for original in _WORD.findall(unicodedata.normalize("NFKC", self.text.replace("\u00ad", ""))):
            for word in wanted.intersection(words(original)):
                found.setdefault(word, original)
            if len(found) == len(wanted):
                break
        return found


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


def normalize(text: str) -> str:
    """NFKC-normalise and casefold ``text``; soft hyphens vanish (ligature ﬁ becomes fi)."""
    return unicodedata.normalize("NFKC", text.replace("\u00ad", "")).casefold()


def words(text: str) -> list[str]:
    """The words (``\\w+`` runs) of ``text``, normalised."""
    return _WORD.findall(normalize(text))


def pdf_text(text: str) -> str:
    """Normalise PDF text; pdfium's marks for a hyphen at a line break become "-" and a newline."""
    return normalize(text.replace("\x02", "-\n").replace("\ufffe", "-\n"))


def pdf_words(text: str) -> list[str]:
    r"""The words of normalised PDF text, plus each line-end hyphenation joined into one word
    ("Aus-\nschreibung" also yields "ausschreibung")."""
    return _WORD.findall(text) + [head + tail for head, tail in _LINE_END_HYPHEN.findall(text)]


def glued(text: str) -> str:
    """Normalised PDF text without line-end hyphens and whitespace."""
    return _SPACE.sub("", _LINE_END_DASH.sub("", text))


# --- DOCX -------------------------------------------------------------------------------------


class _Story:
    """Collects the printed text of one story part, leaving out field codes and results."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.fields = 0  # open complex fields; their code and result are not collected

    def walk(self, node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == f"{{{W}}}fldChar":
                kind = child.get(f"{{{W}}}fldCharType")
                self.fields += 1 if kind == "begin" else -1 if kind == "end" and self.fields else 0
                self.pieces.append(" ")  # the result stands apart from the text around it
            elif tag == f"{{{W}}}fldSimple":
                self.pieces.append(" ")
            elif self.fields:
                self.walk(child)  # nested fields still open and close
            elif tag == f"{{{W}}}t":
                self.pieces.append(child.text or "")
            elif tag in _CHARACTERS:
                self.pieces.append(_CHARACTERS[tag])
            else:
                self.walk(child)
                if tag == f"{{{W}}}p":
                    self.pieces.append("\n")

    @classmethod
    def text(cls, *nodes: etree._Element) -> str:
        story = cls()
        for node in nodes:
            story.walk(node)
            story.pieces.append("\n")
        return "".join(story.pieces)


def _read(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(archive.read(name), _PARSER)
    except KeyError:
        return None


def _relations(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map relation ids of word/document.xml to part names in the archive."""
    rels = _read(archive, "word/_rels/document.xml.rels")
    if rels is None:
        return {}
    found = {}
    for rel in rels.iter(f"{{{PKG}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("word", target))
            found[rel.get("Id", "")] = _collapse(path)
    return found


def _collapse(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _sections(body: etree._Element) -> list[etree._Element]:
    """The section properties of the body in order (not those inside tracked changes)."""
    return [s for s in body.iter(f"{{{W}}}sectPr") if etree.QName(s.getparent()).localname in ("pPr", "body")]


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{{{W}}}val", "true") not in ("0", "false", "off")


def _types_on_pages(title_page: bool, even_odd: bool, pages: range) -> set[str]:
    """Header types that the given page numbers of a section (1 = its first page) use."""
    return {"first" if title_page and page == 1 else "even" if even_odd and page % 2 == 0 else "default"
            for page in pages}


def _printed_types(index: int, section: etree._Element, count: int, pages: int, even_odd: bool) -> set[str]:
    """Header types that surely print in a section.

    A lone section spans the document's pages; in a document of several sections only each
    section's first page is certain (none for a continuous section after the first).
    """
    title_page = _on(section.find(f"{{{W}}}titlePg"))
    if count == 1:
        return _types_on_pages(title_page, even_odd, range(1, min(pages, 3) + 1))
    if index == 0:
        return _types_on_pages(title_page, even_odd, range(1, min(pages, 1) + 1))
    kind = section.find(f"{{{W}}}type")
    if kind is not None and kind.get(f"{{{W}}}val") == "continuous":
        return set()
    return {"first"} if title_page else set() if even_odd else {"default"}


def _even_and_odd(archive: zipfile.ZipFile) -> bool:
    """Whether word/settings.xml asks for separate even-page headers."""
    try:
        data = archive.read("word/settings.xml")
    except KeyError:
        return False
    settings = etree.fromstring(data, _PARSER) if b"evenAndOddHeaders" in data else None
    return settings is not None and _on(settings.find(f"{{{W}}}evenAndOddHeaders"))


def printed_headers(archive: zipfile.ZipFile, body: etree._Element, pages: int) -> list[str]:
    """Part names of the headers and footers that print on a document of ``pages`` pages."""
    even_odd = _even_and_odd(archive)
    relations = _relations(archive)
    sections = _sections(body)
    current: dict[tuple[str, str], str] = {}  # a section inherits what it does not set
    printed: list[str] = []
    for index, section in enumerate(sections):
        for ref in section:
            if ref.tag in (f"{{{W}}}headerReference", f"{{{W}}}footerReference"):
                current[ref.tag, ref.get(f"{{{W}}}type", "default")] = ref.get(f"{{{R}}}id", "")
        types = _printed_types(index, section, len(sections), pages, even_odd)
        printed += [relations[rid] for (_, kind), rid in current.items()
                    if kind in types and rid in relations and relations[rid] not in printed]
    return printed


def _referenced(body: etree._Element, tag: str) -> set[str]:
    return {ref.get(f"{{{W}}}id", "") for ref in body.iter(f"{{{W}}}{tag}")}


def docx_words(docx: Path, pages: int) -> DocxWords:
    """The printed words of ``docx`` when its PDF has ``pages`` pages.

    Counted: the body (tables, text boxes once, content controls, hyperlinks, insertions,
    hidden text), the real footnotes and endnotes; once: the headers and footers that print.
    Left out: field codes and results, deleted text, the mc:Fallback copy of text boxes.
    """
    with zipfile.ZipFile(docx) as archive:
        document = _read(archive, "word/document.xml")
        body = document.find(f"{{{W}}}body") if document is not None else None
        if body is None:
            return DocxWords()
        notes = "".join(_part_text(archive, name, frozenset(_referenced(body, ref)))
                        for name, ref in (("word/footnotes.xml", "footnoteReference"),
                                          ("word/endnotes.xml", "endnoteReference")))
        header_text = "".join(_part_text(archive, name) for name in printed_headers(archive, body, pages))
    text = _Story.text(body) + notes
    return DocxWords(Counter(words(text)), frozenset(words(header_text)), f"{text}\n{header_text}")


def _part_text(archive: zipfile.ZipFile, name: str, notes: frozenset[str] | None = None) -> str:
    """The printed text of a header, footer or notes part (only the ``notes`` given, for those).

    Headers and footers are mostly the same for every recipient: their text is kept by the
    part's CRC and size, so each distinct part is parsed once per build.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return ""
    if notes is not None and not notes:
        return ""
    key = (name, info.CRC, info.file_size, notes)
    text = _PART_TEXTS.get(key)
    if text is None:
        if len(_PART_TEXTS) > 256:
            _PART_TEXTS.clear()
        text = _PART_TEXTS[key] = _story_text(_read(archive, name), notes)
    return text


_PART_TEXTS: dict[tuple[str, int, int, frozenset[str] | None], str] = {}


def _story_text(root: etree._Element | None, notes: frozenset[str] | None) -> str:
    if root is None:
        return ""
    if notes is None:
        return _Story.text(root)
    return _Story.text(*(note for note in root if note.get(f"{{{W}}}type", "normal") not in _NOT_NOTES
                         and note.get(f"{{{W}}}id") in notes))


# --- PDF and comparison -----------------------------------------------------------------------


Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF units


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
        box = page.get_bbox()
        return _visible_chars(textpage, clipped, box) if clipped else textpage.get_text_bounded(*box)
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
    """None when the PDF shows every printed word of the DOCX, else one message saying why not."""
    try:
        found = read_pdf(pdf)
    except (pdfium.PdfiumError, OSError) as error:
        return f"{docx.name}: its PDF {pdf.name} cannot be read ({error})"
    try:
        missing = compare(docx_words(docx, found.pages), found)
    except (OSError, ValueError, RecursionError, zipfile.BadZipFile, etree.LxmlError) as error:
        return f"{docx.name}: the DOCX cannot be read to compare it with its PDF ({error})"
    if not missing:
        return None
    shown = ", ".join(missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    return f"{docx.name}: words missing from the PDF: {shown}{more}; {HINT}"
