"""The printed words of a filled DOCX: body, text boxes and notes counted, printed headers and footers once.

Left out: field codes and results (LibreOffice computes them anew), deleted text, the
mc:Fallback copy of text boxes, the headers and footers of pages that never print.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from wir_letters.checks._words import WORD, without_soft_hyphens, words

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

_SKIPPED = {f"{{{W}}}instrText", f"{{{W}}}delText", f"{{{W}}}del", f"{{{W}}}moveFrom",
            f"{{{W}}}rPr", f"{{{W}}}pPr", f"{{{MC}}}Fallback"}
_CHARACTERS = {f"{{{W}}}tab": " ", f"{{{W}}}ptab": " ", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n",
               f"{{{W}}}noBreakHyphen": "-", f"{{{W}}}softHyphen": ""}
_NOT_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
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
        for original in WORD.findall(without_soft_hyphens(self.text)):
            for word in wanted.intersection(words(original)):
                found.setdefault(word, original)
            if len(found) == len(wanted):
                break
        return found


class _Story:
    """Collects the printed text of one story part, leaving out field codes and results."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.fields = 0  # open complex fields; their code and result are not collected

    def walk(self, node: etree._Element) -> None:
        """Collect the printed text below ``node``."""
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
        """The printed text of ``nodes``, each ending with a line break."""
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
