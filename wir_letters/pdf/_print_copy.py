"""The copy of a DOCX that LibreOffice converts: the same document without the styles nobody uses.

Word saves its whole gallery of built-in table styles ("Light Grid Accent 1" …, about 100
styles and 300 KB) into ``word/styles.xml`` of every document made from its normal template,
beside dozens of paragraph and character styles the text never uses. LibreOffice imports each
of them on every conversion, which takes about half the time of converting a two-page letter.
A style is used only where an element names it (``w:pStyle``, ``w:rStyle``, ``w:tblStyle``,
``w:numStyle``, the numbering's style links, the table and click-and-type defaults) and through
``w:basedOn``, ``w:link`` and ``w:next`` of a style kept, so dropping those no element points
to cannot change a page (tests compare the page images). Fields that name styles in their
instructions (STYLEREF, TOC) keep every paragraph and character style. Everything else is
copied unchanged; a file that is not a readable DOCX is copied as it is, for LibreOffice to
report.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES = "word/styles.xml"
_REFERRING = ("pStyle", "rStyle", "tblStyle", "numStyle", "styleLink", "numStyleLink", "defaultTableStyle",
              "clickAndTypeStyle")  # elements naming a style by its id
_STYLE_LINKS = ("basedOn", "link", "next")  # how a style names others
_BY_ROLE = frozenset({  # styles LibreOffice applies by their name, without an element naming them
    "normal", "default paragraph font", "footnote text", "footnote reference", "endnote text", "endnote reference",
    "line number", "page number", "hyperlink", "followedhyperlink", "header", "footer", "annotation text",
    "annotation reference", "caption"})
_TOC = re.compile(rb"\btoc\b")  # a TOC field, in lower-cased XML
_STYLE_PARTS = ("styles.xml", "stylesWithEffects.xml")  # where styles are defined, not used
_pruned: dict[tuple[bytes, frozenset[str], frozenset[str]], bytes | None] = {}  # (digest, used, droppable) -> styles
_lock = threading.Lock()


def write_print_copy(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` without its unused styles (a plain copy if it is no DOCX)."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
        styles = pruned_styles({info.filename: data for info, data in members})
    except (zipfile.BadZipFile, OSError, KeyError, etree.XMLSyntaxError, ValueError, EOFError, RuntimeError):
        styles = None
    if styles is None:
        shutil.copyfile(source, target)
        return
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as copy:  # a scratch file: no time on compression
        for info, data in members:
            entry = zipfile.ZipInfo(info.filename, info.date_time)  # the entry's own date, not the clock's
            entry.external_attr = info.external_attr
            copy.writestr(entry, styles if info.filename == STYLES else data, zipfile.ZIP_STORED)


def pruned_styles(parts: dict[str, bytes]) -> bytes | None:
    """``word/styles.xml`` of ``parts`` without unreferenced styles; None when it has none to drop."""
    styles = parts.get(STYLES)
    if styles is None:
        return None
    droppable = frozenset({"table"} if _names_styles(parts) else {"table", "paragraph", "character", "numbering"})
    key = (hashlib.sha256(styles).digest(), frozenset(_style_references(parts)), droppable)
    with _lock:
        if key not in _pruned:
            _pruned[key] = _prune(styles, key[1], droppable)
        return _pruned[key]


def _content_parts(parts: dict[str, bytes]) -> Iterator[bytes]:
    """The XML parts that may use styles: everything but the style definitions."""
    return (data for name, data in parts.items() if name.lower().endswith(".xml") and not name.endswith(_STYLE_PARTS))


def _names_styles(parts: dict[str, bytes]) -> bool:
    """Whether styles may be used in ways not seen here: a field instruction naming them (STYLEREF, a
    TOC built from styles; any letter case) or an imported document part (``w:altChunk``)."""
    return any(_names_styles_in(data.lower()) for data in _content_parts(parts))


def _names_styles_in(xml: bytes) -> bool:
    """``_names_styles`` for one lower-cased part (substring tests first: a regex alternation is 20× slower)."""
    return b"styleref" in xml or b"altchunk" in xml or (b"toc" in xml and _TOC.search(xml) is not None)


def _style_references(parts: dict[str, bytes]) -> set[str]:
    """The style ids (or names: LibreOffice accepts either) named by elements outside the style parts."""
    used: set[str] = set()
    for data in _content_parts(parts):
        if b"tyle" in data:  # every referring element's name has it, whatever its namespace prefix
            root = etree.fromstring(data)
            used.update(node.get(f"{{{W}}}val", "") for tag in _REFERRING
                        for node in root.iter(f"{{{W}}}{tag}"))
    return used


def _prune(styles: bytes, used: frozenset[str], droppable: frozenset[str]) -> bytes | None:
    root = etree.fromstring(styles)
    nodes = {node.get(f"{{{W}}}styleId", ""): node for node in root.iterfind(f"{{{W}}}style")}
    if len(nodes) != len(root.findall(f"{{{W}}}style")):
        return None  # a style id defined twice: which one counts is LibreOffice's choice, so keep them all
    if not any(_is_default(node) and _kind(node) == "paragraph" for node in nodes.values()):
        droppable = droppable & {"table"}  # no default paragraph style: LibreOffice picks one by its name
    kept_names = _BY_ROLE | {value.lower() for value in used}  # LibreOffice's roles, and names used as ids
    keep = {sid for sid, node in nodes.items()
            if sid in used or _name(node) in kept_names or _is_default(node) or _kind(node) not in droppable}
    todo = list(keep)
    while todo:  # a kept style keeps the styles it names (based on, linked, next, …)
        node = nodes.get(todo.pop())
        named = {ref.get(f"{{{W}}}val", "") for tag in (*_REFERRING, *_STYLE_LINKS)
                 for ref in node.iter(f"{{{W}}}{tag}")} if node is not None else set()
        todo += [sid for sid in named - keep if sid]
        keep |= named
    unused = [node for sid, node in nodes.items() if sid not in keep]
    if not unused:
        return None
    for node in unused:
        root.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _kind(style: etree._Element) -> str:
    return style.get(f"{{{W}}}type", "paragraph")


def _is_default(style: etree._Element) -> bool:
    return style.get(f"{{{W}}}default") in ("1", "true", "on")


def _name(style: etree._Element) -> str:
    """The style's name in lower case (LibreOffice matches Word's names without regard to case)."""
    name = style.find(f"{{{W}}}name")
    return (name.get(f"{{{W}}}val", "") if name is not None else "").lower()
