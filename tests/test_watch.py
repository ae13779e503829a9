"""``wir-letters watch`` and the warm converter: a saved change shows up in its recipient's bundle,
nothing else is touched, errors do not end the watch, and LibreOffice never outlives it."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import RECIPIENTS, FakeConverter, make_template, write_campaign
from wir_letters import build, load_campaign
from wir_letters.outputs.watch import Round, watch
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter
from wir_letters.pdf.warm import WarmConverter

ROOT = Path(__file__).resolve().parent.parent


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _save_street(campaign: Path, rid: str, street: str) -> None:
    rows = [dict(r, street=street) if r["id"] == rid else r for r in RECIPIENTS]
    (campaign.parent / "recipients.yaml").write_text(yaml.safe_dump({"recipients": rows}, allow_unicode=True),
                                                     encoding="utf-8")


def _soffice_for(folder: Path) -> list[int]:
    """The pids of LibreOffice processes whose profile lies in ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and "soffice" in command and str(folder) in command:
            found.append(int(proc.name))
    return found


def test_the_watch_loop_rebuilds_what_a_save_changed(tmp_path: Path) -> None:
    """This test ensures that the loop builds once, then after a template is saved rebuilds with the
    reason from the build's status, and ends when told to (fake converter, no LibreOffice)."""
    campaign_file = write_campaign(tmp_path)
    stop, rounds = threading.Event(), queue.Queue[Round]()

    def loop() -> None:
        for done in watch(campaign_file, lambda: load_campaign(campaign_file),
                          lambda campaign, _: build(campaign, converter=FakeConverter()), stop=stop):
            rounds.put(done)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    first = rounds.get(timeout=60)
    assert first.result is not None and len(first.result.results) == 3 and first.changed == ()
    make_template(tmp_path / "templates" / "call.docx", ["Neue Ausschreibung für {{ recipient.name }}"])
    second = rounds.get(timeout=30)
    assert second.changed == ((tmp_path / "templates" / "call.docx").resolve(),)
    assert second.result is not None
    rebuilt = {r.id: list(r.status.reasons) for r in second.result.results if r.status and r.status.needs_build}
    assert rebuilt == {"kassel": ["template changed: call.docx"], "fulda": ["template changed: call.docx"]}
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def _ctrl_c_as_at_a_terminal() -> None:
    """Undo an inherited "ignore SIGINT" (a test run started in the background by a non-interactive shell):
    Python then leaves Ctrl-C ignored, as a program started that way should, and the Ctrl-C test means nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class _Watch:
    """``wir-letters watch`` in a subprocess, its output read line by line."""

    def __init__(self, campaign: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wir_letters", "watch", "-c", str(campaign), "--jobs", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=campaign.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "500", "PYTHONFAULTHANDLER": "1"},
            preexec_fn=_ctrl_c_as_at_a_terminal)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def exit_code(self, timeout: float) -> int:
        """Its exit code; when it has not ended within ``timeout`` seconds, SIGABRT makes it print where
        each of its threads is (faulthandler), and the test fails with that output."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait()
            self.reader.join(timeout=10)
            while not self.lines.empty():
                self.seen.append(self.lines.get())
            raise AssertionError("still running; its output:\n" + "\n".join(self.seen[-80:])) from None

    def end(self) -> None:
        """Kill it if it still runs, and close its output."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str, timeout: float = 120) -> list[str]:
        """Lines up to the next one containing ``text``."""
        got, deadline = [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {text!r} in {self.seen}") from None
            self.seen.append(line)
            got.append(line)
            if text in line:
                return got


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, _Watch]]:
    campaign = write_campaign(tmp_path)
    running = _Watch(campaign)
    running.until("watching")
    yield campaign, running
    running.end()


@pytest.mark.libreoffice
def test_watch_rebuilds_the_changed_recipient_and_survives_a_broken_save(watching: tuple[Path, _Watch]) -> None:
    """This test ensures that saving a changed row rebuilds that recipient's bundle with the new text,
    leaves the others' bundles untouched, says why; that a broken save prints the error and the watch
    recovers on the next good save; and that Ctrl-C ends it with 130 and no LibreOffice left."""
    campaign, running = watching
    out = campaign.parent / "out"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.pdf") if p.name != "kassel.pdf"}
    _save_street(campaign, "kassel", "Rathausplatz 1")
    lines = running.until(" failed (3 recipients)")
    assert "rebuilt kassel: row changed: street: 'Obere Königsstraße 8' → 'Rathausplatz 1'" in lines
    assert "Rathausplatz 1" in _text(out / "kassel.pdf")
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.pdf")
            if p.name != "kassel.pdf"} == before

    (campaign.parent / "recipients.yaml").write_text("recipients: [ {id: kassel", encoding="utf-8")
    assert any("recipients.yaml" in line for line in running.until("nothing was built"))
    _save_street(campaign, "kassel", "Rathausplatz 2")
    assert "rebuilt kassel: row changed: street: 'Rathausplatz 1' → 'Rathausplatz 2'" in \
        running.until(" failed (3 recipients)")
    assert "Rathausplatz 2" in _text(out / "kassel.pdf")
    assert _soffice_for(out)
    running.until("watching")
    running.process.send_signal(signal.SIGINT)
    assert running.exit_code(timeout=30) == 130
    assert _soffice_for(out) == []


@pytest.mark.libreoffice
def test_killing_watch_leaves_no_libreoffice(watching: tuple[Path, _Watch]) -> None:
    """This test ensures that LibreOffice dies with the watch even when the watch is killed (SIGKILL)."""
    campaign, running = watching
    out = campaign.parent / "out"
    assert _soffice_for(out)
    running.process.kill()
    running.process.wait()
    deadline = time.monotonic() + 10
    while _soffice_for(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _soffice_for(out) == []


def _docx(tmp_path: Path) -> Path:
    return make_template(tmp_path / "in" / "letter.docx", ["Sehr geehrte Damen und Herren,", "Zweite Zeile"] +
                         ["Absatz"] * 60, header="Kopf", footer="Fuß")


@pytest.mark.libreoffice
@pytest.mark.parametrize("pdf_a", [None, "2b"])
def test_warm_converter_makes_the_pdfs_of_the_normal_converter(tmp_path: Path, pdf_a: str | None) -> None:
    """This test ensures that the warm converter's PDF has the same pages and text as soffice
    --convert-to's (PDF/A too), and that it survives a LibreOffice killed under it."""
    source, day = _docx(tmp_path), dt.date(2017, 1, 16)
    normal = LibreOfficeConverter(tmp_path / "cold", workers=1, day=day, pdf_a=pdf_a)
    assert normal.convert_batch([ConversionJob(source, tmp_path / "cold.pdf")], 0) == {}
    with WarmConverter(tmp_path / "warm", workers=1, day=day, pdf_a=pdf_a) as warm:
        assert warm.convert_batch([ConversionJob(source, tmp_path / "warm.pdf")], 0) == {}
        cold_pages, warm_pages = PdfReader(tmp_path / "cold.pdf").pages, PdfReader(tmp_path / "warm.pdf").pages
        assert len(warm_pages) == len(cold_pages) > 1
        assert _text(tmp_path / "warm.pdf") == _text(tmp_path / "cold.pdf")
        if pdf_a:
            assert b"<pdfaid:part>2</pdfaid:part>" in (tmp_path / "warm.pdf").read_bytes()
        [pid] = warm.pids()
        os.kill(pid, signal.SIGKILL)
        assert warm.convert_batch([ConversionJob(source, tmp_path / "again.pdf")], 0) == {}
        assert _text(tmp_path / "again.pdf") == _text(tmp_path / "cold.pdf")
        assert warm.pids() and warm.pids() != [pid]
    assert _soffice_for(tmp_path / "warm") == []
