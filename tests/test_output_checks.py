"""Output assertions: a recipient whose rendered document looks wrong fails, its bundle is not written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RECIPIENTS, FakeConverter, make_template, write_campaign
from wir_letters import build, load_campaign


def _build_with_letter(tmp_path: Path, paragraphs: list[str], recipients=None, converter=None, **campaign):
    path = write_campaign(tmp_path, recipients=recipients, **campaign)
    make_template(tmp_path / "templates" / "letter.docx", paragraphs)
    return build(load_campaign(path), converter=converter or FakeConverter())


def test_leftover_word_field_text_fails_the_recipient(tmp_path: Path) -> None:
    result = _build_with_letter(tmp_path, ["Sehr geehrte «Anrede» {{ recipient.name }},"])
    assert [r.id for r in result.failed] == ["landkreis-fulda", "kassel", "fulda"]
    assert "letter.docx: a template tag was not filled: '«Anrede»'" in result.failed[0].error
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_empty_salutation_fails_the_recipient(tmp_path: Path) -> None:
    paragraphs = ["Sehr geehrte {{ recipient.contact_salutation }} {{ recipient.contact_last_name }},"]
    result = _build_with_letter(tmp_path, paragraphs)
    assert [r.id for r in result.failed] == ["kassel", "fulda"]  # the Landkreis has a contact person
    assert 'the salutation is empty: "Sehr geehrte  ,"' in result.failed[0].error
    assert (tmp_path / "out" / "landkreis-fulda.pdf").is_file()


def test_tag_like_data_is_not_a_leftover(tmp_path: Path) -> None:
    odd = dict(RECIPIENTS[1], name="Verein {{ 7*7 }} «Zukunft» {% raw %}")
    result = _build_with_letter(tmp_path, ["{{ recipient.name }}", "{{ salutation }}"], recipients=[odd])
    assert not result.failed, result.failed[0].error


def test_page_limit_per_document(tmp_path: Path) -> None:
    documents = [{"id": "letter", "title": "Anschreiben", "template": "templates/letter.docx", "max_pages": 2},
                 {"id": "call", "title": "Ausschreibung", "template": "templates/call.docx"}]
    result = _build_with_letter(tmp_path, ["{{ salutation }}"], documents=documents, converter=FakeConverter(pages=3))
    assert len(result.failed) == 3
    assert "letter.pdf: 3 pages, the campaign allows at most 2 for 'letter' (max_pages)" in result.failed[0].error
    assert not list((tmp_path / "out").glob("*.pdf"))
