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
