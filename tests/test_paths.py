"""No path escapes: ids and bundle name patterns never write outside the output folder."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import RECIPIENTS, FakeConverter, write_campaign
from wir_letters import InputError, build, check, load_campaign
from wir_letters.inputs.names import safe_file_name


@pytest.mark.parametrize(("raw", "safe"), [
    ("Magistrat der Stadt Gießen.pdf", "Magistrat der Stadt Giessen.pdf"),
    ("Bürgermeisterin Öztürk.pdf", "Buergermeisterin Oeztuerk.pdf"),
    (unicodedata.normalize("NFD", "Müller.pdf"), "Mueller.pdf"),  # as macOS stores names
    ("../../etc/passwd", "_etc_passwd"),
    ("/absolute/path.pdf", "_absolute_path.pdf"),
    ("C:\\Windows\\x.pdf", "C_Windows_x.pdf"),
    ("NUL.pdf", "_NUL.pdf"),
    ("com1", "_com1"),
    ("a\x00b.pdf", "a_b.pdf"),
    ("...", "_"),
    ("Amt_.pdf", "Amt_.pdf"),
])
def test_safe_file_names(raw: str, safe: str) -> None:
    assert safe_file_name(raw) == safe


def test_bundle_pattern_with_a_hostile_name_stays_inside(tmp_path: Path) -> None:
    evil = dict(RECIPIENTS[1], name="../../../tmp/evil Müller")
    path = write_campaign(tmp_path, recipients=[evil], output={"folder": "out", "bundle_name": "{name}.pdf"})
    build(load_campaign(path), converter=FakeConverter())
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf") if ".wir" not in p.parts)
    assert written == ["out/_tmp_evil Mueller.pdf", "out/kassel/call.pdf", "out/kassel/letter.pdf",
                       "templates/plan.pdf"]


def test_two_recipients_sharing_a_bundle_name_are_refused(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, output={"folder": "out", "bundle_name": "{city}.pdf"})
    problems = check(load_campaign(path))
    shared = [p for p in problems if "is shared by" in p.text]
    assert [p.recipient for p in shared] == ["landkreis-fulda", "fulda"]
    assert shared[0].text == "bundle name 'Fulda.pdf' is shared by landkreis-fulda, fulda"
    with pytest.raises(InputError):
        build(load_campaign(path), converter=FakeConverter())


def test_unknown_column_in_bundle_pattern(tmp_path: Path) -> None:
    """This test ensures that an unknown column in the pattern is one error, not one per recipient."""
    path = write_campaign(tmp_path, output={"folder": "out", "bundle_name": "{landkreis}.pdf"})
    messages = [str(p) for p in check(load_campaign(path)) if "bundle_name" in str(p)]
    assert messages == [f"{path}: output.bundle_name: {{landkreis}} is not a column of the recipient list (write a "
                        'file name with columns of the recipient list, e.g. "{id}.pdf" or "{id}-{city}.pdf")']


@pytest.mark.parametrize(("pattern", "message"), [
    ("{id}", "'{id}' does not end in .pdf"),
    ("../{id}.pdf", "'../{id}.pdf' is a path; it must be a file name in the output folder"),
    ("briefe/{id}.pdf", "'briefe/{id}.pdf' is a path; it must be a file name in the output folder"),
    ("{id.__class__}.pdf", "{id.__class__} is not allowed; use plain {column} fields"),
    ("{id!r}.pdf", "{id!r} is not allowed; use plain {column} fields"),
    ("{id:>9}.pdf", "{id:>9} is not allowed; use plain {column} fields"),
    ("{id.pdf", "'{id.pdf' is not a valid pattern: expected '}' before end of string"),
])
def test_bad_bundle_patterns_are_refused_by_check_and_build(tmp_path: Path, pattern: str, message: str) -> None:
    """This test ensures that a pattern that is no plain file name stops check and build, writing nothing."""
    path = write_campaign(tmp_path, output={"folder": "out", "bundle_name": pattern})
    problems = [p for p in check(load_campaign(path)) if p.field == "output.bundle_name"]
    assert [p.text for p in problems] == [message]
    with pytest.raises(InputError):
        build(load_campaign(path), converter=FakeConverter())
    assert not (tmp_path / "out").exists()
