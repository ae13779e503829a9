"""The copy LibreOffice converts drops Word's unused styles and nothing else.

The pages must not change: the shipped cover letter, a letter whose tables use built-in table
styles (one directly, one through ``w:basedOn``) and a letter using paragraph, character, list
and header styles through every kind of reference are converted by the real LibreOffice as
saved and as print copy, and their page images compared.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from tests.conftest import ROOT
from wir_letters.outputs.thumbnails import rasters
from wir_letters.pdf._print_copy import STYLES, W, write_print_copy
from wir_letters.pdf.convert import find_soffice

TEMPLATE = ROOT / "templates" / "anschreiben.docx"


def _styles(path: Path, kind: str | None = "table") -> set[str]:
    """The style ids of ``kind`` (None: every kind) defined in the DOCX at ``path``."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read(STYLES))
    return {node.get(f"{{{W}}}styleId", "") for node in root.iterfind(f"{{{W}}}style")
            if kind is None or node.get(f"{{{W}}}type") == kind}


def _styled_text(path: Path, field: str = "PAGE") -> Path:
    """A letter using styles in every way a page can: a custom paragraph style based on "Heading 2"
    (linked to its character style, "next" a custom style), a character style in a run, a list
    style, a table style, a header paragraph style, and a field ``field`` in the footer."""
    document = docx.Document()
    styles = document.styles
    betreff = styles.add_style("WirBetreff", 1)  # WD_STYLE_TYPE.PARAGRAPH
    betreff.base_style = styles["Heading 2"]
    betreff.font.size = docx.shared.Pt(15)
    folge = styles.add_style("WirFolge", 1)
    folge.font.italic = True
    betreff.next_paragraph_style = folge
    marke = styles.add_style("WirMarke", 2)  # WD_STYLE_TYPE.CHARACTER
    marke.font.bold = True
    marke.base_style = styles["Strong"]
    document.add_paragraph("Förderprogramm WIR 2017", style="WirBetreff")
    paragraph = document.add_paragraph("Antragsfrist: ", style="WirFolge")
    paragraph.add_run("31. März 2017", style="WirMarke")
    for item in ("WIR-Fallmanager", "Integrationslotsen", "Migrantenorganisationen"):
        document.add_paragraph(item, style="List Number 2")
    document.add_paragraph("Zitat der Ministerin", style="Intense Quote")
    table = document.add_table(rows=2, cols=2)
    table.style = styles["Light List Accent 1"]
    table.cell(0, 0).text = "Landkreis"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Hessisches Ministerium für Soziales und Integration"
    section.header.paragraphs[0].style = styles["Title"]
    footer = section.footer.paragraphs[0]
    footer.text = "Seite "
    run = footer.add_run()
    for kind, text in (("begin", None), (None, f" {field} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = docx.oxml.OxmlElement("w:fldChar")
            element.set(docx.oxml.ns.qn("w:fldCharType"), kind)
        elif text and text.startswith(" "):
            element = docx.oxml.OxmlElement("w:instrText")
            element.text = text
        else:
            element = docx.oxml.OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    document.save(str(path))
    return path


def _styled_tables(path: Path) -> Path:
    """A letter with two tables: "Light Grid Accent 1" and a custom style based on "Medium Shading 1"."""
    document = docx.Document()
    document.add_paragraph("Zuwendungen 2017")
    for style in ("Light Grid Accent 1", "Medium Shading 1 Accent 2"):
        table = document.add_table(rows=3, cols=3)
        table.style = document.styles[style]
        for row, cells in enumerate(table.rows):
            for col, cell in enumerate(cells.cells):
                cell.text = f"{row}.{col} €"
    custom = document.styles.add_style("WirTabelle", 3)  # WD_STYLE_TYPE.TABLE
    custom.base_style = document.styles["Medium Shading 1 Accent 2"]
    document.tables[1].style = custom
    document.save(str(path))
    return path


def test_unused_table_styles_go_and_every_other_part_stays(tmp_path: Path) -> None:
    source = _styled_tables(tmp_path / "tabellen.docx")
    copy = tmp_path / "copy.docx"
    write_print_copy(source, copy)
    before, after = _styles(source), _styles(copy)
    assert len(before) > 50
    assert after == {"TableNormal", "LightGrid-Accent1", "MediumShading1-Accent2", "WirTabelle"}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy) as new:
        assert old.namelist() == new.namelist()
        assert [i.date_time for i in old.infolist()] == [i.date_time for i in new.infolist()]  # not the clock's
        assert all(old.read(name) == new.read(name) for name in old.namelist() if name != STYLES)


def test_unused_paragraph_and_character_styles_go_and_every_style_named_stays(tmp_path: Path) -> None:
    """This test ensures that the copy keeps exactly the styles the text names and those they name in turn."""
    source = _styled_text(tmp_path / "brief.docx")
    copy = tmp_path / "copy.docx"
    write_print_copy(source, copy)
    kept = _styles(copy, None)
    assert {"WirBetreff", "Heading2", "WirFolge", "WirMarke", "Strong", "ListNumber2", "IntenseQuote",
            "LightList-Accent1", "Title", "Normal", "DefaultParagraphFont", "TableNormal"} <= kept
    assert {"Heading2Char", "TitleChar", "IntenseQuoteChar"} <= kept  # linked character styles
    assert {"ListBullet", "ListNumber3"} <= kept  # named by the numbering definitions, used or not
    assert {"Heading3", "Subtitle", "Quote", "Caption", "Emphasis", "LightGrid-Accent1"}.isdisjoint(kept)
    assert len(kept) < len(_styles(source, None)) // 2


def test_a_field_naming_styles_keeps_every_paragraph_and_character_style(tmp_path: Path) -> None:
    """This test ensures that a STYLEREF field (it names a style in its instruction) keeps the
    paragraph and character styles; unused table styles still go."""
    source = _styled_text(tmp_path / "brief.docx", field='STYLEREF "Heading 3"')
    copy = tmp_path / "copy.docx"
    write_print_copy(source, copy)
    for kind in ("paragraph", "character"):
        assert _styles(copy, kind) == _styles(source, kind)
    assert _styles(copy) < _styles(source)


def test_a_file_that_is_no_docx_is_copied_as_it_is(tmp_path: Path) -> None:
    for name, data in {"kaputt.docx": b"PK\x03\x04 not really", "ohne-tabellen.docx": b""}.items():
        (tmp_path / name).write_bytes(data)
        write_print_copy(tmp_path / name, tmp_path / f"copy-{name}")
        assert (tmp_path / f"copy-{name}").read_bytes() == data


def _convert(source: Path, outdir: Path) -> Path:
    profile = outdir / "profile"
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(source)], check=True, capture_output=True, timeout=180)
    return outdir / f"{source.stem}.pdf"


@pytest.mark.libreoffice
@pytest.mark.parametrize("make", [lambda folder: TEMPLATE, lambda folder: _styled_tables(folder / "tabellen.docx"),
                                  lambda folder: _styled_text(folder / "brief.docx")],
                         ids=["shipped cover letter", "built-in table styles", "paragraph, character and list styles"])
def test_print_copy_prints_the_same_pages(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    source = make(tmp_path)
    copy = tmp_path / "copy" / source.name
    copy.parent.mkdir()
    write_print_copy(source, copy)
    assert _styles(copy, None) < _styles(source, None)
    count, pages = rasters(_convert(source, tmp_path / "as-saved"), dpi=60, gray=False)
    copy_count, copy_pages = rasters(_convert(copy, tmp_path / "copy"), dpi=60, gray=False)
    assert count >= 1 and copy_count == count
    assert copy_pages == pages
