"""The text-fidelity check inside a real build: a value cut off by a too-small frame fails its
recipient, with the document and the missing words, and no bundle is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_campaign
from tests.docxmaker import paragraph, write_docx
from wir_letters import build, load_campaign

pytestmark = pytest.mark.libreoffice

FRAME = ('<w:pPr><w:framePr w:w="3000" w:h="300" w:hRule="exact" w:wrap="around" w:hAnchor="page" '
         'w:vAnchor="page" w:x="2000" w:y="3000"/></w:pPr>')
SHORT = {"id": "kurz", "name": "Stadt A", "kind": "landkreis", "street": "Weg 1", "postcode": "34117",
         "city": "Kassel", "note": "Kurz"}
LONG = dict(SHORT, id="lang", note="Dieser Vermerk ist viel zu lang für den kleinen Rahmen Zebra Quokka")


def test_value_cut_off_by_a_frame_fails_only_that_recipient(tmp_path: Path) -> None:
    """This test ensures that a build does not exit 0 with a letter whose frame swallowed words."""
    template = write_docx(tmp_path / "rahmen.docx", [
        paragraph("Brief an {{ recipient.name }}"),
        paragraph(FRAME, "{{ recipient.note }}"),
    ])
    campaign = write_campaign(tmp_path, [SHORT, LONG], documents=[{"id": "t", "title": "T", "template": str(template)}])
    result = build(load_campaign(campaign))
    by_id = {r.id: r for r in result.results}
    assert by_id["kurz"].ok and (result.out / "kurz.pdf").is_file()
    error = by_id["lang"].error or ""
    assert not by_id["lang"].ok and not (result.out / "lang.pdf").exists()
    assert error.startswith("t.docx: words missing from the PDF: ") and "Quokka" in error and "Zebra" in error
    assert "a frame, text box or table cell may be too small" in error


def test_a_document_the_same_for_every_recipient_is_compared_once_and_fails_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that comparing a repeated document once per build still fails every
    recipient it belongs to, while a document that differs is compared for each recipient."""
    from wir_letters.builder import _pipeline

    compared: list[str] = []
    real = _pipeline.fidelity_problem

    def counting(docx: Path, pdf: Path) -> str | None:
        compared.append(docx.name)
        return real(docx, pdf)

    monkeypatch.setattr(_pipeline, "fidelity_problem", counting)
    same = write_docx(tmp_path / "rahmen.docx", [
        paragraph("Ausschreibung"),
        paragraph(FRAME, "Dieser Vermerk ist viel zu lang für den kleinen Rahmen Zebra Quokka"),
    ])
    letter = write_docx(tmp_path / "brief.docx", [paragraph("Brief an {{ recipient.name }}")])
    rows = [dict(SHORT, id=f"r{n}", name=f"Stadt {n}") for n in range(3)]
    campaign = write_campaign(tmp_path, rows, documents=[{"id": "brief", "title": "Brief", "template": str(letter)},
                                                         {"id": "call", "title": "Call", "template": str(same)}])
    result = build(load_campaign(campaign))
    assert [r.ok for r in result.results] == [False, False, False]
    for r in result.results:
        assert (r.error or "").startswith("call.docx: words missing from the PDF: ") and "Quokka" in (r.error or "")
        assert not (result.out / f"{r.id}.pdf").exists()
    assert sorted(compared) == ["brief.docx"] * 3 + ["call.docx"]
