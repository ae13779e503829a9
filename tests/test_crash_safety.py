"""Reproducible and crash-safe builds with the real LibreOffice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHIPPED_CAMPAIGN
from wir_letters import assess_all, build, load_campaign, load_recipients
from wir_letters.builder.layout import WORK_DIR

pytestmark = pytest.mark.libreoffice

SUBSET = ["landkreis-fulda", "fulda", "kassel", "wetzlar"]


def files(out: Path) -> dict[str, bytes]:
    """Every output file (scratch folder excluded) with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and WORK_DIR not in p.relative_to(out).parts}


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean") / "out"
    result = build(load_campaign(SHIPPED_CAMPAIGN), out=out, only=SUBSET)
    assert not result.failed, result.failed
    return files(out)


def test_two_builds_from_scratch_give_identical_bytes(clean_build: dict[str, bytes], tmp_path: Path) -> None:
    build(load_campaign(SHIPPED_CAMPAIGN), out=tmp_path / "again", only=SUBSET)
    again = files(tmp_path / "again")
    assert sorted(again) == sorted(clean_build)
    assert len(again) == 4 * (1 + 2 * 5) + 1  # bundle + docx/pdf of 5 documents each, manifest
    differing = [name for name in again if again[name] != clean_build[name]]
    assert differing == []


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    "early": lambda out: (out / WORK_DIR / "build.lock").exists(),
    "during conversion": lambda out: any((out / WORK_DIR).glob(".convert-*")),
    "during bundling": lambda out: any(out.glob("*.pdf")),
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_build_killed_and_rerun_ends_like_a_clean_build(clean_build: dict[str, bytes], tmp_path: Path,
                                                        point: str) -> None:
    """This test ensures that SIGKILL at any moment, then a rerun, gives the clean build's bytes."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "wir_letters", "build", "-c", str(SHIPPED_CAMPAIGN), "--out", str(out),
               "--only", ",".join(SUBSET)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reached = _wait_for(lambda: KILL_POINTS[point](out), process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert reached, f"the build finished before reaching the kill point {point!r}"
    assert files(out) != clean_build  # the kill really interrupted the build
    assert _hand_edits_reported(out) == []  # status tells the truth: the build wrote those files
    result = build(load_campaign(SHIPPED_CAMPAIGN), out=out, only=SUBSET)
    assert not result.failed, result.failed
    assert files(out) == clean_build  # nothing set aside in _stale/, nothing missing


def _hand_edits_reported(out: Path) -> list[str]:
    campaign = load_campaign(SHIPPED_CAMPAIGN)
    chosen = [r for r in load_recipients(campaign.recipients) if r.id in SUBSET]
    statuses, _ = assess_all(campaign, chosen, out)
    return [reason for status in statuses for reason in status.reasons if "by hand" in reason]


def test_sigterm_stops_with_143_and_a_rerun_completes(clean_build: dict[str, bytes], tmp_path: Path) -> None:
    """This test ensures that SIGTERM during conversion exits 143 at once, keeps only complete files,
    and that the next build finishes the job."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "wir_letters", "build", "-c", str(SHIPPED_CAMPAIGN), "--out", str(out),
               "--only", ",".join(SUBSET)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert _wait_for(lambda: any((out / WORK_DIR).glob(".convert-*")), process)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143
    assert time.monotonic() - started < 5  # it did not wait for LibreOffice to finish
    assert "Stopped. Every file written is complete; run the same command again to finish." in err.decode()
    assert not list(out.rglob(".*.tmp"))
    result = build(load_campaign(SHIPPED_CAMPAIGN), out=out, only=SUBSET)
    assert not result.failed, result.failed
    assert files(out) == clean_build
