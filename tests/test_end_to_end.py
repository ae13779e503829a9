"""End to end with the real LibreOffice: the shipped campaign, built once for the whole session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT
from wir_letters import BuildResult, build, load_campaign, load_recipients
from wir_letters.files import sha256_file
from wir_letters.inputs.recipients import validate_rows, RawRow
from wir_letters.documents.rules import when_applies

pytestmark = pytest.mark.libreoffice

CAMPAIGN = load_campaign(ROOT / "campaign.yaml")
RECIPIENTS = load_recipients(CAMPAIGN.recipients)


def _text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_every_recipient_gets_a_bundle(shipped_build: BuildResult) -> None:
    assert [r.error for r in shipped_build.failed] == []
    assert len(shipped_build.results) == 33
    assert sorted(p.name for p in shipped_build.out.glob("*.pdf")) == sorted(f"{r.id}.pdf" for r in RECIPIENTS)


@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda r: r.id)
def test_bundle_text_outline_and_pages(shipped_build: BuildResult, recipient) -> None:
    """This test ensures that a bundle holds the recipient's letter and the documents in campaign order."""
    bundle = shipped_build.out / f"{recipient.id}.pdf"
    reader = PdfReader(bundle)
    text = " ".join(reader.pages[0].extract_text().split())
    assert recipient.name in text
    assert recipient.fields["postcode"] in text
    documents = [d for d in CAMPAIGN.documents if when_applies(d.when, recipient.fields)]
    expected_titles = [d.title for d in documents] + [a.title for a in CAMPAIGN.attachments]
    assert [item.title for item in reader.outline] == expected_titles
    parts = [shipped_build.out / recipient.id / f"{d.id}.pdf" for d in documents] + [a.file for a in CAMPAIGN.attachments]
    part_pages = [len(PdfReader(p).pages) for p in parts]
    assert len(reader.pages) == sum(part_pages)
    starts = [sum(part_pages[:i]) for i in range(len(parts))]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == starts
    assert reader.metadata.title == f"{CAMPAIGN.title} – {recipient.name}"
    assert reader.metadata.author == CAMPAIGN.sender.authority


def test_manifest_hashes_match_the_files(shipped_build: BuildResult) -> None:
    manifest = json.loads((shipped_build.out / "manifest.json").read_text("utf-8"))
    assert len(manifest["recipients"]) == 33
    for entry in manifest["recipients"].values():
        assert entry["error"] is None
        assert entry["pages"] == len(PdfReader(shipped_build.out / entry["bundle"]).pages)
        for name, digest in entry["files"].items():
            assert sha256_file(shipped_build.out / name) == digest, name


def test_xml_special_characters_survive_conversion(tmp_path: Path) -> None:
    name = "Müller & Söhne <Vertrieb> \"Nord\" 'Süd'"
    department = "Fachbereich {{ 7*7 }} {% raw %} «Zukunft»"
    row = dict(RECIPIENTS[0].fields, id="sonderzeichen", name=name, department=department,
               street="Straße der Vielfalt 1 👍 مرحبا")
    recipient = validate_rows(Path("inline"), [RawRow(1, row)])
    result = build(CAMPAIGN, recipient, out=tmp_path / "out")
    assert not result.failed, result.failed
    letter = " ".join(_text(tmp_path / "out" / "sonderzeichen" / "anschreiben.pdf").split())
    assert name in letter and department in letter and "Straße der Vielfalt 1" in letter
    assert f"Antragsteller: {name}" in " ".join(_text(tmp_path / "out" / "sonderzeichen.pdf").split())


def test_every_shipped_document_passes_the_fidelity_check(shipped_build: BuildResult) -> None:
    """This test ensures that the text-fidelity check ran on the real PDFs and found every word."""
    from wir_letters.checks.fidelity import missing_words

    pairs = [(d.with_suffix(".docx"), d) for r in shipped_build.results for d in r.documents.values()]
    assert len(pairs) == 165
    assert {str(pdf): missing_words(docx, pdf) for docx, pdf in pairs[:10]} == {str(p): [] for _, p in pairs[:10]}


def test_too_long_your_ref_fails_check() -> None:
    """This test ensures that the shipped campaign refuses an "Ihr Zeichen" longer than the block holds."""
    from wir_letters.checks.preflight import preflight
    from wir_letters.inputs.recipients import check_rows

    row = dict(RECIPIENTS[0].fields, your_ref="x" * 91)
    problems = [str(p) for p in preflight(CAMPAIGN, check_rows(Path("inline.csv"), [RawRow(2, row)], CAMPAIGN.schema))]
    assert "inline.csv: row 2 (landkreis-bergstrasse): your_ref: has 91 characters, the letter has room for 90 " \
           "(shorten it to at most 90 characters)" in problems
