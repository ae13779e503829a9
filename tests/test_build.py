"""The build pipeline with a fake converter (tests/test_end_to_end.py runs the real LibreOffice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import RECIPIENTS, FakeConverter, make_template, write_campaign
from wir_letters import InputError, build, load_campaign
from wir_letters.files import sha256_file


def test_bundles_follow_campaign_order_and_when_rules(campaign_file: Path) -> None:
    """This test ensures that each recipient gets its documents in order, with one bookmark each."""
    result = build(load_campaign(campaign_file), converter=FakeConverter())
    assert not result.failed
    out = campaign_file.parent / "out"
    landkreis = PdfReader(out / "landkreis-fulda.pdf")
    assert [o.title for o in landkreis.outline] == ["Anschreiben", "Aktionsplan II"]  # call: kind != landkreis
    assert len(landkreis.pages) == 1 + 2
    city = PdfReader(out / "kassel.pdf")
    assert [o.title for o in city.outline] == ["Anschreiben", "Ausschreibung", "Aktionsplan II"]
    assert [city.get_destination_page_number(o) for o in city.outline] == [0, 1, 2]
    assert city.metadata.title == "Testkampagne – Magistrat der Stadt Kassel"
    assert city.metadata.author == "Hessisches Ministerium für Soziales und Integration"
    assert sorted(p.name for p in (out / "kassel").iterdir()) == ["call.docx", "call.pdf", "letter.docx", "letter.pdf"]


def test_manifest_lists_pages_and_hashes(campaign_file: Path) -> None:
    build(load_campaign(campaign_file), converter=FakeConverter())
    out = campaign_file.parent / "out"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    entry = manifest["recipients"]["kassel"]
    assert entry["bundle"] == "kassel.pdf" and entry["pages"] == 4
    assert entry["documents"] == {"letter": {"title": "Anschreiben", "pages": 1, "position": 1},
                                  "call": {"title": "Ausschreibung", "pages": 1, "position": 2}}
    assert set(entry["files"]) == {"kassel.pdf", "kassel/letter.docx", "kassel/letter.pdf",
                                   "kassel/call.docx", "kassel/call.pdf"}
    for name, digest in entry["files"].items():
        assert sha256_file(out / name) == digest


def test_one_failing_recipient_does_not_stop_the_others(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    converter = FakeConverter(fail=["kassel"])
    result = build(load_campaign(path), converter=converter)
    assert [r.id for r in result.failed] == ["kassel"]
    assert "LibreOffice produced no PDF" in result.failed[0].error
    assert (tmp_path / "out" / "fulda.pdf").is_file() and not (tmp_path / "out" / "kassel.pdf").exists()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["recipients"]["kassel"]["error"].startswith("LibreOffice produced no PDF")


def test_preflight_errors_stop_the_build_before_anything_is_written(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    template = make_template(tmp_path / "templates" / "call.docx", ["{{ recipient.fax }}"])
    with pytest.raises(InputError) as caught:
        build(load_campaign(path), converter=FakeConverter())
    assert f"{template}: recipient.fax: no such column in the recipient list" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_keep_going_builds_the_recipients_without_problems(tmp_path: Path) -> None:
    bad_postcode = dict(RECIPIENTS[2], postcode="360")
    path = write_campaign(tmp_path, recipients=[RECIPIENTS[0], RECIPIENTS[1], bad_postcode])
    with pytest.raises(InputError, match="postcode '360' is not five digits"):
        build(load_campaign(path), converter=FakeConverter())
    result = build(load_campaign(path), keep_going=True, converter=FakeConverter())
    assert [r.id for r in result.results] == ["landkreis-fulda", "kassel"] and not result.failed
    assert [(p.recipient, p.field) for p in result.rejected] == [("fulda", "postcode")]
    assert not result.ok
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["kassel.pdf", "landkreis-fulda.pdf"]


def test_only_builds_the_named_recipients_and_keeps_the_manifest(campaign_file: Path) -> None:
    campaign = load_campaign(campaign_file)
    build(campaign, converter=FakeConverter())
    converter = FakeConverter()
    result = build(campaign, only=["fulda"], force=True, converter=converter)
    assert [r.id for r in result.results] == ["fulda"]
    assert {p.parent.name for p in converter.converted} == {"fulda"}
    manifest = json.loads((campaign_file.parent / "out" / "manifest.json").read_text("utf-8"))
    assert set(manifest["recipients"]) == {"fulda", "kassel", "landkreis-fulda"}


def test_address_over_six_lines_is_refused_or_skipped(tmp_path: Path) -> None:
    long = {"id": "lang", "name": "Kreisausschuss des Landkreises X", "kind": "landkreis",
            "department": "Fachbereich Integration\nSachgebiet WIR\nZimmer 3", "street": "Weg 1", "postcode": "12345",
            "city": "X", "contact_salutation": "Herr", "contact_last_name": "Muster"}
    path = write_campaign(tmp_path, recipients=[long, RECIPIENTS[1]])
    with pytest.raises(InputError) as caught:
        build(load_campaign(path), converter=FakeConverter())
    assert "row 1 (lang): address: the address has 7 lines, the DIN 5008 address field holds 6" in str(caught.value)
    result = build(load_campaign(path), keep_going=True, converter=FakeConverter())
    assert [r.id for r in result.results] == ["kassel"]
    assert [p.recipient for p in result.rejected] == ["lang"]
    assert not (tmp_path / "out" / "lang").exists()


def test_an_address_line_that_would_wrap_out_of_the_field_is_refused(tmp_path: Path) -> None:
    wordy = dict(RECIPIENTS[1], department="Amt für " + "Integration, Vielfalt und Teilhabe " * 6)
    path = write_campaign(tmp_path, recipients=[wordy])
    with pytest.raises(InputError, match=r"row 1 \(kassel\): address: the address has 4 lines \(7 once long lines wrap\)"):
        build(load_campaign(path), converter=FakeConverter())
