"""The copy of a DOCX that LibreOffice converts: the same document without the table styles nobody uses.

Word saves its whole gallery of built-in table styles ("Light Grid Accent 1" …, about 100
styles and 300 KB) into ``word/styles.xml`` of every document made from its normal template.
LibreOffice imports each of them on every conversion, which takes about half the time of
converting a two-page letter. A table style can only be used through ``w:tblStyle`` (or the
``w:defaultTableStyle`` setting) and ``w:basedOn`` of another table style, so dropping those
no element points to cannot change a page (tests compare the page images). Everything else
is copied unchanged; a file that is not a readable DOCX is copied as it is, for LibreOffice to
report.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES = "word/styles.xml"
_REFERENCE = re.compile(rb"<(?:\w+:)?(?:tblStyle|defaultTableStyle)[\s/>]")  # an element naming a table style
_STYLE_PARTS = ("styles.xml", "stylesWithEffects.xml")  # where table styles are defined, not used
_pruned: dict[tuple[bytes, frozenset[str]], bytes] = {}  # (styles digest, used ids) -> pruned styles.xml
_lock = threading.Lock()


def write_print_copy(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` without its unused table styles (a plain copy if it is no DOCX)."""
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
    """``word/styles.xml`` of ``parts`` without unreferenced table styles; None when it has no table style."""
    styles = parts.get(STYLES)
    if styles is None or b'w:type="table"' not in styles:
        return None
    key = (hashlib.sha256(styles).digest(), frozenset(_table_style_references(parts)))
    with _lock:
        if key not in _pruned:
            _pruned[key] = _prune(styles, key[1])
        return _pruned[key]


def _table_style_references(parts: dict[str, bytes]) -> set[str]:
    """The style ids named by ``w:tblStyle`` or ``w:defaultTableStyle`` outside the style parts."""
    used: set[str] = set()
    for name, data in parts.items():
        if not name.lower().endswith(".xml") or name.endswith(_STYLE_PARTS) or not _REFERENCE.search(data):
            continue
        root = etree.fromstring(data)
        for tag in ("tblStyle", "defaultTableStyle"):
            used.update(node.get(f"{{{W}}}val", "") for node in root.iter(f"{{{W}}}{tag}"))
    return used


def _prune(styles: bytes, used: frozenset[str]) -> bytes:
    root = etree.fromstring(styles)
    tables = {node.get(f"{{{W}}}styleId", ""): node for node in root.iterfind(f"{{{W}}}style")
              if node.get(f"{{{W}}}type") == "table"}
    keep = set(used) | {sid for sid, node in tables.items() if node.get(f"{{{W}}}default") in ("1", "true", "on")}
    todo = list(keep)
    while todo:  # a kept style keeps the styles it is based on
        node = tables.get(todo.pop())
        based = node.find(f"{{{W}}}basedOn") if node is not None else None
        parent = based.get(f"{{{W}}}val", "") if based is not None else ""
        if parent and parent not in keep:
            keep.add(parent)
            todo.append(parent)
    unused = [node for sid, node in tables.items() if sid not in keep]
    for node in unused:
        root.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
