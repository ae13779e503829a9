"""DOCX → PDF with headless LibreOffice: several soffice processes, each with its own profile."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import ConversionError, ConverterMissing
from .files import write_atomic
from .pdfnorm import normalize_pdf

INSTALL_HINT = (
    "install LibreOffice: 'apt-get install libreoffice-writer-nogui' on Debian/Ubuntu, "
    "or set WIR_LETTERS_SOFFICE to the soffice program"
)
FILES_PER_CALL = 40  # soffice silently skips files beyond ~250 arguments; stay far below


@dataclass(frozen=True)
class ConversionJob:
    """Convert ``source`` (a .docx) into ``target`` (a .pdf)."""

    source: Path
    target: Path


class Converter(Protocol):
    """Anything that turns DOCX jobs into PDFs; returns an error text per failed target."""

    def convert(self, jobs: Sequence[ConversionJob]) -> dict[Path, str]: ...


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


class LibreOfficeConverter:
    """Converts in ``workers`` parallel soffice processes, each with a private profile folder."""

    def __init__(self, profile_root: Path, workers: int = 2, timeout: float = 120.0,
                 soffice: str | None = None, day: dt.date = dt.date(2000, 1, 1)) -> None:
        self.soffice = soffice or find_soffice()
        self.day = day  # the date written into every PDF, so that PDFs are reproducible
        self.profile_root = profile_root
        self.workers = max(1, workers)
        self.timeout = timeout

    def convert(self, jobs: Sequence[ConversionJob]) -> dict[Path, str]:
        """Convert all jobs; PDFs land atomically at their targets. Returns errors by target."""
        self.profile_root.mkdir(parents=True, exist_ok=True)
        size = max(1, min(FILES_PER_CALL, math.ceil(len(jobs) / self.workers)))  # keep every worker busy
        chunks = [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]
        lanes = [chunks[slot::self.workers] for slot in range(min(self.workers, len(chunks)))]
        errors: dict[Path, str] = {}
        with ThreadPoolExecutor(max(1, len(lanes))) as pool:
            for result in pool.map(self._convert_lane, lanes, range(len(lanes))):
                errors.update(result)
        return errors

    def _convert_lane(self, chunks: list[list[ConversionJob]], slot: int) -> dict[Path, str]:
        """Convert chunks one after another in one worker slot, reusing its profile folder."""
        profile = self.profile_root / f"lo-profile-{os.getpid()}-{slot}"
        errors: dict[Path, str] = {}
        try:
            for chunk in chunks:
                errors.update(self._convert_chunk(chunk, profile))
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        return errors

    def _convert_chunk(self, jobs: list[ConversionJob], profile: Path) -> dict[Path, str]:
        staging = Path(tempfile.mkdtemp(prefix=".convert-", dir=self.profile_root))
        try:
            staged = {job: staging / f"{n:04d}.docx" for n, job in enumerate(jobs)}
            for job, path in staged.items():
                shutil.copyfile(job.source, path)
            self._run_soffice(list(staged.values()), staging / "pdf", profile)
            results = {job.target: self._collect(job, staging / "pdf" / f"{path.stem}.pdf")
                       for job, path in staged.items()}
            return {target: err for target, err in results.items() if err}
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_soffice(self, files: list[Path], outdir: Path, profile: Path) -> None:
        command = [
            self.soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, files),
        ]
        timeout = self.timeout + 2.0 * len(files)
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as err:
            raise ConverterMissing(f"cannot run {self.soffice}: {err}; {INSTALL_HINT}") from err
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as err:
            _kill_group(process)
            raise ConversionError(
                f"LibreOffice did not finish {len(files)} conversion(s) within {timeout:.0f} s") from err

    def _collect(self, job: ConversionJob, produced: Path) -> str:
        if not produced.is_file() or produced.stat().st_size == 0:
            return f"LibreOffice produced no PDF for {job.source}; open it in Word or LibreOffice to check it"
        write_atomic(job.target, normalize_pdf(produced.read_bytes(), self.day))
        return ""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill soffice and the soffice.bin it started (they share a process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
