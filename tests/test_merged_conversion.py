"""Merged conversion with the real LibreOffice: many letters per LibreOffice document, split back.

What a user sees must not change: every letter's PDF has the same text, page count and page
images as the letter converted alone, page numbers and "Seite x von y" count per letter, each
letter keeps its own header and footer values; letters that cannot merge safely are converted
alone with the reason in ``converter.notes``; a letter's bytes do not depend on its group.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from tests.conftest import SHIPPED_CAMPAIGN, FakeConverter
from tests.pdftext import page_texts
from wir_letters.builder.build import build
from wir_letters.inputs.campaign import load_campaign
from wir_letters.outputs.thumbnails import rasters
from wir_letters.pdf._soffice import Soffice, find_soffice
from wir_letters.pdf.convert import PLACED_SINCE, ConversionJob, LibreOfficeConverter

pytestmark = pytest.mark.libreoffice

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NAMES = ["Landkreis Fulda", "Stadt Kassel", "Stadt Wetzlar", "Stadt Gießen", "Landkreis Kassel"]
FILLER = ("Die Hessische Landesregierung hat mit der Umsetzung des Aktionsplans begonnen und bittet Sie um "
          "Ihre Mitwirkung bei der Integration der Geflüchteten in den Landkreisen und Städten. ")


def _field(code: str) -> str:
    return (f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r><w:r {W}><w:instrText xml:space="preserve"> {code} '
            f'</w:instrText></w:r><w:r {W}><w:fldChar w:fldCharType="separate"/></w:r><w:r {W}><w:t>1</w:t></w:r>'
            f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>')


def letter(path: Path, name: str, paragraphs: int, extra: str = "", numbered: bool = False,
           placed: str = "") -> Path:
    """A letter to ``name``: header with the name, footer "Seite x von y", ``paragraphs`` of text.

    ``placed`` ("frame" or "table"): it starts with a frame or a table positioned on the page and has
    a first page of its own (header "Erste Seite", no footer), as letterheads made in Word do.
    """
    document = docx.Document()
    if placed == "frame":
        frame = document.add_paragraph(f"Absender für {name}")
        frame._p.get_or_add_pPr().append(parse_xml(
            f'<w:framePr {W} w:w="4000" w:h="700" w:hRule="exact" w:hAnchor="page" w:vAnchor="page" '
            'w:x="1200" w:y="900" w:wrap="around"/>'))
    elif placed == "table":  # like the information block of the shipped cover letter
        table = document.add_table(rows=2, cols=1)
        table.cell(0, 0).text, table.cell(1, 0).text = "Geschäftszeichen", f"Az. für {name}"
        table._tbl.tblPr.append(parse_xml(
            f'<w:tblpPr {W} w:vertAnchor="page" w:horzAnchor="page" w:tblpX="7000" w:tblpY="2800"/>'))
    if placed:
        document.sections[0].different_first_page_header_footer = True
        document.sections[0].first_page_header.paragraphs[0].text = f"Erste Seite: {name}"
    document.add_paragraph(f"Brief an {name}{extra}")
    for n in range(paragraphs):
        document.add_paragraph(f"{n + 1}. Absatz für {name}: " + FILLER * 3,
                               style="List Number" if numbered and n < 3 else None)
    document.sections[0].header.paragraphs[0].text = f"Empfänger: {name}"
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Seite "
    for element in parse_xml(f"<w:p {W}>{_field('PAGE')}</w:p>"):
        footer._p.append(element)
    footer.add_run(" von ")
    for element in parse_xml(f"<w:p {W}>{_field('NUMPAGES')}</w:p>"):
        footer._p.append(element)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every test document converted alone, merged, and merged again in other groups (once per module)."""
    folder = tmp_path_factory.mktemp("merged")
    sources = [letter(folder / "src" / f"brief{n}.docx", name, 14 + 9 * (n % 3)) for n, name in enumerate(NAMES)]
    unsafe = {"numbered": letter(folder / "src" / "numbered.docx", "Stadt Fulda", 4, numbered=True),
              "glyph": letter(folder / "src" / "glyph.docx", "Stadt Hanau", 4, extra=" – Ődön")}
    placed = [letter(folder / "src" / f"placed{n}.docx", name, 12 + 9 * n, placed=kind)
              for n, (name, kind) in enumerate(zip(NAMES, ("frame", "table")))]
    campaign = load_campaign(SHIPPED_CAMPAIGN)
    build(campaign, out=folder / "shipped", only=["kassel", "fulda", "landkreis-fulda"], converter=FakeConverter())
    shipped = sorted((folder / "shipped").glob("*/*.docx"))
    everything = sources + list(unsafe.values()) + shipped + placed

    def jobs(kind: str, docs: list[Path]) -> list[ConversionJob]:
        return [ConversionJob(d, folder / kind / f"{d.parent.name}-{d.stem}.pdf") for d in docs]

    alone = LibreOfficeConverter(folder / "work-alone", workers=1, merge=False)
    assert alone.convert_batch(jobs("alone", everything), 0) == {}
    merged = LibreOfficeConverter(folder / "work-merged", workers=1)
    assert merged.convert_batch(jobs("merged", everything), 0) == {}
    regrouped = LibreOfficeConverter(folder / "work-again", workers=1)
    assert regrouped.convert_batch(jobs("again", sources[3:] + sources[:1]), 0) == {}
    return {"folder": folder, "sources": sources, "unsafe": unsafe, "shipped": shipped, "placed": placed,
            "notes": merged.notes}


def _pdf(converted: dict[str, object], kind: str, source: Path) -> Path:
    return converted["folder"] / kind / f"{source.parent.name}-{source.stem}.pdf"  # type: ignore[operator]


def _pixels(pdf: Path) -> list[bytes]:
    return [raster[0] for _, raster in rasters(pdf, dpi=60)[1]]


def test_merged_letters_look_exactly_like_letters_converted_alone(converted: dict[str, object]) -> None:
    """Same text, same page count, same page images (pixel for pixel at 60 dpi) as alone."""
    sources: list[Path] = converted["sources"]  # type: ignore[assignment]
    shipped: list[Path] = converted["shipped"]  # type: ignore[assignment]
    for source in sources + shipped:
        alone, merged = _pdf(converted, "alone", source), _pdf(converted, "merged", source)
        assert page_texts(merged) == page_texts(alone), source
        assert _pixels(merged) == _pixels(alone), source


def test_page_numbers_headers_and_footers_are_each_letters_own(converted: dict[str, object]) -> None:
    sources: list[Path] = converted["sources"]  # type: ignore[assignment]
    counts = []
    for source, name in zip(sources, NAMES):
        pages = page_texts(_pdf(converted, "merged", source))
        counts.append(len(pages))
        for number, text in enumerate(pages, start=1):
            assert f"Empfänger: {name}" in text
            assert f"Seite {number} von {len(pages)}" in text
        assert f"Brief an {name}" in pages[0]
    assert len(set(counts)) > 1, counts  # letters of different lengths: "von y" is each letter's own


def test_letters_with_a_first_page_and_a_frame_keep_their_page_numbers(converted: dict[str, object]) -> None:
    """This test ensures that letters starting with a positioned frame and with a first page of their own
    come out as converted alone (text and pixels) with "Seite x von y" counting from 1 in each, and that
    they were merged where this LibreOffice keeps such pages after a section break (25.2 or later)."""
    placed: list[Path] = converted["placed"]  # type: ignore[assignment]
    notes: dict[Path, str] = converted["notes"]  # type: ignore[assignment]
    by_source = {path.name: why for path, why in notes.items()}
    for source, name in zip(placed, NAMES):
        merged = _pdf(converted, "merged", source)
        pages = page_texts(merged)
        assert len(pages) > 2 and f"Erste Seite: {name}" in pages[0] and "Seite 1 von" not in pages[0]
        for number, text in enumerate(pages[1:], start=2):
            assert f"Seite {number} von {len(pages)}" in text and f"Empfänger: {name}" in text
        assert pages == page_texts(_pdf(converted, "alone", source))
        assert _pixels(merged) == _pixels(_pdf(converted, "alone", source)), source
        if Soffice.of(find_soffice()).version() >= PLACED_SINCE:
            assert merged.name not in by_source, by_source[merged.name]
        else:
            assert "first page" in by_source[merged.name]


def test_letters_that_cannot_merge_are_converted_alone_with_the_reason(converted: dict[str, object]) -> None:
    notes: dict[Path, str] = converted["notes"]  # type: ignore[assignment]
    unsafe: dict[str, Path] = converted["unsafe"]  # type: ignore[assignment]
    by_source = {path.name: why for path, why in notes.items()}
    assert by_source["src-numbered.pdf"] == "it has a numbered list"
    assert by_source["src-glyph.pdf"] == "characters outside the shared font set: Ő"
    placed_merge = Soffice.of(find_soffice()).version() >= PLACED_SINCE
    for recipient in ("kassel", "fulda", "landkreis-fulda"):  # the cover letter: own first page, positioned table
        if placed_merge:  # merged, and compared page by page with the letter alone in the first test
            assert f"{recipient}-anschreiben.pdf" not in by_source, by_source
        else:
            assert "first page" in by_source[f"{recipient}-anschreiben.pdf"]
    merged_names = [p for p in by_source if "anschreiben" not in p and not p.startswith("src-")]
    assert merged_names == []  # the calls were merged …
    assert not [name for name in by_source if name.startswith("src-brief")]  # … and the test letters
    for source in unsafe.values():
        assert page_texts(_pdf(converted, "merged", source)) == page_texts(_pdf(converted, "alone", source))


def test_a_letters_bytes_do_not_depend_on_its_group(converted: dict[str, object]) -> None:
    """Reproducible builds: the same letter converted in another group gives identical bytes."""
    sources: list[Path] = converted["sources"]  # type: ignore[assignment]
    for source in sources[3:] + sources[:1]:
        assert _pdf(converted, "again", source).read_bytes() == _pdf(converted, "merged", source).read_bytes()


def test_pdf_a_campaigns_convert_alone(tmp_path: Path) -> None:
    converter = LibreOfficeConverter(tmp_path, workers=1, pdf_a="2b")
    assert not converter.merge
    assert "ExportBookmarksToPDFDestination" not in converter.export
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_build_verbose_names_the_documents_converted_alone(tmp_path: Path, run_cli) -> None:
    """This test ensures that ``build --verbose`` says which documents were not merged and why (a
    numbered list), and names no document that was merged; the letters still come out complete."""
    from tests.conftest import RECIPIENTS, write_campaign

    path = write_campaign(tmp_path, RECIPIENTS, output={"folder": "out", "merge": True})
    letter(tmp_path / "templates" / "call.docx", "{{ recipient.name }}", 2, numbered=True)
    done = run_cli("build", "-c", str(path), "--verbose")
    assert done.code == 0, done.err
    alone = [line for line in done.out.splitlines() if "converted alone" in line]
    assert sorted(alone) == [f"{rid}/call.pdf: converted alone: it has a numbered list" for rid in ("fulda", "kassel")]
    assert "Brief an Magistrat der Stadt Kassel" in page_texts(tmp_path / "out" / "kassel" / "call.pdf")[0]


def test_merged_conversion_is_off_unless_the_campaign_asks(tmp_path: Path, run_cli) -> None:
    """This test ensures that without output.merge every document is converted on its own, so
    build --verbose has nothing to explain."""
    from tests.conftest import RECIPIENTS, write_campaign

    path = write_campaign(tmp_path, RECIPIENTS)
    done = run_cli("build", "-c", str(path), "--verbose")
    assert done.code == 0, done.err
    assert "converted alone" not in done.out
