"""LibreOffice crashing, failing for everything, meeting a full disk, or outliving a killed build.

Faults are injected at the program boundary: wrapper scripts stand in for ``soffice``
(``WIR_LETTERS_SOFFICE`` or the converter's ``soffice``); the rest is the real LibreOffice.
The search for bad documents in a batch is also counted with a stand-in that, like soffice,
converts its files in order.
"""

from __future__ import annotations

import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections import namedtuple
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RECIPIENTS, ROOT, blank_pdf, make_template, offices, write_campaign
from tests.pdftext import page_texts
from wir_letters import build, load_campaign
from wir_letters.pdf import convert
from wir_letters.builder.layout import WORK_DIR
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter, SofficeRun
from wir_letters.errors import DiskFull

LO = pytest.mark.libreoffice

MANY = [{**r, "id": f"{r['id']}-{n}", "name": f"{r['name']} ({n})"}  # 30 recipients, 50 distinct documents
        for n in range(10) for r in RECIPIENTS]

CRASH_ONCE = '''#!{python}
import os, signal, subprocess, sys, time
with open({log!r}, "a") as f:
    f.write(f"{{sum(a.endswith('.docx') for a in sys.argv)}}\\n")
if os.path.exists({flag!r}):
    os.execv({soffice!r}, [{soffice!r}] + sys.argv[1:])
open({flag!r}, "w").close()
outdir = sys.argv[sys.argv.index("--outdir") + 1]
child = subprocess.Popen([{soffice!r}] + sys.argv[1:])
while child.poll() is None and not (os.path.isdir(outdir) and any(n.endswith(".pdf") for n in os.listdir(outdir))):
    time.sleep(0.01)
os.killpg(0, signal.SIGKILL)  # soffice dies in the middle of the batch
'''


def script(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file (scratch folder excluded) with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and WORK_DIR not in p.relative_to(out).parts}


def bundle_texts(out: Path) -> dict[str, list[str]]:
    return {p.name: page_texts(p) for p in sorted(out.glob("*.pdf"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign of 30 recipients built once with the real LibreOffice; tests copy it."""
    folder = tmp_path_factory.mktemp("built")
    result = build(load_campaign(write_campaign(folder, MANY)))
    assert result.ok and not result.failed, [r.error for r in result.failed]
    return folder


class InOrder(LibreOfficeConverter):
    """Stands in for soffice like the real one: converts its files in order and crashes at a bad one."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, workers=1, soffice="/bin/true")
        self.starts: list[int] = []

    def _run_soffice(self, files: list[Path], outdir: Path, profile: Path, progress: object = None) -> SofficeRun:
        self.starts.append(len(files))
        outdir.mkdir(parents=True, exist_ok=True)
        for file in files:
            if b"BAD-DOCUMENT" in file.read_bytes():
                return SofficeRun(False, -11)
            (outdir / f"{file.stem}.pdf").write_bytes(PDF)
        return SofficeRun(False, 0)


PDF = blank_pdf()


@pytest.mark.parametrize(("bad", "starts"), [
    ([20], [50, 1, 1, 29]),  # the batch; the suspect alone; a blank test document; the rest
    ([0], [50, 1, 1, 24, 25]),  # nothing was made: the rest goes in halves
    ([10, 30], [50, 1, 1, 39, 1, 19]),  # the canary is tried once per converter
])
def test_bad_documents_are_isolated_in_a_few_starts(tmp_path: Path, bad: list[int], starts: list[int]) -> None:
    """This test ensures that documents that crash soffice fail alone, with the crash message, and that
    finding them takes a few soffice starts instead of one per document of the batch."""
    jobs = []
    for n in range(50):
        source = tmp_path / f"d{n:02d}.docx"
        source.write_bytes(b"BAD-DOCUMENT" if n in bad else f"document {n}".encode())
        jobs.append(ConversionJob(source, tmp_path / "pdf" / f"d{n:02d}.pdf"))
    converter = InOrder(tmp_path / "work")
    errors = converter.convert_batch(jobs, slot=0)
    assert errors == {jobs[n].target: f"LibreOffice crashed (exit code -11) converting {jobs[n].source}, twice; "
                                      f"open d{n:02d}.docx in Word or LibreOffice to check it" for n in bad}
    assert all(job.target.is_file() for n, job in enumerate(jobs) if n not in bad)
    assert converter.starts == starts


@LO
def test_a_crash_restarts_soffice_for_the_unfinished_documents_together(tmp_path: Path) -> None:
    """This test ensures that a soffice crash in a batch of documents converted one file each (the
    path merged conversion falls back to) costs three starts, not one per document, and that every
    document still gets its own PDF."""
    sources = [make_template(tmp_path / f"d{n:02d}.docx", [f"Dokument Nummer {n}"]) for n in range(12)]
    jobs = [ConversionJob(source, tmp_path / "pdf" / f"{source.stem}.pdf") for source in sources]
    soffice = script(tmp_path / "soffice-crash", CRASH_ONCE.format(
        python=sys.executable, log=str(tmp_path / "starts"), flag=str(tmp_path / "crashed"),
        soffice=shutil.which("soffice")))
    converter = LibreOfficeConverter(tmp_path / "work", workers=1, soffice=str(soffice), merge=False)
    assert converter.convert_batch(jobs, slot=0) == {}
    starts = [int(n) for n in (tmp_path / "starts").read_text().split()]
    assert starts[:2] == [12, 1] and len(starts) == 3, starts  # the batch; the suspect alone; the rest together
    assert sum(starts[1:]) < 12  # the crash came after the first PDF
    for n, job in enumerate(jobs):
        assert page_texts(job.target) == [f"Dokument Nummer {n}"]


@LO
@pytest.mark.parametrize("failing", ["exit 1", "exit 0"])
def test_a_soffice_that_fails_for_everything_is_an_environment_problem(
        built: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """This test ensures that a LibreOffice that converts nothing gives exit 3 with what to try and
    check, blames no document, and leaves the earlier build's outputs untouched."""
    folder = shutil.copytree(built, tmp_path / "campaign")
    before = outputs(folder / "out")
    stamps = {p.name: p.stat().st_mtime_ns for p in (folder / "out").glob("*.pdf")}
    soffice = script(tmp_path / "soffice-broken", f"#!/bin/sh\n{failing}\n")
    monkeypatch.setenv("WIR_LETTERS_SOFFICE", str(soffice))
    done = run_cli("build", "-c", str(folder / "campaign.yaml"), "--force", "-q")
    assert done.code == 3, done.err
    assert f"LibreOffice ({soffice}) could not convert even a blank test document" in done.err
    assert f"'{soffice} --headless --convert-to pdf x.docx'" in done.err
    assert "WIR_LETTERS_SOFFICE" in done.err and "disk space" in done.err
    assert "in Word" not in done.err
    assert outputs(folder / "out") == before
    assert {p.name: p.stat().st_mtime_ns for p in (folder / "out").glob("*.pdf")} == stamps


@LO
def test_a_failed_conversion_on_a_full_disk_blames_the_disk(
        built: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that LibreOffice failing while the disk is (nearly) full gives exit 3 and
    names the disk, not a damaged document."""
    folder = shutil.copytree(built, tmp_path / "campaign")
    before = outputs(folder / "out")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(convert.shutil, "disk_usage", lambda path: usage(2**30, 2**30 - 10 * 2**20, 10 * 2**20))
    monkeypatch.setenv("WIR_LETTERS_SOFFICE", str(script(tmp_path / "soffice-full", "#!/bin/sh\nexit 1\n")))
    done = run_cli("build", "-c", str(folder / "campaign.yaml"), "--force", "-q", "--only", "kassel-0")
    assert done.code == 3, done.err
    assert (f"error: the disk holding {folder / 'out' / WORK_DIR} is full (10 MB free): free space or use --out "
            "on another disk") in done.err
    assert outputs(folder / "out") == before


@LO
def test_a_damaged_document_with_little_space_left_is_reported_as_a_full_disk(tmp_path: Path) -> None:
    """This test ensures that the free-space threshold applies to the real LibreOffice's failures."""
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")
    converter = LibreOfficeConverter(tmp_path / "work", workers=1, min_free=2**62)
    with pytest.raises(DiskFull, match=rf"the disk holding {tmp_path / 'work'} is full \(\d+ MB free\)"):
        converter.convert_batch([ConversionJob(damaged, tmp_path / "damaged.pdf")], slot=0)


def wait(condition: Callable[[], object], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def scratch(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@LO
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_soffice_dies_with_a_killed_build(built: Path, tmp_path: Path, signum: signal.Signals) -> None:
    """This test ensures that killing only the build process ends its LibreOffice processes too,
    that they write nothing more, and that a rerun gives the clean build's bundles."""
    path = write_campaign(tmp_path, MANY)
    work = tmp_path / "out" / WORK_DIR
    with open(tmp_path / "stderr", "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "wir_letters", "build", "-c", str(path), "-q"],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    try:
        assert wait(lambda: offices(work) or process.poll() is not None, 120)
        assert offices(work), f"the build ended before LibreOffice started: {(tmp_path / 'stderr').read_text()}"
        process.send_signal(signum)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == (-signal.SIGKILL if signum == signal.SIGKILL else 143)
    assert wait(lambda: not offices(work), 1), offices(work)  # a batch takes seconds
    left = scratch(work)
    time.sleep(1.5)
    assert scratch(work) <= left
    result = build(load_campaign(path))
    assert not result.failed, [r.error for r in result.failed]
    assert bundle_texts(tmp_path / "out") == bundle_texts(built / "out")
