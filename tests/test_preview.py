"""wir-letters preview: page images of one recipient, built first if needed, the others untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FakeConverter, write_campaign
from wir_letters import build, load_campaign


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.rglob("*.pdf"))}


def test_preview_of_an_up_to_date_recipient_only_renders(tmp_path: Path, run_cli) -> None:
    """This test ensures that preview renders every page of the bundle and touches no other output."""
    campaign = write_campaign(tmp_path)
    assert build(load_campaign(campaign), converter=FakeConverter(pages=2)).ok
    out = tmp_path / "out"
    before = _stamps(out)
    result = run_cli("preview", "kassel", "-c", str(campaign))
    assert result.code == 0, result.err
    images = [Path(line) for line in result.out.split()]
    assert [p.name for p in images] == [f"bundle-{n}.png" for n in range(1, 7)]  # 2 documents × 2 + plan 2
    assert all(p.parent == out / "_preview" / "kassel" and p.read_bytes()[:4] == b"\x89PNG" for p in images)
    assert _stamps(out) == before


def test_preview_of_one_page_of_one_document(tmp_path: Path, run_cli) -> None:
    """This test ensures that --document and --page select one image, and wrong ones get a clear error."""
    campaign = write_campaign(tmp_path)
    assert build(load_campaign(campaign), converter=FakeConverter(pages=2)).ok
    one = run_cli("preview", "kassel", "-c", str(campaign), "--document", "call", "--page", "2")
    assert one.code == 0, one.err
    assert [Path(line).name for line in one.out.split()] == ["call-2.png"]
    wrong = run_cli("preview", "kassel", "-c", str(campaign), "--document", "brief")
    assert wrong.code == 1 and "--document: this recipient gets no document 'brief' (use one of: letter, call)" \
        in wrong.err
    unknown = run_cli("preview", "niemand", "-c", str(campaign))
    assert unknown.code == 1 and "unknown recipient id(s): niemand" in unknown.err


@pytest.mark.libreoffice
def test_preview_builds_only_that_recipient(tmp_path: Path, run_cli) -> None:
    """This test ensures that preview of a recipient never built builds it, and only it (real LibreOffice)."""
    campaign = write_campaign(tmp_path)
    result = run_cli("preview", "kassel", "-c", str(campaign), "--document", "letter")
    assert result.code == 0, result.err
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["kassel.pdf"]
    assert [Path(line).name for line in result.out.split()] == ["letter-1.png"]
