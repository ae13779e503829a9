"""Progress display for long builds: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console

from tests.conftest import FakeConverter, write_campaign
from wir_letters import build, load_campaign
from wir_letters.progress import ProgressReporter


def test_progress_shows_done_total_rate_and_failures(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ProgressReporter(console) as reporter:
        build(load_campaign(path), converter=FakeConverter(fail=["kassel"]), reporter=reporter)
    shown = screen.getvalue()
    assert "3/3" in shown and "/s" in shown and "1 failed" in shown and "ETA" in shown


def test_progress_is_silent_when_disabled(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    screen = io.StringIO()
    with ProgressReporter(Console(file=screen, force_terminal=False), enabled=False) as reporter:
        build(load_campaign(path), converter=FakeConverter(), reporter=reporter)
    assert screen.getvalue() == ""


def test_cli_prints_no_progress_when_not_a_terminal(run_cli, campaign_file: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys.modules["wir_letters.builder._run"], "LibreOfficeConverter", lambda *a, **k: FakeConverter())
    result = run_cli("build", "-c", str(campaign_file))
    assert result.code == 0
    assert result.out.splitlines() == [
        f"3 built, 0 up to date, 0 failed (3 recipients) in {campaign_file.parent / 'out'}; "
        "5 documents converted, 0 from the cache"]
    quiet = run_cli("build", "-c", str(campaign_file), "--quiet")
    assert quiet.code == 0 and quiet.out == ""
