"""The PDF shows what the DOCX says: words lost between a filled DOCX and its PDF are found.

Every test document is made here (python-docx plus hand-written WordprocessingML) and all are
converted by the real LibreOffice in one soffice call per module.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.document import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.parser import parse_xml

from tests.conftest import blank_pdf
from wir_letters.pdf.convert import find_soffice
from wir_letters.checks._docx_words import DocxWords, docx_words
from wir_letters.checks._pdf_words import PdfWords, read_pdf
from wir_letters.checks._words import glued, pdf_text, pdf_words, words
from wir_letters.checks.fidelity import HINT, compare, fidelity_problem, missing_words

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ALPHABET = ("Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike "
            "November Oscar Papa Quebec Romeo Sierra Tango Uniform Victor Whiskey Xray Yankee Zulu")
LETTER = [
    "Sehr geehrte Frau Beispiel,",
    "mit dem Landesprogramm WIR und weiteren integrationspolitischen Schwerpunkten haben wir in "
    "enger Zusammenarbeit mit den Landkreisen und Kommunen die hessische Integrationspolitik "
    "substantiell weiterentwickelt. Die Straße der Behörde heißt Dostojewskistraße.",
    "Die Aufnahme einer hohen Zahl Geflüchteter hat uns alle jedoch in den vergangenen zwei Jahren "
    "auch vor weitere Herausforderungen gestellt.",
    "Mit freundlichen Grüßen",
]


# --- building test documents ------------------------------------------------------------------


def run(text: str, rpr: str = "") -> str:
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str, ppr: str = "") -> str:
    props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def field(code: str, stale_result: str) -> str:
    """A complex field whose cached result LibreOffice replaces."""
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {code} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{run(stale_result)}'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def frame(height: int, width: int = 3000) -> str:
    """Paragraph properties of a frame of exact height (twips) on the page at 2000/3000 twips."""
    return (f'<w:framePr w:w="{width}" w:h="{height}" w:hRule="exact" w:wrap="around" '
            'w:hAnchor="page" w:vAnchor="page" w:x="2000" w:y="3000"/>')


def text_box(text: str, y: int = 1500000, height: int = 1000000, fallback: bool = True) -> str:
    """A text box as Word writes it: DrawingML in mc:Choice and the same text again as VML in
    mc:Fallback. Positions are EMU from the page's top-left corner; the box does not grow."""
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:posOffset>1000000</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="1800000" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="1" name="Textfeld 1"/><wp:cNvGraphicFramePr/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="1800000" cy="{height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{para(run(text))}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" '
        'anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
        '</wp:anchor></w:drawing>')
    if not fallback:
        return f"<w:p><w:r>{drawing}</w:r></w:p>"
    vml = ('<w:pict><v:shape id="Textfeld 1" o:spid="_x0000_s1026" type="#_x0000_t202" '
           f'style="position:absolute;margin-left:78.75pt;margin-top:{y / 12700}pt;width:141.75pt;'
           f'height:{height / 12700}pt;z-index:2;mso-position-horizontal-relative:page;'
           f'mso-position-vertical-relative:page"><v:textbox><w:txbxContent>{para(run(text))}'
           '</w:txbxContent></v:textbox></v:shape></w:pict>')
    return (f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f'<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r></w:p>')


def fixed_row(text: str) -> str:
    """A one-cell table whose row is exactly one line high."""
    return ('<w:tbl><w:tblPr><w:tblW w:w="3000" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid><w:tr><w:trPr><w:trHeight w:val="300" w:hRule="exact"/>'
            f'</w:trPr><w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{para(run(text))}</w:tc></w:tr></w:tbl>')


def table(rows: list[list[str]]) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{para(run(c))}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    grid = "".join('<w:gridCol w:w="3000"/>' for _ in rows[0])
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{cells}</w:tbl>'


def new_document(body: str) -> Document:
    """A python-docx document (US Letter) whose body is the given WordprocessingML."""
    document = docx.Document()
    section_properties = document.element.body.sectPr
    for element in parse_xml(f"<w:body {NS}>{body}</w:body>"):
        section_properties.addprevious(element)
    return document


def set_paragraph(paragraph: object, xml: str) -> None:
    """Replace a python-docx paragraph by the given ``<w:p>``."""
    element = paragraph._p  # type: ignore[attr-defined]
    element.addnext(parse_xml(xml.replace("<w:p>", f"<w:p {NS}>", 1)))
    element.getparent().remove(element)


def add_footnote(document: Document, text: str) -> None:
    """Add footnotes.xml (with Word's two separator notes) holding note 1."""
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  '</w:r></w:p></w:footnote>')
    note = f'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>{run(" " + text)}</w:p></w:footnote>'
    blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}>{separators}{note}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, blob.encode(), document.part.package)
    document.part.relate_to(part, FOOTNOTES_REL)


def complete(rpr: str = "") -> Document:
    """A letter with a table, a header, a footer with a PAGE field (stale result) and a footnote."""
    body = [para(run(text, rpr)) for text in LETTER]
    body.insert(2, para(run("Die Mittel steigen deutlich", rpr),
                        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>',
                        run(" im Jahr 2017.", rpr)))
    body.insert(3, table([["Programm", "Mittel"], ["Integrationslotsen", "4,6 Mio. Euro"]]))
    document = new_document("".join(body))
    document.sections[0].header.paragraphs[0].text = "Hessisches Ministerium für Soziales und Integration"
    set_paragraph(document.sections[0].footer.paragraphs[0],
                  para(run("Seite ", rpr), field("PAGE", "Feldergebnis"), run(" Dostojewskistraße 4", rpr)))
    add_footnote(document, "Haushaltsplan des Landes Hessen, Einzelplan acht.")
    return document


def two_pages() -> Document:
    """Two pages; the first has its own header (titlePg), the default header prints on page 2."""
    document = new_document(para(run("Erste Seite des Schreibens."), '<w:r><w:br w:type="page"/></w:r>')
                            + para(run("Zweite Seite des Schreibens.")))
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Briefkopf Ministerium"
    section.header.paragraphs[0].text = "Seite 2 Folgeseitenkopf"
    return document


def hidden_in_header() -> Document:
    """A header with a hidden run: header words are checked too."""
    document = new_document(para(run("Nur eine Seite.")))
    set_paragraph(document.sections[0].header.paragraphs[0],
                  para(run("Ministerium "), run("Kopfgeheimnis", "<w:vanish/>")))
    return document


def one_page_title() -> Document:
    """One page with a first-page header (titlePg): its default header never prints."""
    document = new_document(para(run("Nur eine Seite.")))
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Briefkopf Ministerium"
    section.header.paragraphs[0].text = "Folgeseitenkopf Nieerscheinend"
    section.even_page_header.paragraphs[0].text = "Geradeseitenkopf Nieerscheinend"
    document.settings.odd_and_even_pages_header_footer = True
    return document


BUILDERS: dict[str, Callable[[], Document]] = {
    "complete": complete,
    "caps": lambda: complete("<w:caps/>"),
    "frame_clipped": lambda: new_document(para(run("Vorher steht dies.")) + para(run(ALPHABET), ppr=frame(300))
                                          + para(run("Nachher steht das."))),
    "frame_one_line_over": lambda: new_document(para(run("Vorher steht dies."))
                                                + para(run("Alpha Bravo Charlie Delta Echo Foxtrot"), ppr=frame(300))),
    "row_clipped": lambda: new_document(para(run("Vorher.")) + fixed_row(ALPHABET) + para(run("Nachher."))),
    "box_clipped": lambda: new_document(para(run("Vorher.")) + text_box(ALPHABET, height=300000, fallback=False)),
    "frame_beyond_page": lambda: new_document(para(run("Vorher."))
                                              + para(run("Verschollen Weitweg"),
                                                     ppr=frame(300).replace('w:y="3000"', 'w:y="20000"'))),
    "box_below_page": lambda: new_document(para(run("Vorher.")) + text_box("Verschollen Weitweg", y=11000000)),
    "indent_off_page": lambda: new_document(para(run("Vorher.")) + para(run("Verschollen Weitweg"),
                                                                       ppr='<w:ind w:left="-4000"/>')),
    "hidden": lambda: new_document(para(run("Sichtbar ist dies "), run("Geheimwort", "<w:vanish/>"), run(" und das."))),
    "hidden_in_header": hidden_in_header,
    "text_box": lambda: new_document(para(run("Vorher steht dies.")) + text_box("Kastenwort im Textfeld")),
    "two_pages": two_pages,
    "one_page_title": one_page_title,
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every test document as (DOCX, PDF), converted by one LibreOffice call."""
    folder = tmp_path_factory.mktemp("fidelity")
    sources = []
    for name, builder in BUILDERS.items():
        builder().save(str(folder / f"{name}.docx"))
        sources.append(str(folder / f"{name}.docx"))
    profile = (folder / "profile").as_uri()
    subprocess.run([find_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(folder), *sources],
                   check=True, capture_output=True, timeout=300)
    return {name: (folder / f"{name}.docx", folder / f"{name}.pdf") for name in BUILDERS}


def missing(converted: dict[str, tuple[Path, Path]], name: str) -> list[str]:
    return missing_words(*converted[name])


# --- LibreOffice: what is found, what is not falsely reported ----------------------------------


@pytest.mark.libreoffice
def test_a_complete_letter_has_no_problem(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a letter with a table, a header, a footer with a PAGE field and a
    footnote is complete: the stale field result is not expected, the note and header are read."""
    docx_path, pdf = converted["complete"]
    assert fidelity_problem(docx_path, pdf) is None
    expected = docx_words(docx_path, read_pdf(pdf).pages)
    assert expected.counted["einzelplan"] == 1 and expected.counted["integrationslotsen"] == 1
    assert {"hessisches", "seite", "dostojewskistrasse"} <= expected.once
    assert "feldergebnis" not in expected.counted and "feldergebnis" not in expected.once
    assert "page" not in expected.counted and "page" not in expected.once


@pytest.mark.libreoffice
def test_capitals_are_the_same_words(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that text LibreOffice prints in capitals (w:caps, ß as ẞ) still matches."""
    docx_path, pdf = converted["caps"]
    assert "SEHR GEEHRTE" in _raw_text(pdf)
    assert fidelity_problem(docx_path, pdf) is None


def _raw_text(pdf: Path) -> str:
    """All text pdfium finds in the PDF, visible or not."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.mark.libreoffice
def test_text_cut_off_by_a_frame_is_reported(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that words a frame of exact height cuts off are reported, both the
    lines LibreOffice leaves out and the line it writes under a clip path (invisible)."""
    found = missing(converted, "frame_clipped")
    assert {"Echo", "Foxtrot", "Zulu"} <= set(found)
    assert not {"Alpha", "Delta", "Vorher", "Nachher"} & set(found)
    assert "Echo Foxtrot" in _raw_text(converted["frame_clipped"][1]).replace("\r\n", " ")  # written, but clipped


@pytest.mark.libreoffice
def test_one_line_too_many_in_a_frame_is_reported(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a single overflowing line, which LibreOffice writes into the PDF
    outside the frame's clip, is reported."""
    assert missing(converted, "frame_one_line_over") == ["Echo", "Foxtrot"]
    assert "Echo Foxtrot" in _raw_text(converted["frame_one_line_over"][1])


@pytest.mark.libreoffice
def test_text_cut_off_by_a_table_row_or_text_box_is_reported(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that words cut off by a table row of exact height or a text box that
    does not grow are reported."""
    for name in ("row_clipped", "box_clipped"):
        found = missing(converted, name)
        assert {"Hotel", "Zulu"} <= set(found), name
        assert "Alpha" not in found and "Vorher" not in found, name


@pytest.mark.libreoffice
def test_text_off_the_page_is_reported(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that text placed off the page is reported: a text box below the page
    (not written) and a paragraph indented past the left edge (written outside the page box)."""
    assert missing(converted, "box_below_page") == ["Verschollen", "Weitweg"]
    assert missing(converted, "indent_off_page") == ["Verschollen", "Weitweg"]
    assert "Verschollen" in _raw_text(converted["indent_off_page"][1])


@pytest.mark.libreoffice
def test_a_frame_placed_beyond_the_page_is_moved_onto_it(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a frame positioned below the page, which LibreOffice moves back
    onto the page, is not reported: its text is visible."""
    assert fidelity_problem(*converted["frame_beyond_page"]) is None


@pytest.mark.libreoffice
def test_hidden_text_is_reported(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a run formatted as hidden (w:vanish), in the body or in a header,
    is reported with the hint."""
    docx_path, pdf = converted["hidden"]
    assert missing_words(docx_path, pdf) == ["Geheimwort"]
    problem = fidelity_problem(docx_path, pdf)
    assert problem is not None and "hidden.docx" in problem and "Geheimwort" in problem and HINT in problem
    assert missing(converted, "hidden_in_header") == ["Kopfgeheimnis"]


@pytest.mark.libreoffice
def test_a_text_box_is_counted_once(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a text box Word wrote twice (mc:Choice and mc:Fallback) is
    expected once, so it is not falsely reported."""
    docx_path, pdf = converted["text_box"]
    assert docx_words(docx_path, 1).counted["kastenwort"] == 1
    assert read_pdf(pdf).counted["kastenwort"] == 1
    assert fidelity_problem(docx_path, pdf) is None


@pytest.mark.libreoffice
def test_headers_are_expected_only_where_they_print(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that the default header of a first-page (titlePg) document is expected
    only from page 2 on, and even-page headers only with two pages or more."""
    docx_path, pdf = converted["two_pages"]
    assert read_pdf(pdf).pages == 2
    assert fidelity_problem(docx_path, pdf) is None
    assert {"folgeseitenkopf", "briefkopf"} <= docx_words(docx_path, 2).once
    single, single_pdf = converted["one_page_title"]
    assert read_pdf(single_pdf).pages == 1
    assert fidelity_problem(single, single_pdf) is None
    assert docx_words(single, 1).once == {"briefkopf", "ministerium"}
    assert {"folgeseitenkopf", "geradeseitenkopf"} <= docx_words(single, 3).once


@pytest.mark.libreoffice
def test_a_long_message_names_a_dozen_words(converted: dict[str, tuple[Path, Path]]) -> None:
    """This test ensures that a message names at most twelve words and counts the rest."""
    problem = fidelity_problem(*converted["frame_clipped"])
    assert problem is not None and problem.startswith("frame_clipped.docx: ")
    count = len(missing(converted, "frame_clipped"))
    assert f" and {count - 12} more; " in problem


# --- without LibreOffice ----------------------------------------------------------------------


def test_line_end_hyphenation_is_joined() -> None:
    """This test ensures that a word hyphenated at a line end also counts as the whole word,
    whether written as "-" and a newline or as pdfium's hyphen marks."""
    for text in ("Aus-\r\nschreibung", "Aus\x02schreibung", "Aus\ufffeschreibung"):
        assert Counter(pdf_words(pdf_text(text))) == Counter(["aus", "schreibung", "ausschreibung"])
    assert "integrationslotsen" in pdf_words(pdf_text("WIR-Integrations-\nlotsen"))


def test_soft_hyphens_and_ligatures_vanish() -> None:
    """This test ensures that soft hyphens are ignored and a ligature (ﬁ) reads as its letters."""
    assert words("Aus\u00adschrei\u00adbung ﬁnden") == ["ausschreibung", "finden"]
    assert pdf_words(pdf_text("Aus\u00adschreibung ﬁnden")) == ["ausschreibung", "finden"]
    assert words("STRAẞE") == words("Straße") == ["strasse"]


def test_letter_spaced_and_glued_words_get_a_second_chance() -> None:
    """This test ensures that a word the PDF splits into letters or glues to its neighbour is
    not reported, while a word truly missing is."""
    expected = DocxWords(Counter({"gesperrt": 1, "satz": 1, "fehlt": 1}), frozenset(), "Gesperrt Satz Fehlt")
    text = pdf_text("G e s p e r r t und Satz1")
    found = PdfWords(1, Counter(pdf_words(text)), text)
    assert found.glued == glued(text) == "gesperrtundsatz1"
    assert compare(expected, found) == ["Fehlt"]


def test_fields_deletions_and_fallbacks_are_left_out(tmp_path: Path) -> None:
    """This test ensures that field codes, field results (nested ones too, and fldSimple),
    deleted text and mc:Fallback copies are not expected, while insertions, hyperlinks and
    content controls are."""
    nested = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r>'
              + field("PAGE", "Innenergebnis") + '<w:r><w:instrText> = 1 "Eins" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("Aussenergebnis")
              + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    body = (para(run("Vorne"), nested, run("Hinten"))
            + para('<w:fldSimple w:instr=" DATE "><w:r><w:t>Datumsergebnis</w:t></w:r></w:fldSimple>')
            + para('<w:del w:id="1" w:author="A"><w:r><w:delText>Gestrichen</w:delText></w:r></w:del>'
                   '<w:ins w:id="2" w:author="A">' + run("Eingefuegt") + "</w:ins>")
            + para('<w:hyperlink r:id="rIdX">' + run("Verweis") + "</w:hyperlink>")
            + '<w:sdt><w:sdtPr/><w:sdtContent>' + para(run("Inhaltssteuerelement")) + "</w:sdtContent></w:sdt>"
            + text_box("Kastenwort"))
    path = tmp_path / "fields.docx"
    new_document(body).save(str(path))
    expected = docx_words(path, 1)
    assert set(expected.counted) == {"vorne", "hinten", "eingefuegt", "verweis", "inhaltssteuerelement",
                                     "kastenwort"}
    assert expected.counted["kastenwort"] == 1 and expected.spellings({"vorne"}) == {"vorne": "Vorne"}


def test_a_file_that_cannot_be_read_gives_a_message(tmp_path: Path) -> None:
    """This test ensures that a damaged or missing PDF, or a damaged DOCX, gives a message
    instead of an exception."""
    path = tmp_path / "letter.docx"
    new_document(para(run("Text"))).save(str(path))
    broken = tmp_path / "letter.pdf"
    broken.write_bytes(b"%PDF-1.7 damaged")
    for pdf in (broken, tmp_path / "absent.pdf"):
        problem = fidelity_problem(path, pdf)
        assert problem is not None and "letter.docx" in problem and "cannot be read" in problem
    pdf = tmp_path / "blank.pdf"
    pdf.write_bytes(blank_pdf())
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"PK not a zip")
    problem = fidelity_problem(damaged, pdf)
    assert problem is not None and problem.startswith("damaged.docx: ") and "cannot be read" in problem
