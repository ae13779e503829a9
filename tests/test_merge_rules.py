"""Which letters may merge, by LibreOffice version, and what the merged DOCX gives each letter (no LibreOffice)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from tests.test_merged_conversion import letter
from wir_letters.pdf._docx_merge import merged_docx
from wir_letters.pdf._docx_parts import NS, read_letter
from wir_letters.pdf._soffice import office_version
from wir_letters.pdf.convert import PLACED_SINCE


def _letter_starts(data: bytes) -> list[etree._Element]:
    """The first paragraph of each letter in a merged DOCX (the one holding its ``WirMerge`` mark)."""
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find("w:body", NS)
    assert body is not None
    return [mark.getparent() for mark in body.iterfind(".//w:bookmarkStart", NS)
            if mark.get(f"{{{NS['w']}}}name", "").startswith("WirMerge")]


def test_first_page_and_positioned_frames_merge_only_where_libreoffice_keeps_them(tmp_path: Path) -> None:
    """This test ensures that a letter with a first page of its own and a positioned table or frame is
    converted alone for LibreOffice before 25.2 (with the reason), may merge otherwise, and that a plain
    letter is not marked as placed."""
    for kind in ("frame", "table"):
        path = letter(tmp_path / f"{kind}.docx", "Stadt Kassel", 3, placed=kind)
        old = read_letter(path)
        assert "first page" in str(old.reason)
        new = read_letter(path, placed_ok=True)
        assert new.reason == "" and new.placed
    plain = read_letter(letter(tmp_path / "plain.docx", "Stadt Kassel", 3), placed_ok=True)
    assert plain.reason == "" and not plain.placed


def test_placed_letters_start_with_a_hidden_empty_paragraph(tmp_path: Path) -> None:
    """This test ensures that in a merged DOCX each placed letter's section starts with an empty hidden
    paragraph that holds its mark (LibreOffice keeps the page number restart there), and a plain
    letter's with its own first paragraph."""
    placed = read_letter(letter(tmp_path / "placed.docx", "Stadt Kassel", 3, placed="table"), placed_ok=True)
    plain = read_letter(letter(tmp_path / "plain.docx", "Stadt Kassel", 3), placed_ok=True)
    first, second = _letter_starts(merged_docx([placed, plain], [1, 1]))
    assert first.find("w:pPr/w:rPr/w:vanish", NS) is not None
    assert first.find(".//w:t", NS) is None
    assert second.find("w:pPr/w:rPr/w:vanish", NS) is None
    assert "".join(second.itertext()) == "Brief an Stadt Kassel"


def test_the_office_version_is_read_from_its_version_line(tmp_path: Path) -> None:
    """This test ensures that the LibreOffice version deciding the rules above comes from what the program
    prints for ``--version``, and that a program printing nothing usable counts as an old one."""
    for name, printed, expected in (("new", "LibreOffice 25.2.3.2 520(Build:2)", (25, 2)),
                                    ("old", "LibreOffice 7.4.7.2 40(Build:2)", (7, 4)),
                                    ("odd", "no version here", (0, 0))):
        program = tmp_path / name
        program.write_text(f"#!/bin/sh\necho '{printed}'\n", "utf-8")
        program.chmod(0o755)
        assert office_version(str(program)) == expected
    assert office_version(str(tmp_path / "missing")) == (0, 0)
    assert (7, 4) < PLACED_SINCE <= (25, 2)


def _without_first_page(path: Path) -> Path:
    """``path`` rewritten without ``w:titlePg``: positioned content is then the only thing to look at."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:titlePg/>", b"")
    target = path.with_name(f"plain-{path.name}")
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def test_a_positioned_frame_or_table_alone_decides_too(tmp_path: Path) -> None:
    """This test ensures that a positioned frame or table without a first page of its own is judged by
    itself: converted alone for older LibreOffice, placed (with the hidden paragraph) for 25.2."""
    for kind in ("frame", "table"):
        path = _without_first_page(letter(tmp_path / f"{kind}.docx", "Stadt Kassel", 3, placed=kind))
        assert b"titlePg" not in zipfile.ZipFile(path).read("word/document.xml")
        assert "positioned" in str(read_letter(path).reason)
        placed = read_letter(path, placed_ok=True)
        assert placed.reason == "" and placed.placed
