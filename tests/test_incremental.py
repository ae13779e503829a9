"""Incremental builds: only what changed is rebuilt, with the reason; nothing is silently lost.

These use the fake converter; tests/test_crash_safety.py covers the same with LibreOffice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import FakeConverter, make_template, write_campaign
from wir_letters import BuildLocked, build, load_campaign, load_recipients
from wir_letters.builder.build import assess_all
from wir_letters.builder.layout import WORK_DIR, OutputLayout
from wir_letters.builder.manifest import Manifest, ManifestEntry
from wir_letters.builder.status import ReasonKind, State
from wir_letters.files import exclusive_lock

SHIPPED = [dict(r.fields) for r in load_recipients(Path(__file__).parent.parent / "recipients" / "hessen-2017.yaml")]


@pytest.fixture
def campaign33(tmp_path: Path) -> Path:
    """A campaign with the 33 shipped recipients and small templates, built once."""
    path = write_campaign(tmp_path, recipients=SHIPPED)
    build(load_campaign(path), converter=FakeConverter())
    return path


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every output file, to prove which files were left untouched."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file() and WORK_DIR not in p.parts}


def edit_recipient(campaign_file: Path, rid: str, **changes: str) -> None:
    path = campaign_file.parent / "recipients.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    for row in data["recipients"]:
        if row["id"] == rid:
            row.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def statuses(campaign_file: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    campaign = load_campaign(campaign_file)
    found, _ = assess_all(campaign, load_recipients(campaign.recipients), campaign.output.folder)
    return {s.id: (s.state, s.reasons) for s in found}


def test_second_build_does_nothing(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    before = snapshot(out)
    converter = FakeConverter()
    result = build(load_campaign(campaign33), converter=converter)
    assert converter.converted == [] and snapshot(out) == before
    assert {r.status.state for r in result.results} == {"up to date"}


def test_contact_change_rebuilds_exactly_one_bundle(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    before = snapshot(out)
    edit_recipient(campaign33, "kassel", contact_salutation="Herr", contact_last_name="Geselle")
    assert statuses(campaign33)["kassel"] == ("changed", (
        "row changed: contact_last_name: '' → 'Geselle'; contact_salutation: '' → 'Herr'",))
    assert sum(state == "up to date" for state, _ in statuses(campaign33).values()) == 32
    converter = FakeConverter()
    build(load_campaign(campaign33), converter=converter)
    # the call does not use the contact: re-rendered, it is the same DOCX, so nothing is converted
    assert [p.relative_to(out).as_posix() for p in converter.converted] == ["kassel/letter.docx"]
    after = snapshot(out)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["kassel.pdf", "kassel/letter.docx", "kassel/letter.pdf", "manifest.json"]


def test_template_change_rebuilds_every_user_of_it(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    before = snapshot(out)
    make_template(campaign33.parent / "templates" / "call.docx", ["Neue Ausschreibung für {{ recipient.name }}"])
    found = statuses(campaign33)
    assert found["kassel"] == ("changed", ("template changed: call.docx",))
    assert found["landkreis-fulda"] == ("up to date", ())  # Landkreise do not get the call
    converter = FakeConverter()
    build(load_campaign(campaign33), converter=converter)
    assert len(converter.converted) == 12  # 5 kreisfreie Städte + 7 Sonderstatusstädte, call only
    after = snapshot(out)
    assert after["landkreis-fulda.pdf"] == before["landkreis-fulda.pdf"]
    assert after["kassel/letter.pdf"] == before["kassel/letter.pdf"]
    assert after["kassel/call.pdf"] != before["kassel/call.pdf"]


def test_hand_edited_and_missing_outputs_are_detected_and_rebuilt(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    original = (out / "fulda.pdf").read_bytes()
    (out / "fulda.pdf").write_bytes(original + b"% edited")
    (out / "wetzlar" / "letter.pdf").unlink()
    found = statuses(campaign33)
    assert found["fulda"] == ("changed", ("output modified by hand: fulda.pdf (the next build moves it to _stale/ "
                                          "first)",))
    assert found["wetzlar"] == ("changed", ("output missing: wetzlar/letter.pdf",))
    assert [r.kind for r in found["fulda"][1] + found["wetzlar"][1]] == [ReasonKind.MODIFIED_BY_HAND,
                                                                       ReasonKind.OUTPUT_MISSING]
    result = build(load_campaign(campaign33), converter=FakeConverter())
    assert (out / "fulda.pdf").read_bytes() == original
    assert (out / "_stale" / "fulda" / "fulda.pdf").read_bytes() == original + b"% edited"  # the edit is kept
    assert [r.set_aside for r in result.results if r.set_aside] == [[out / "_stale" / "fulda" / "fulda.pdf"]]
    assert set(statuses(campaign33).values()) == {("up to date", ())}


def test_manifest_entries_are_typed_and_written_back_unchanged(campaign33: Path) -> None:
    """This test ensures that a manifest entry reads into a ManifestEntry that gives back the same JSON."""
    path = OutputLayout(campaign33.parent / "out").manifest
    raw = json.loads(path.read_text("utf-8"))["recipients"]["kassel"]
    entry = Manifest.load(path).get("kassel")
    assert entry is not None and entry.error is None and entry.bundle == "kassel.pdf"
    assert entry.to_json() == raw and ManifestEntry.from_json(raw) == entry
    assert ManifestEntry.failed("Kassel", "boom").to_json() == {"name": "Kassel", "error": "boom"}
    assert State.UP_TO_DATE == "up to date" and f"{State.NOT_LISTED}" == "not in this list"


def test_attachment_and_settings_changes(campaign33: Path) -> None:
    (campaign33.parent / "templates" / "plan.pdf").write_bytes((campaign33.parent / "out" / "kassel.pdf").read_bytes())
    assert statuses(campaign33)["kassel"] == ("changed", ("attachment changed: Aktionsplan II",))
    data = yaml.safe_load(campaign33.read_text("utf-8"))
    data["sender"]["street"] = "Sonnenberger Straße 2"
    campaign33.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert statuses(campaign33)["kassel"][1] == ("campaign settings changed", "attachment changed: Aktionsplan II")


def test_removed_recipient_is_moved_not_deleted(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    path = campaign33.parent / "recipients.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["recipients"] = [r for r in data["recipients"] if r["id"] != "wetzlar"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert statuses(campaign33)["wetzlar"] == ("removed", ("no longer in the recipient list",))
    result = build(load_campaign(campaign33), converter=FakeConverter())
    assert result.removed == ["wetzlar"]
    assert not (out / "wetzlar.pdf").exists() and not (out / "wetzlar").exists()
    assert sorted(p.name for p in (out / "_removed" / "wetzlar").iterdir()) == ["wetzlar", "wetzlar.pdf"]
    assert "wetzlar" not in json.loads((out / "manifest.json").read_text("utf-8"))["recipients"]


def test_retry_failed_redoes_only_the_failed(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    build(load_campaign(path), converter=FakeConverter(fail=["kassel"]))
    assert statuses(path)["kassel"][0] == "failed"
    converter = FakeConverter()
    result = build(load_campaign(path), retry_failed=True, converter=converter)
    assert [r.id for r in result.results] == ["kassel"] and not result.failed
    assert {p.parent.name for p in converter.converted} == {"kassel"}


def test_failed_rebuild_moves_the_stale_bundle_aside(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    edit_recipient(campaign33, "kassel", name="Magistrat der Stadt Kassel (neu)")
    result = build(load_campaign(campaign33), converter=FakeConverter(fail=["kassel"]))
    assert [r.id for r in result.failed] == ["kassel"]
    assert not (out / "kassel.pdf").exists()
    assert (out / "_stale" / "kassel" / "kassel.pdf").is_file()


def test_force_rebuilds_everything(campaign33: Path) -> None:
    converter = FakeConverter()
    build(load_campaign(campaign33), force=True, converter=converter)
    assert len(converter.converted) == 33 + 12


def test_a_second_build_of_the_same_folder_refuses(campaign_file: Path, run_cli) -> None:
    out = campaign_file.parent / "out"
    with exclusive_lock(out / WORK_DIR / "build.lock"):
        with pytest.raises(BuildLocked, match="another wir-letters build is writing this output folder"):
            build(load_campaign(campaign_file), converter=FakeConverter())
        result = run_cli("build", "-c", str(campaign_file))
    assert result.code == 3 and "another wir-letters build" in result.err


def test_status_command_lists_states_and_reasons(campaign33: Path, run_cli) -> None:
    edit_recipient(campaign33, "fulda", contact_role="Oberbürgermeister")
    (campaign33.parent / "out" / "kassel" / "letter.docx").unlink()
    before = snapshot(campaign33.parent / "out")
    result = run_cli("status", "-c", str(campaign33))
    assert result.code == 0
    assert "fulda: changed\n    row changed: contact_role: '' → 'Oberbürgermeister'" in result.out
    assert "kassel: changed\n    output missing: kassel/letter.docx" in result.out
    assert result.out.strip().endswith("2 changed, 31 up to date")
    assert snapshot(campaign33.parent / "out") == before


def test_temp_files_of_a_killed_build_are_cleared(campaign33: Path) -> None:
    out = campaign33.parent / "out"
    leftover = out / "kassel" / ".letter.pdf.abc123.tmp"
    leftover.write_bytes(b"half")
    (out / WORK_DIR / "lo-profile-99999-0").mkdir(parents=True)
    build(load_campaign(campaign33), converter=FakeConverter())
    assert not leftover.exists() and not (out / WORK_DIR / "lo-profile-99999-0").exists()
    assert sorted(os.listdir(out / "kassel")) == ["call.docx", "call.pdf", "letter.docx", "letter.pdf"]
