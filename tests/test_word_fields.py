"""Word mail-merge fields and docxtpl-style templates, filled from typed Excel data and read back
from the PDF LibreOffice made (one real build shared by the module)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import blank_pdf
from tests.docxmaker import Field, note_reference, paragraph, simple_field, text_box, write_docx
from tests.pdftext import page_texts
from wir_letters import BuildResult, build, check, load_campaign

pytestmark = pytest.mark.libreoffice

ROWS = [
    {"id": "frau", "name": "Magistrat der Stadt Kassel", "kind": "kreisfreie_stadt", "street": "Obere Königsstraße 8",
     "postcode": "34117", "city": "Kassel", "Anrede": "Frau", "Nachname": "Beispiel", "amount": 23423,
     "deadline": dt.datetime(2017, 3, 31), "is_paid": True, "company_name": "Stadt Kassel",
     "note": "Zeile eins\nZeile zwei", "short": "kurz"},
    {"id": "herr", "name": "Kreisausschuss des Landkreises Fulda", "kind": "landkreis", "street": "Wörthstraße 15",
     "postcode": "36037", "city": "Fulda", "Anrede": "Herr", "Nachname": "Muster", "amount": 5000.5,
     "deadline": dt.datetime(2017, 4, 3), "is_paid": False, "company_name": "Landkreis Fulda",
     "note": "Nur eine Zeile", "short": "knapp"},
]
PROJECTS = [("frau", "Integrationslotsen", 12000.0), ("frau", "Fallmanagement", 48000.5)]


def _workbook(path: Path) -> Path:
    """The recipient list as Excel saves it: typed cells, and a second sheet with table rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Empfänger"
    sheet.append(list(ROWS[0]))
    for row in ROWS:
        sheet.append(list(row.values()))
    projects = book.create_sheet("Projekte")
    projects.append(["id", "Projekt", "Summe"])
    for row in PROJECTS:
        projects.append(list(row))
    book.save(path)
    return path


def _word_template(path: Path) -> Path:
    """Fields as Word writes them, in the body, a header, a footnote, an endnote and a text box."""
    salutation = paragraph("Sehr geehrte", Field(" IF ", Field(" MERGEFIELD Anrede ", result="«Anrede»"),
                                                 ' = "Frau" "" "r" ', result="r"),
                           " ", Field(" MERGEFIELD Anrede "), " ", Field(" MERGEFIELD Nachname "), ",")
    size = Field(" IF ", Field(" MERGEFIELD amount "), ' > 10000 "Großprojekt in ',
                 Field(" MERGEFIELD city "), '" "Kleinprojekt" ')
    return write_docx(path, [
        salutation,
        paragraph("Betrag: ", Field(' MERGEFIELD amount \\# "#.##0,00" '), " Euro"),
        paragraph("Frist: ", Field(' MERGEFIELD deadline \\@ "dddd, d. MMMM yyyy" ')),
        paragraph("Einordnung: ", size),
        paragraph("Ort: ", simple_field(" MERGEFIELD city \\* Upper ")),
        paragraph("Siehe Fußnote", note_reference("footnote", 1), " und Endnote", note_reference("endnote", 1)),
        paragraph(text_box(paragraph("Kasten für ", Field(" MERGEFIELD Nachname ")))),
    ], header=[paragraph("Kopf für ", Field(" MERGEFIELD name "))],
        footnotes=[paragraph("Fußnote für ", Field(" MERGEFIELD Nachname "))],
        endnotes=[paragraph("Endnote: ", Field(' MERGEFIELD amount \\# "0,00 €" '))])


def _docxtpl_template(path: Path) -> Path:
    """A template as docxtpl users write them: bare names, {{p}}, {{r}}, {%p if %}, a {%tr for %} table."""
    document = docx.Document()
    for text in ("Firma: {{ company_name }}", "{%p if is_paid %}", "Bezahlt am {{ deadline }}.", "{%p else %}",
                 "Noch offen.", "{%p endif %}", "{{p note }}", "Kurz: {{r short }} Ende"):
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=2)
    cells = (("Projekt", "Summe"), ("{%tr for p in recipient.projekte %}", ""),
             ("{{ p.Projekt }}", "{{ p.Summe|money }}"), ("{%tr endfor %}", ""))
    for row, texts in zip(table.rows, cells):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    document.add_paragraph("Projekte: {{ recipient.projekte|length }}")
    document.save(path)
    return path


def write_fields_campaign(folder: Path) -> Path:
    """A campaign with both templates and the Excel list with a second sheet."""
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    _word_template(folder / "templates" / "word.docx")
    _docxtpl_template(folder / "templates" / "docxtpl.docx")
    (folder / "templates" / "plan.pdf").write_bytes(blank_pdf(1))
    _workbook(folder / "list.xlsx")
    data = {
        "title": "Felder", "date": "2017-01-16", "sender": {"authority": "Ministerium"},
        "recipients": "list.xlsx",
        "documents": [{"id": "word", "title": "Word", "template": "templates/word.docx"},
                      {"id": "docxtpl", "title": "docxtpl", "template": "templates/docxtpl.docx"}],
        "tables": {"projekte": {"file": "list.xlsx", "sheet": "Projekte"}},
    }
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fields_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("fields")
    return build(load_campaign(write_fields_campaign(folder)), out=folder / "out")


def _text(result: BuildResult, rid: str, doc: str) -> str:
    recipient = next(r for r in result.results if r.id == rid)
    assert recipient.ok, recipient.error
    return " ".join(page_texts(recipient.documents[doc]))


def test_check_passes_the_field_campaign(tmp_path: Path) -> None:
    """This test ensures that check accepts every supported field form, typed cells and the table sheet."""
    problems = check(load_campaign(write_fields_campaign(tmp_path)))
    assert [p for p in problems if p.severity == "error"] == []


def test_if_field_chooses_by_anrede(fields_build: BuildResult) -> None:
    """This test ensures that IF with a nested MERGEFIELD prints the salutation Word would."""
    assert "Sehr geehrte Frau Beispiel," in _text(fields_build, "frau", "word")
    assert "Sehr geehrter Herr Muster," in _text(fields_build, "herr", "word")


def test_numeric_and_date_pictures_in_german(fields_build: BuildResult) -> None:
    """This test ensures that \\# and \\@ pictures format in the campaign's locale (de_DE)."""
    frau, herr = _text(fields_build, "frau", "word"), _text(fields_build, "herr", "word")
    assert "Betrag: 23.423,00 Euro" in frau
    assert "Betrag: 5.000,50 Euro" in herr
    assert "Frist: Freitag, 31. März 2017" in frau
    assert "Frist: Montag, 3. April 2017" in herr


def test_nested_if_with_field_in_its_text(fields_build: BuildResult) -> None:
    """This test ensures that a comparison on a number and a MERGEFIELD inside the IF text both work."""
    assert "Einordnung: Großprojekt in Kassel" in _text(fields_build, "frau", "word")
    assert "Einordnung: Kleinprojekt" in _text(fields_build, "herr", "word")


def test_fields_in_every_story_part(fields_build: BuildResult) -> None:
    """This test ensures that simple fields, headers, footnotes, endnotes and text boxes are all filled."""
    text = _text(fields_build, "frau", "word")
    for expected in ("Ort: KASSEL", "Kopf für Magistrat der Stadt Kassel", "Fußnote für Beispiel",
                     "Endnote: 23423,00 €", "Kasten für Beispiel"):
        assert expected in text
    assert "«" not in text and "field" not in text


def test_docxtpl_style_template(fields_build: BuildResult) -> None:
    """This test ensures that bare names, {{p}}, {{r}}, a boolean {%p if %} and a table from a second sheet work."""
    frau, herr = _text(fields_build, "frau", "docxtpl"), _text(fields_build, "herr", "docxtpl")
    assert "Firma: Stadt Kassel" in frau
    assert "Bezahlt am 31.03.2017." in frau and "Noch offen." not in frau
    assert "Noch offen." in herr and "Bezahlt" not in herr
    assert "Zeile eins Zeile zwei" in frau and "Nur eine Zeile" in herr
    assert "Kurz: kurz Ende" in frau
    assert "Integrationslotsen 12.000,00 €" in frau and "Fallmanagement 48.000,50 €" in frau
    assert "Projekte: 2" in frau and "Projekte: 0" in herr
