"""DOCX → PDF with headless LibreOffice: one soffice process per batch, each worker its own profile.

A call that makes no progress (no new PDF) for ``timeout`` seconds is killed. soffice converts
its files in order, so after a crash or hang the first document left without a PDF is the
suspect: it is retried alone, the rest together in a fresh process (in halves when the call
made no PDF at all), and so on while retries crash. One bad document fails only its recipient
and a crash costs a few starts. Documents left after a normal exit are retried together once.
When a retry makes no PDF at all, a blank test document tells a broken LibreOffice
(``ConverterFailed``) from bad documents; a failure on a nearly full disk is ``DiskFull``.

soffice.bin is started directly, not through the launcher (a shell script, then oosplash),
with a parent-death signal: LibreOffice dies with the build even when the build is killed.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import docx

from wir_letters.errors import ConverterFailed, ConverterMissing, DiskFull
from wir_letters.files import write_atomic
from wir_letters.pdf.pdfnorm import normalize_pdf

INSTALL_HINT = (
    "install LibreOffice: 'apt-get install libreoffice-writer-nogui' on Debian/Ubuntu, "
    "or set WIR_LETTERS_SOFFICE to the soffice program"
)
FILES_PER_CALL = 200  # soffice silently skips files beyond ~250 arguments; stay below
MIN_FREE = 50 * 2**20  # bytes; a conversion failing with less free (or < 4× the DOCX) blames the disk
RESTART = 81  # soffice.bin asks to be started again (a first start with a new profile does)
MAX_STARTS = 3  # soffice.bin starts per call, restarts included
PR_SET_PDEATHSIG = 1  # linux/prctl.h


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


def office_program(soffice: str) -> tuple[str, bool]:
    """Return the program to start for ``soffice`` and whether it is soffice.bin itself.

    The launcher starts soffice.bin as a grandchild that a parent-death signal does not reach,
    so soffice.bin is used when it sits next to the (symlink-resolved) launcher. Anything else,
    such as a wrapper script in ``WIR_LETTERS_SOFFICE``, is run as given.
    """
    launcher = Path(shutil.which(soffice) or soffice).resolve()
    binary = launcher if launcher.name == "soffice.bin" else launcher.with_name("soffice.bin")
    if launcher.name in ("soffice", "soffice.bin") and binary.is_file() and os.access(binary, os.X_OK):
        return str(binary), True
    return soffice, False


@dataclass(frozen=True)
class _Run:
    """How one soffice call ended; ``made``: how many of its documents got a PDF."""

    timed_out: bool
    returncode: int | None
    made: int = 0

    @property
    def failed(self) -> bool:
        """soffice crashed, failed or hung, rather than exiting normally."""
        return self.timed_out or self.returncode != 0


class LibreOfficeConverter:
    """Converts with headless soffice; worker slot ``n`` uses its own profile folder."""

    renders_text = True

    def __init__(self, profile_root: Path, workers: int = 2, timeout: float = 60.0,
                 soffice: str | None = None, day: dt.date = dt.date(2000, 1, 1), min_free: int = MIN_FREE) -> None:
        self.soffice = soffice or find_soffice()
        self.program, self.direct = office_program(self.soffice)
        self.profile_root = profile_root
        self.workers = max(1, workers)
        self.timeout = timeout  # seconds a call may go without finishing a document
        self.day = day  # the date written into every PDF, so that PDFs are reproducible
        self.min_free = min_free  # bytes free below which a failed conversion is blamed on the disk
        self._canary_lock = threading.Lock()
        self._canary: _Run | None = None  # how the blank test document's conversion ended, once tried

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        """Convert ``jobs`` in one soffice process; retry what it left (see the module docstring).

        Returns:
            An error text for each target that could not be made.

        Raises:
            DiskFull: a conversion failed and the scratch or output folder's disk is nearly full.
            ConverterFailed: retries made no PDF and not even a blank document converts.
            ConverterMissing: soffice cannot be started.
        """
        run, missing = self._attempt(jobs, slot)
        if not missing:
            return {}
        self._check_space(missing)
        if run.failed:
            return self._isolate(missing, run, slot)
        retry, still = self._attempt(missing, slot)
        return self._settle(missing, retry, still, slot)

    def _isolate(self, jobs: list[ConversionJob], run: _Run, slot: int) -> dict[Path, str]:
        """Retry what a crashed or hung ``run`` left: the suspect (first) alone, then the rest."""
        rest = jobs[1:]
        halves = [rest] if run.made or len(rest) < 2 else [rest[:len(rest) // 2], rest[len(rest) // 2:]]
        errors: dict[Path, str] = {}
        for group in [jobs[:1], *halves]:
            if group:
                retry, missing = self._attempt(group, slot)
                errors |= self._settle(group, retry, missing, slot)
        return errors

    def _settle(self, jobs: list[ConversionJob], run: _Run, missing: list[ConversionJob],
                slot: int) -> dict[Path, str]:
        """Error texts for the ``missing`` of a retry of ``jobs``; a group that crashed again is split."""
        if not missing:
            return {}
        if run.failed and len(jobs) > 1:
            return self._isolate(missing, run, slot)
        self._check_space(missing)
        if not run.made:
            self._check_converter(slot)
        return {job.target: _failure(job, run, self.timeout) for job in missing}

    def _check_space(self, jobs: Sequence[ConversionJob]) -> None:
        """Raise DiskFull when the scratch or an output folder's disk has too little space left."""
        need = max([self.min_free] + [4 * job.source.stat().st_size for job in jobs if job.source.is_file()])
        for folder in dict.fromkeys([self.profile_root, *(job.target.parent for job in jobs)]):
            free = shutil.disk_usage(folder).free if folder.is_dir() else need
            if free < need:
                raise DiskFull(folder, free)

    def _check_converter(self, slot: int) -> None:
        """Raise ConverterFailed when a blank document does not convert either (tried once)."""
        with self._canary_lock:
            if self._canary is None:
                self._canary = self._convert_blank(slot)
        if not self._canary.made:
            raise ConverterFailed(
                f"LibreOffice ({self.soffice}) could not convert even a blank test document "
                f"({_ending(self._canary)}), so the documents are not to blame. Try it by hand: "
                f"'{self.soffice} --headless --convert-to pdf x.docx' with any Word file x.docx; check the "
                "LibreOffice installation, WIR_LETTERS_SOFFICE (it may name the wrong program) and free disk space")

    def _convert_blank(self, slot: int) -> _Run:
        self.profile_root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".convert-", dir=self.profile_root))
        try:
            blank = folder / "blank.docx"
            docx.Document().save(str(blank))
            run, _ = self._attempt([ConversionJob(blank, folder / "blank.pdf")], slot)
            return run
        finally:
            shutil.rmtree(folder, ignore_errors=True)

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
            if run.failed:
                shutil.rmtree(profile, ignore_errors=True)  # a crashed instance may leave it locked
            missing = [job for job, path in staged.items()
                       if not self._collect(job, staging / "pdf" / f"{path.stem}.pdf")]
            return replace(run, made=len(jobs) - len(missing)), missing
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_soffice(self, files: list[Path], outdir: Path, profile: Path) -> _Run:
        """Run soffice on ``files``, starting soffice.bin again when it asks to (a new profile)."""
        command = [
            self.program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, files),
        ]
        for _ in range(MAX_STARTS):
            run = self._start(command, outdir)
            if not (self.direct and run.returncode == RESTART):
                break
        return run

    def _start(self, command: list[str], outdir: Path) -> _Run:
        # the launcher script sets this for soffice.bin; a wrapper gets the environment unchanged
        env = {**os.environ, "SAL_ENABLE_FILE_LOCKING": "1"} if self.direct else None
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True, env=env,
                                       preexec_fn=_die_with_parent())
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


def _ending(run: _Run) -> str:
    if run.timed_out:
        return "it stopped making progress"
    return f"exit code {run.returncode}" if run.returncode else "it ended without making a PDF"


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill soffice and the soffice.bin it started (they share a process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_PRCTL = _load_prctl()


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` giving the child SIGKILL when the thread that started it ends (Linux).

    The signal follows the starting *thread*: a pool worker starts soffice and waits for it
    in the same thread, so it fires only when the build process dies. Elsewhere: None.
    """
    if _PRCTL is None:
        return None
    prctl, parent = _PRCTL, os.getpid()
    args = (ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL),
            ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))

    def set_signal() -> None:  # runs in the child between fork and exec: keep it minimal
        prctl(*args)
        if os.getppid() != parent:  # the build died before the signal was set
            os._exit(1)

    return set_signal
