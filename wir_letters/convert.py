"""DOCX → PDF with headless LibreOffice: one soffice process per batch, each worker its own profile.

A call that makes no progress (no new PDF) for ``timeout`` seconds is killed; a batch that
hangs or crashes is retried one document at a time in a fresh process, so one bad document
fails only its recipient.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import ConverterMissing
from .files import write_atomic
from .pdfnorm import normalize_pdf

INSTALL_HINT = (
    "install LibreOffice: 'apt-get install libreoffice-writer-nogui' on Debian/Ubuntu, "
    "or set WIR_LETTERS_SOFFICE to the soffice program"
)
FILES_PER_CALL = 200  # soffice silently skips files beyond ~250 arguments; stay below


@dataclass(frozen=True)
class ConversionJob:
    """Convert ``source`` (a .docx) into ``target`` (a .pdf)."""

    source: Path
    target: Path


class Converter(Protocol):
    """Converts batches of DOCX files; ``slot`` (0 … workers-1) lets parallel callers not collide.

    Returns an error text for each target it could not produce. A converter whose PDFs carry
    no text (a test double) sets ``renders_text = False`` to skip the text-fidelity check.
    """

    workers: int

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]: ...


def find_soffice() -> str:
    """Return the soffice executable to use.

    Raises:
        ConverterMissing: when neither ``WIR_LETTERS_SOFFICE`` nor ``soffice`` on PATH exists.
    """
    configured = os.environ.get("WIR_LETTERS_SOFFICE")
    candidates = [configured] if configured else ["soffice", "libreoffice"]
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    raise ConverterMissing(f"LibreOffice not found ({', '.join(candidates)}): {INSTALL_HINT}")


@dataclass(frozen=True)
class _Run:
    """How one soffice process ended."""

    timed_out: bool
    returncode: int | None


class LibreOfficeConverter:
    """Converts with headless soffice; worker slot ``n`` uses its own profile folder."""

    renders_text = True

    def __init__(self, profile_root: Path, workers: int = 2, timeout: float = 60.0,
                 soffice: str | None = None, day: dt.date = dt.date(2000, 1, 1)) -> None:
        self.soffice = soffice or find_soffice()
        self.profile_root = profile_root
        self.workers = max(1, workers)
        self.timeout = timeout  # seconds a call may go without finishing a document
        self.day = day  # the date written into every PDF, so that PDFs are reproducible

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        """Convert ``jobs`` in one soffice process; retry failures one by one in a fresh process."""
        _, missing = self._attempt(jobs, slot)
        if not missing:
            return {}
        errors: dict[Path, str] = {}
        for job in missing:  # retried once, alone, so a bad document cannot fail the others
            retry, still = self._attempt([job], slot)
            if still:
                errors[job.target] = _failure(job, retry, self.timeout)
        return errors

    def _attempt(self, jobs: Sequence[ConversionJob], slot: int) -> tuple[_Run, list[ConversionJob]]:
        """Run soffice once on ``jobs``; return how it ended and the jobs left without a PDF."""
        self.profile_root.mkdir(parents=True, exist_ok=True)
        profile = self.profile_root / f"lo-profile-{os.getpid()}-{slot}"
        staging = Path(tempfile.mkdtemp(prefix=".convert-", dir=self.profile_root))
        try:
            staged = {job: staging / f"{n:04d}.docx" for n, job in enumerate(jobs)}
            for job, path in staged.items():
                shutil.copyfile(job.source, path)
            run = self._run_soffice(list(staged.values()), staging / "pdf", profile)
            if run.timed_out or run.returncode != 0:
                shutil.rmtree(profile, ignore_errors=True)  # a crashed instance may leave it locked
            missing = [job for job, path in staged.items()
                       if not self._collect(job, staging / "pdf" / f"{path.stem}.pdf")]
            return run, missing
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_soffice(self, files: list[Path], outdir: Path, profile: Path) -> _Run:
        command = [
            self.soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, files),
        ]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as err:
            raise ConverterMissing(f"cannot run {self.soffice}: {err}; {INSTALL_HINT}") from err
        try:
            return self._watch(process, outdir)
        finally:
            _kill_group(process)  # also reaps helpers soffice left behind in its process group

    def _watch(self, process: subprocess.Popen[bytes], outdir: Path) -> _Run:
        """Wait for soffice; kill it when no new PDF appeared for ``timeout`` seconds."""
        done, last_progress = 0, time.monotonic()
        while True:
            try:
                return _Run(False, process.wait(timeout=0.2))
            except subprocess.TimeoutExpired:
                pass
            made = sum(1 for _ in outdir.glob("*.pdf")) if outdir.is_dir() else 0
            if made != done:
                done, last_progress = made, time.monotonic()
            elif time.monotonic() - last_progress > self.timeout:
                _kill_group(process)
                return _Run(True, None)

    def _collect(self, job: ConversionJob, produced: Path) -> bool:
        if not produced.is_file() or produced.stat().st_size == 0:
            return False
        write_atomic(job.target, normalize_pdf(produced.read_bytes(), self.day))
        return True


def _failure(job: ConversionJob, run: _Run, limit: float) -> str:
    name = job.source.name
    if run.timed_out:
        return (f"LibreOffice stopped making progress converting {job.source} (nothing for {limit:.0f} s), "
                "twice; open the document in Word to check it, or raise --timeout")
    if run.returncode not in (0, None):
        return (f"LibreOffice crashed (exit code {run.returncode}) converting {job.source}, twice; "
                f"open {name} in Word or LibreOffice to check it")
    return f"LibreOffice could not convert {job.source} (the document may be damaged); open it in Word to check it"


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill soffice and the soffice.bin it started (they share a process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
