"""The copy LibreOffice converts drops Word's unused table styles and nothing else.

The pages must not change: the shipped cover letter and a letter whose tables use built-in
table styles (one directly, one through ``w:basedOn``) are converted by the real LibreOffice
as saved and as print copy, and their page images compared.
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


def _table_styles(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read(STYLES))
    return {node.get(f"{{{W}}}styleId", "") for node in root.iterfind(f"{{{W}}}style")
            if node.get(f"{{{W}}}type") == "table"}


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
    before, after = _table_styles(source), _table_styles(copy)
    assert len(before) > 50
    assert after == {"TableNormal", "LightGrid-Accent1", "MediumShading1-Accent2", "WirTabelle"}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy) as new:
        assert old.namelist() == new.namelist()
        assert [i.date_time for i in old.infolist()] == [i.date_time for i in new.infolist()]  # not the clock's
        assert all(old.read(name) == new.read(name) for name in old.namelist() if name != STYLES)


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
@pytest.mark.parametrize("make", [lambda folder: TEMPLATE, lambda folder: _styled_tables(folder / "tabellen.docx")],
                         ids=["shipped cover letter", "built-in table styles"])
def test_print_copy_prints_the_same_pages(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    source = make(tmp_path)
    copy = tmp_path / "copy" / source.name
    copy.parent.mkdir()
    write_print_copy(source, copy)
    assert _table_styles(copy) < _table_styles(source)
    count, pages = rasters(_convert(source, tmp_path / "as-saved"), dpi=60, gray=False)
    copy_count, copy_pages = rasters(_convert(copy, tmp_path / "copy"), dpi=60, gray=False)
    assert count >= 1 and copy_count == count
    assert copy_pages == pages
