"""What check says about fields and names a template uses: refused Word fields, footnotes,
did-you-mean, names that clash."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_template, write_campaign
from tests.docxmaker import Field, note_reference, paragraph, simple_field, text_box, write_docx
from wir_letters import check, load_campaign
from wir_letters.documents._fieldcodes import REFUSED


def _check(tmp_path: Path, template: Path, rows: list[dict[str, str]] | None = None) -> list[str]:
    campaign = write_campaign(tmp_path, rows, documents=[{"id": "t", "title": "T", "template": str(template)}])
    return [str(p) for p in check(load_campaign(campaign))]


ROW = {"id": "kassel", "name": "Magistrat der Stadt Kassel", "kind": "kreisfreie_stadt", "street": "Obere Königsstraße 8",
       "postcode": "34117", "city": "Kassel", "Anrede": "Frau"}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_every_refused_field_is_an_error_naming_template_part_and_field(tmp_path: Path, kind: str) -> None:
    """This test ensures that fields a batch cannot honour stop check with the place and what to do."""
    template = write_docx(tmp_path / "serienbrief.docx", [paragraph("Hallo")],
                          footnotes=[paragraph("Text ", Field(f" {kind} Anrede "))])
    found = [p for p in _check(tmp_path, template, [ROW]) if "cannot be used" in p]
    assert found == [f"{template}: footnotes: documents[0].template: the Word field {kind} cannot be used in a "
                     f"per-recipient merge: {{ {kind} Anrede }} ({REFUSED[kind]})"]


def test_refused_field_in_a_text_box_and_header_is_found(tmp_path: Path) -> None:
    """This test ensures that text boxes and headers are searched for refused fields too."""
    template = write_docx(tmp_path / "t.docx", [paragraph(text_box(paragraph(simple_field("NEXT"))))],
                          header=[paragraph(Field(" ASK Frage \"Wie?\" "))])
    problems = _check(tmp_path, template, [ROW])
    assert any(": body: " in p and "NEXT cannot be used" in p for p in problems)
    assert any(": header1: " in p and "ASK cannot be used" in p for p in problems)


def test_formula_field_with_merge_field_is_refused(tmp_path: Path) -> None:
    """This test ensures that a { = } field around a MERGEFIELD (which LibreOffice cannot compute) is an error."""
    template = write_docx(tmp_path / "t.docx", [paragraph(Field(" = ", Field(" MERGEFIELD Anrede "), " * 2 "))])
    assert any("holds merge fields, which LibreOffice cannot calculate" in p for p in _check(tmp_path, template, [ROW]))


def test_unreadable_if_field_is_refused(tmp_path: Path) -> None:
    """This test ensures that an IF without an operator is reported instead of printing nothing."""
    template = write_docx(tmp_path / "t.docx", [paragraph(Field(" IF ", Field(" MERGEFIELD Anrede "), ' "Frau" '))])
    assert any("cannot be read" in p and "IF { MERGEFIELD Anrede }" in p for p in _check(tmp_path, template, [ROW]))


def test_fields_in_footnotes_and_endnotes_count_as_used(tmp_path: Path) -> None:
    """This test ensures that columns read only in footnotes/endnotes are not called unused, and
    unknown ones there are errors."""
    template = write_docx(tmp_path / "t.docx", [paragraph("Text", note_reference("footnote", 1))],
                          footnotes=[paragraph(Field(" MERGEFIELD Anrede "))],
                          endnotes=[paragraph("{{ recipient.Fehlt }}")])
    problems = _check(tmp_path, template, [ROW])
    assert not any("Anrede: no template or rule uses this column" in p for p in problems)
    assert any("recipient.Fehlt: no such column" in p for p in problems)


def test_jinja_error_in_a_footnote_is_found_by_check(tmp_path: Path) -> None:
    """This test ensures that a broken tag in a footnote fails check, not only the build."""
    template = write_docx(tmp_path / "t.docx", [paragraph("x")], footnotes=[paragraph("{{ recipient.city ")])
    assert any("Jinja syntax error" in p for p in _check(tmp_path, template, [ROW]))


def test_did_you_mean_for_case_and_missing_recipient(tmp_path: Path) -> None:
    """This test ensures that a name differing from a column by case or by a missing 'recipient.' gets a hint."""
    template = make_template(tmp_path / "t.docx", ["{{ City }}", "{{ recipient.anrede }}", "{{ citty }}"])
    problems = _check(tmp_path, template, [ROW])
    assert any("unknown variable 'City' – did you mean recipient.city?" in p for p in problems)
    assert any("recipient.anrede: no such column in the recipient list – did you mean recipient.Anrede?" in p
               for p in problems)
    assert any("unknown variable 'citty' – did you mean recipient.city?" in p for p in problems)


def test_bare_column_names_are_known_and_clashes_are_notes(tmp_path: Path) -> None:
    """This test ensures that {{ Anrede }} is accepted and a column named like a context name gets a note."""
    template = make_template(tmp_path / "t.docx", ["{{ Anrede }} {{ salutation }}"])
    problems = _check(tmp_path, template, [dict(ROW, salutation="Hallo")])
    assert not any("unknown variable" in p for p in problems)
    assert any("salutation: the column has the name of the template variable 'salutation'" in p
               and "write {{ recipient.salutation }}" in p for p in problems)


def test_leftover_merge_text_in_a_footnote_fails_the_recipient(tmp_path: Path) -> None:
    """This test ensures that a «Anrede» typed into a footnote (not a field) stops that letter."""
    from tests.conftest import FakeConverter
    from wir_letters import build

    template = write_docx(tmp_path / "t.docx", [paragraph("Text", note_reference("footnote", 1))],
                          footnotes=[paragraph("Liebe «Anrede»")])
    campaign = write_campaign(tmp_path, [ROW], documents=[{"id": "t", "title": "T", "template": str(template)}])
    result = build(load_campaign(campaign), converter=FakeConverter())
    assert "a template tag was not filled: '«Anrede»' in \"Liebe «Anrede»\"" in (result.results[0].error or "")
