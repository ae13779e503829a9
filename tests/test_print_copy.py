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
from wir_letters.pdf._print_copy import STYLES, W, pruned_styles, write_print_copy
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
    assert {"Caption", "Header"} <= kept  # LibreOffice applies these by their name
    assert {"Heading3", "Subtitle", "Quote", "Emphasis", "LightGrid-Accent1"}.isdisjoint(kept)
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


def _styles_xml(*styles: str) -> str:
    return f'<w:styles xmlns:w="{W}">{"".join(styles)}</w:styles>'


def _style(sid: str, name: str, kind: str = "paragraph", extra: str = "", default: bool = False) -> str:
    flag = ' w:default="1"' if default else ""
    return f'<w:style w:type="{kind}" w:styleId="{sid}"{flag}><w:name w:val="{name}"/>{extra}</w:style>'


def _kept(document: str, styles: str, **parts: str) -> set[str] | None:
    """The style ids the print copy keeps for a document body ``document`` (None: styles.xml unchanged)."""
    body = f'<w:document xmlns:w="{W}"><w:body>{document}</w:body></w:document>'
    pruned = pruned_styles({STYLES: styles.encode(), "word/document.xml": body.encode(),
                            **{name: data.encode() for name, data in parts.items()}})
    if pruned is None:
        return None
    return {node.get(f"{{{W}}}styleId") for node in etree.fromstring(pruned).iterfind(f"{{{W}}}style")}


UNUSED = _style("Unused", "Unused Style")


def test_styles_libreoffice_finds_by_name_are_kept() -> None:
    """This test ensures that styles used without their id stay: "Normal" without the default flag
    (LibreOffice maps it by its name), a w:pStyle giving a style's name instead of its id, and the
    styles LibreOffice applies by role (footnote reference, hyperlink)."""
    normal = _style("Standard1", "Normal", extra="<w:rPr><w:sz w:val=\"40\"/></w:rPr>")
    heading = _style("berschrift1", "heading 1")
    notes = _style("Funote", "footnote reference", "character") + _style("Link", "Hyperlink", "character")
    kept = _kept('<w:p><w:pPr><w:pStyle w:val="Heading 1"/></w:pPr></w:p><w:p/>',
                 _styles_xml(normal, heading, notes, UNUSED, _style("Body", "Body", default=True)))
    assert kept == {"Standard1", "berschrift1", "Funote", "Link", "Body"}


def test_a_document_without_default_paragraph_style_keeps_its_paragraph_styles() -> None:
    assert _kept("<w:p/>", _styles_xml(UNUSED, _style("T", "Fancy Table", "table"))) == {"Unused"}


def test_a_style_id_defined_twice_keeps_every_style() -> None:
    """This test ensures that with a duplicate style id (which definition counts is LibreOffice's
    choice) nothing is dropped."""
    styles = _styles_xml(_style("A", "A", extra='<w:basedOn w:val="B"/>'), _style("B", "B"), _style("A", "A"),
                         _style("N", "Normal", default=True), UNUSED)
    assert _kept('<w:p><w:pPr><w:pStyle w:val="A"/></w:pPr></w:p>', styles) is None


@pytest.mark.parametrize("body", [
    '<w:p><w:r><w:instrText> toc \\o "1-3" </w:instrText></w:r></w:p>',
    '<w:p><w:fldSimple w:instr=" styleref Unused "/></w:p>',
    '<w:altChunk r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>',
], ids=["lower-case toc", "lower-case styleref", "altChunk"])
def test_fields_naming_styles_in_any_case_and_imported_parts_keep_paragraph_styles(body: str) -> None:
    styles = _styles_xml(_style("N", "Normal", default=True), UNUSED, _style("T", "Fancy Table", "table"))
    assert _kept(body, styles) == {"N", "Unused"}


def test_a_style_named_under_another_namespace_prefix_is_kept() -> None:
    body = f'<x-w.1:p xmlns:x-w.1="{W}"><x-w.1:pPr><x-w.1:pStyle x-w.1:val="Unused"/></x-w.1:pPr></x-w.1:p>'
    assert _kept(body, _styles_xml(_style("N", "Normal", default=True), UNUSED, _style("U2", "Other"))) \
        == {"N", "Unused"}


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
