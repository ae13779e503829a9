"""``status`` replays its last answer when nothing it read has changed, and only then.

The snapshot is written by an in-process ``status`` (the 2-second guard against changes within
one clock tick is set to 0 here: every change below happens well after the files it compares);
each later ``status`` must either print the same text without loading the campaign's libraries
or notice the change: a contact edited in place with its old mtime put back, a hand-edited PDF,
a deleted bundle, another language, a build under way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import FakeConverter, fresh_cli, write_campaign
from wir_letters import build, load_campaign
from wir_letters.cli import _status_snapshot as snapshots
from wir_letters.i18n import set_language

@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshots, "_RACY_NS", 0)
    campaign = write_campaign(tmp_path / "kampagne")
    build(load_campaign(campaign), converter=FakeConverter())
    return campaign


def _snapshots(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "wir-letters" / "status").glob("*.json"))


def test_an_unchanged_campaign_is_answered_without_loading_it(built: Path, tmp_path: Path, run_cli) -> None:
    """This test ensures that the second ``status`` prints the first one's text from the snapshot,
    in a fresh interpreter that loads neither pydantic nor yaml nor rich."""
    first = run_cli("status", "-c", str(built))
    assert first.code == 0 and first.out.strip().endswith("3 up to date")
    assert len(_snapshots(tmp_path)) == 1
    out, loaded = fresh_cli("status", "-c", str(built), env=os.environ | {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert out == first.out
    assert loaded.isdisjoint({"pydantic", "yaml", "rich", "openpyxl", "jinja2"}), loaded


def test_a_contact_edited_in_place_with_its_old_mtime_is_seen(built: Path, run_cli) -> None:
    """This test ensures that a recipient list rewritten with the same size and its old mtime put
    back (as ``cp -p`` or an unzip would) still invalidates the snapshot (its ctime changed)."""
    run_cli("status", "-c", str(built))
    recipients = built.parent / "recipients.yaml"
    before = recipients.stat()
    text = recipients.read_text(encoding="utf-8")
    assert "Beispiel" in text
    recipients.write_text(text.replace("Beispiel", "Beisbiel", 1), encoding="utf-8")
    os.utime(recipients, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert recipients.stat().st_size == before.st_size
    out = run_cli("status", "-c", str(built)).out
    assert "landkreis-fulda: changed" in out and "2 up to date" in out


def test_outputs_touched_after_the_snapshot_are_seen(built: Path, run_cli) -> None:
    """This test ensures that a hand-edited document PDF and a deleted bundle are reported, not replayed."""
    run_cli("status", "-c", str(built))
    out = built.parent / "out"
    pdf = next(out.glob("kassel/*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited")
    assert "output modified by hand" in run_cli("status", "-c", str(built)).out
    run_cli("status", "-c", str(built))
    bundle = next(p for p in out.glob("*.pdf") if p.name.startswith("fulda") or "fulda" in p.name.lower())
    bundle.unlink()
    assert "output missing" in run_cli("status", "-c", str(built)).out


def test_another_language_gets_its_own_answer(built: Path, run_cli) -> None:
    """This test ensures that the English snapshot is not replayed to a German ``status``."""
    assert "3 up to date" in run_cli("status", "-c", str(built)).out
    try:
        assert "3 aktuell" in run_cli("--lang", "de", "status", "-c", str(built)).out
    finally:
        set_language(None)


def test_no_snapshot_while_a_build_is_under_way_or_was_interrupted(built: Path, tmp_path: Path, run_cli) -> None:
    """This test ensures that no snapshot is stored while the build journal exists."""
    journal = built.parent / "out" / ".wir" / "journal"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(json.dumps({"pid": 1, "recipients": []}), encoding="utf-8")
    run_cli("status", "-c", str(built))
    assert _snapshots(tmp_path) == []


def test_a_campaign_change_that_keeps_every_file_size_is_seen(built: Path, run_cli) -> None:
    """This test ensures that editing campaign.yaml (same size, e.g. one digit of the date) is seen."""
    run_cli("status", "-c", str(built))
    data = yaml.safe_load(built.read_text(encoding="utf-8"))
    data["date"] = "2017-01-17"
    built.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "3 changed" in run_cli("status", "-c", str(built)).out


def test_a_change_made_while_status_runs_is_not_stored(built: Path, tmp_path: Path, run_cli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a list saved while ``status`` is still reading leaves no snapshot
    (it would hold the new file times with the old answer)."""
    from wir_letters.builder import assess

    recipients = built.parent / "recipients.yaml"
    real = assess.assess_all

    def slow_assess(*args, **kwargs):  # type: ignore[no-untyped-def]
        recipients.write_text(recipients.read_text(encoding="utf-8").replace("Beispiel", "Beisbiel", 1),
                              encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(assess, "assess_all", slow_assess)
    assert "3 up to date" in run_cli("status", "-c", str(built)).out
    assert _snapshots(tmp_path) == []
    monkeypatch.setattr(assess, "assess_all", real)
    assert "landkreis-fulda: changed" in run_cli("status", "-c", str(built)).out


def test_a_warning_on_stderr_is_not_replayed_away(built: Path, tmp_path: Path, run_cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that no snapshot is stored when ``status`` wrote to standard error."""
    import sys

    from wir_letters.builder import assess

    real = assess.assess_all

    def warning_assess(*args, **kwargs):  # type: ignore[no-untyped-def]
        print("UserWarning: a cell could not be read", file=sys.stderr)
        return real(*args, **kwargs)

    monkeypatch.setattr(assess, "assess_all", warning_assess)
    assert "UserWarning" in run_cli("status", "-c", str(built)).err
    assert _snapshots(tmp_path) == []


def test_outputs_put_back_by_hand_are_seen(built: Path, run_cli) -> None:
    """This test ensures that restoring a recipient's deleted outputs (its folder's files, which
    status only checks for existence) is seen: the recipient's folder is recorded too."""
    folder = built.parent / "out" / "kassel"
    saved = {path: path.read_bytes() for path in folder.iterdir()}
    for path in saved:
        path.unlink()
    assert "kassel: changed" in run_cli("status", "-c", str(built)).out
    for path, data in saved.items():
        path.write_bytes(data)
    assert run_cli("status", "-c", str(built)).out.strip().endswith("3 up to date")


def test_without_a_home_folder_status_still_answers(built: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a machine without a home folder (no cache for snapshots) gets a full
    ``status``, not a crash."""
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    done = run_cli("status", "-c", str(built))
    assert done.code == 0 and done.out.strip().endswith("3 up to date")
