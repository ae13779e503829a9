"""Classic Word mail-merge templates (MERGEFIELD) work without editing."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml

from tests.conftest import FakeConverter, write_campaign
from wir_letters import build, check, load_campaign
from wir_letters.checks.output import paragraphs
from wir_letters.documents.mergefields import jinja_for

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def simple_field(instruction: str, shown: str) -> str:
    return (f'<w:fldSimple {W} w:instr="{instruction}"><w:r><w:rPr><w:b/></w:rPr>'
            f"<w:t>{shown}</w:t></w:r></w:fldSimple>")


def complex_field(instruction_parts: list[str], shown: str) -> list[str]:
    """Runs of a complex field; the instruction split over several runs as Word does."""
    runs = [f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>']
    runs += [f'<w:r {W}><w:instrText xml:space="preserve">{part}</w:instrText></w:r>' for part in instruction_parts]
    runs += [f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
             f'<w:r {W}><w:rPr><w:i/></w:rPr><w:t>{shown}</w:t></w:r>',
             f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>']
    return runs


def paragraph_with(container, before: str, field_xml: list[str], after: str = "") -> None:
    paragraph = container.add_paragraph(before)
    for xml in field_xml:
        paragraph._p.append(parse_xml(xml))
    if after:
        paragraph.add_run(after)


def word_merge_template(path: Path) -> Path:
    """A template as Word's mail merge writes it: both field forms, header, footer, split runs."""
    document = docx.Document()
    paragraph_with(document, "", complex_field([" ADDRESSBLOCK \\f ", '"&lt;&lt;_TITLE0_ &gt;&gt;" \\l 1031 '], "«AddressBlock»"))
    paragraph_with(document, "", [simple_field(" GREETINGLINE \\f &quot;Sehr geehrte&quot; ", "«GreetingLine»")])
    paragraph_with(document, "Ihre Stadt: ", [simple_field(" MERGEFIELD city \\* MERGEFORMAT ", "«city»")])
    paragraph_with(document, "Kennung: ", complex_field([" MERGE", "FIELD  ", "id", " \\* Upper "], "«id»"), ".")
    paragraph_with(document, "Abteilung", complex_field([' MERGEFIELD department \\b ", " '], "«department»"), "!")
    paragraph_with(document, "Förderkennzeichen: ", complex_field([' MERGEFIELD "Förder Kennzeichen" '],
                                                                  "«Förder Kennzeichen»"))
    header = document.sections[0].header
    header.paragraphs[0].text = ""
    paragraph_with(header, "Empfänger: ", complex_field([" MERGEFIELD name "], "«name»"))
    paragraph_with(document.sections[0].footer, "PLZ ", [simple_field(" MERGEFIELD postcode ", "«postcode»")])
    document.save(path)
    return path


def test_jinja_for_instructions() -> None:
    assert jinja_for(" MERGEFIELD  Name  \\* MERGEFORMAT ") == '{{ recipient["Name"] }}'
    assert jinja_for(' MERGEFIELD "Contact Name" \\* Upper') == '{{ recipient["Contact Name"]|word_text|upper }}'
    assert jinja_for(' MERGEFIELD x \\b "(" \\f ")"') == ('{{ ("(" ~ recipient["x"] ~ ")") '
                                                    "if recipient[\"x\"] not in ('', none) else '' }}")
    assert jinja_for(" GREETINGLINE \\f x") == "{{ salutation }}"
    assert jinja_for(" PAGE ") is None
    assert jinja_for(' IF a = b "x" ') == '{{ word_if("a", "=", "b", "x", "") }}'


def test_word_merge_template_is_filled_and_checked(tmp_path: Path) -> None:
    rows = [{"id": "kassel", "name": "Magistrat der Stadt Kassel", "kind": "kreisfreie_stadt",
             "street": "Obere Königsstraße 8", "postcode": "34117", "city": "Kassel",
             "department": "Integration", "Förder Kennzeichen": "WIR-2017-07"}]
    path = write_campaign(tmp_path, recipients=rows, documents=[
        {"id": "merge", "title": "Serienbrief", "template": "templates/merge.docx"}])
    word_merge_template(tmp_path / "templates" / "merge.docx")
    assert [p for p in check(load_campaign(path)) if p.severity == "error"] == []
    result = build(load_campaign(path), converter=FakeConverter())
    assert not result.failed, result.failed[0].error if result.failed else ""
    text = paragraphs(tmp_path / "out" / "kassel" / "merge.docx")
    assert text[:6] == [
        "Magistrat der Stadt Kassel\nIntegration\nObere Königsstraße 8\n34117 Kassel",
        "Sehr geehrte Damen und Herren,",
        "Ihre Stadt: Kassel",
        "Kennung: KASSEL.",
        "Abteilung, Integration!",
        "Förderkennzeichen: WIR-2017-07",
    ]
    assert "Empfänger: Magistrat der Stadt Kassel" in text and "PLZ 34117" in text


def test_merge_fields_are_listed_by_check(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, documents=[{"id": "merge", "title": "S", "template": "templates/merge.docx"}])
    template = word_merge_template(tmp_path / "templates" / "merge.docx")
    missing = sorted(p.field for p in check(load_campaign(path)) if p.severity == "error")
    assert missing == ["recipient.Förder Kennzeichen"]
    assert all(p.file == str(template) for p in check(load_campaign(path)) if p.severity == "error")
