"""Reading a rendered DOCX for merged conversion: its per-letter parts, its template key, why it cannot merge.

A letter can share a LibreOffice document with letters of the same template when everything
but its body, headers and footers is byte-identical to theirs (the *template key*) and it holds
nothing whose meaning depends on the rest of the document: notes and comments (their ids would
collide), fields other than PAGE and NUMPAGES, numbered lists (numbering would continue from
the letter before), several sections, a table as last element, a different first page or
positioned frames or tables (LibreOffice before 25.2 misplaces both after a section break;
``placed_ok`` allows them where LibreOffice keeps them), floating pictures, or characters outside
:data:`ALPHABET` (the glyphs every merged document renders first, see ``_docx_merge``).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "p": PKG}
DOCUMENT = "word/document.xml"
RELS = "word/_rels/document.xml.rels"
HEADER_FOOTER = (R + "/header", R + "/footer")
ALPHABET = "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x100))) + \
    "–—‘’‚“”„…•€†‡‰‹›™§·−≤≥≈≠∙■□▪►✓"
LIGATURES = ["fi", "fl", "ff", "ffi", "ffl", "ft", "tt"]
ALLOWED_FIELDS = {"PAGE", "NUMPAGES"}
_UNSAFE = {"footnoteReference": N_("footnotes"), "endnoteReference": N_("endnotes"),
           "commentReference": N_("comments"), "commentRangeStart": N_("comments"),
           "altChunk": N_("embedded documents"), "subDoc": N_("subdocuments")}


@dataclass
class Letter:
    """One rendered DOCX: ``parts`` (name → bytes), ``key`` (same template), ``reason`` it cannot merge."""

    path: Path
    parts: dict[str, bytes] = field(default_factory=dict)
    key: str = ""
    reason: str = ""
    own: list[str] = field(default_factory=list)  # header and footer parts, in relationship order
    numpages: bool = False  # a NUMPAGES field is printed somewhere
    placed_ok: bool = False  # the LibreOffice converting it keeps a first page and frames after a section break
    placed: bool = False  # it has a different first page or positioned frames, tables or pictures


def read_letter(path: Path, placed_ok: bool = False) -> Letter:
    """Read ``path``; ``reason`` says why it must be converted alone (empty: it can merge), as a ``Phrase``.

    ``placed_ok``: a different first page and positioned frames are no reason (LibreOffice 25.2 or later).
    """
    letter = Letter(path, placed_ok=placed_ok)
    try:
        with zipfile.ZipFile(path) as archive:
            letter.parts = {info.filename: archive.read(info) for info in archive.infolist()}
        letter.reason = _check(letter)
    except (zipfile.BadZipFile, OSError, KeyError, etree.XMLSyntaxError, ValueError) as err:
        letter.reason = Phrase(N_("not readable as a Word document ({kind})"), {"kind": type(err).__name__})
    return letter


def _check(letter: Letter) -> str:
    parts = letter.parts
    rels = etree.fromstring(parts[RELS])
    letter.own = ["word/" + rel.get("Target", "") for rel in rels.iterfind("p:Relationship", NS)
                  if rel.get("Type") in HEADER_FOOTER]
    if any(name not in parts for name in letter.own):
        return Phrase(N_("a header or footer outside the package"))
    shared = sorted(name for name in parts if name != DOCUMENT and name not in letter.own)
    digest = hashlib.sha256()
    for name in shared:
        digest.update(name.encode() + b"\0" + hashlib.sha256(parts[name]).digest())
    letter.key = digest.hexdigest()
    document = etree.fromstring(parts[DOCUMENT])
    printed = [document] + [etree.fromstring(parts[name]) for name in letter.own]
    for check in (_unsafe_elements, _sections, _fields, _characters):
        reason = check(letter, printed)
        if reason:
            return reason
    return _numbering(parts, document)


def _unsafe_elements(letter: Letter, printed: list[etree._Element]) -> str:
    for tag, what in _UNSAFE.items():
        if any(root.find(f".//w:{tag}", NS) is not None for root in printed):
            return Phrase(N_("it has {what}"), {"what": Phrase(what)})
    if any(root.find(".//w:hyperlink[@w:anchor]", NS) is not None for root in printed):
        return Phrase(N_("it links to a bookmark"))
    return ""


def _sections(letter: Letter, printed: list[etree._Element]) -> str:
    body = printed[0].find("w:body", NS)
    if body is None or len(body) < 2 or body[-1].tag != f"{{{W}}}sectPr":
        return Phrase(N_("it has no final section properties"))
    if body.find(".//w:pPr/w:sectPr", NS) is not None:
        return Phrase(N_("it has several sections"))
    kind = body[-1].find("w:type", NS)
    if kind is not None and kind.get(f"{{{W}}}val") != "nextPage":
        return Phrase(N_("its section starts as '{start}'"), {"start": kind.get(f"{{{W}}}val")})
    if body[-2].tag != f"{{{W}}}p":
        return Phrase(N_("it ends with a table"))
    first_page = body[-1].find("w:titlePg", NS) is not None
    if first_page and not letter.placed_ok:
        return Phrase(N_("its first page differs from the others (LibreOffice 7.4 loses that after a section break)"))
    positioned = Phrase(N_("it has positioned frames, tables or pictures"))
    if any(root.find(".//{*}anchor", NS) is not None for root in printed):  # floating pictures: not yet tested
        return positioned
    letter.placed = first_page or any(root.find(".//w:framePr", NS) is not None
                                      or root.find(".//w:tblpPr", NS) is not None for root in printed)
    return positioned if letter.placed and not letter.placed_ok else ""


def field_names(root: etree._Element) -> list[str]:
    """The names of the fields in ``root`` (complex and simple), upper-case."""
    codes = [node.text or "" for node in root.iter(f"{{{W}}}instrText")]
    codes += [node.get(f"{{{W}}}instr", "") for node in root.iter(f"{{{W}}}fldSimple")]
    return [code.split()[0].upper() for code in codes if code.split()]


def _fields(letter: Letter, printed: list[etree._Element]) -> str:
    names = {name for root in printed for name in field_names(root)}
    other = sorted(names - ALLOWED_FIELDS)
    if other:
        return Phrase(N_("it has the field {field}"), {"field": other[0]})
    letter.numpages = "NUMPAGES" in names
    if letter.numpages and any(len(field_names(root)) != _plain_fields(root) for root in printed):
        return Phrase(N_("its NUMPAGES field has switches or is nested"))
    return ""


_PLAIN = re.compile(r"^\s*(PAGE|NUMPAGES)(\s+\\\* (MERGEFORMAT|Arabic))*\s*$", re.IGNORECASE)


def _plain_fields(root: etree._Element) -> int:
    """How many fields of ``root`` are a bare PAGE/NUMPAGES in one instruction run (or simple field)."""
    complex_codes = [node.text or "" for node in root.iter(f"{{{W}}}instrText") if (node.text or "").strip()]
    simple = [node.get(f"{{{W}}}instr", "") for node in root.iter(f"{{{W}}}fldSimple")]
    begins = sum(1 for node in root.iter(f"{{{W}}}fldChar") if node.get(f"{{{W}}}fldCharType") == "begin")
    plain = [code for code in complex_codes + simple if _PLAIN.match(code)]
    return len(plain) if begins == len(complex_codes) else -1


def _characters(letter: Letter, printed: list[etree._Element]) -> str:
    text = {ch for root in printed for node in root.iter(f"{{{W}}}t") for ch in node.text or ""}
    if any(root.find(".//w:sym", NS) is not None for root in printed):
        return Phrase(N_("it has symbol characters"))
    outside = sorted(text - set(ALPHABET))
    if outside:
        return Phrase(N_("characters outside the shared font set: {characters}"), {"characters": "".join(outside[:5])})
    return ""


def _numbering(parts: dict[str, bytes], document: etree._Element) -> str:
    """Numbered (not bulleted) lists would count on from the letter before: refuse them."""
    if "word/numbering.xml" not in parts:
        return ""
    styles = etree.fromstring(parts["word/styles.xml"]) if "word/styles.xml" in parts else None
    style_nums = {}
    for style in styles.iterfind("w:style", NS) if styles is not None else ():
        num = style.find("w:pPr/w:numPr/w:numId", NS)
        if num is not None:
            style_nums[style.get(f"{{{W}}}styleId")] = num.get(f"{{{W}}}val")
    used = {node.get(f"{{{W}}}val") for node in document.iterfind(".//w:numPr/w:numId", NS)}
    used |= {style_nums.get(node.get(f"{{{W}}}val")) for node in document.iterfind(".//w:pStyle", NS)}
    used -= {None, "0"}
    numbering = etree.fromstring(parts["word/numbering.xml"])
    for num in numbering.iterfind("w:num", NS):
        if num.get(f"{{{W}}}numId") in used:
            abstract = num.find("w:abstractNumId", NS)
            wanted = abstract.get(f"{{{W}}}val") if abstract is not None else None
            formats = [fmt.get(f"{{{W}}}val") for level in numbering.iterfind("w:abstractNum", NS)
                       if level.get(f"{{{W}}}abstractNumId") == wanted for fmt in level.iterfind(".//w:numFmt", NS)]
            if not formats or any(fmt not in ("bullet", "none") for fmt in formats):
                return Phrase(N_("it has a numbered list"))
    return ""
