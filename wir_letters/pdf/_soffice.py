"""Running soffice: find the program, start soffice.bin directly, watch for progress, kill its group.

soffice.bin is started directly, not through the launcher (a shell script, then oosplash),
with a parent-death signal: LibreOffice dies with the build even when the build is killed.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wir_letters.errors import ConverterMissing
from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase

INSTALL_HINT = N_("install LibreOffice: 'apt-get install libreoffice-writer-nogui' on Debian/Ubuntu, "
                  "or set WIR_LETTERS_SOFFICE to the soffice program")  # an English template, shown translated
MALLOC_SETTING = "WIR_LETTERS_SOFFICE_MALLOC"  # a malloc library for soffice.bin to preload, or "system"
JEMALLOC = (f"/usr/lib/{sysconfig.get_config_var('MULTIARCH') or 'none'}/libjemalloc.so.2",  # this architecture's
            "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2", "/usr/local/lib/libjemalloc.so.2")
RESTART = 81  # soffice.bin asks to be started again (a first start with a new profile does)
MAX_STARTS = 3  # soffice.bin starts per call, restarts included
PR_SET_PDEATHSIG = 1  # linux/prctl.h


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
    raise ConverterMissing(N_("LibreOffice not found ({programs}): {hint}"), code="libreoffice.not_found",
                           programs=", ".join(candidates), hint=Phrase(INSTALL_HINT))


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


def office_environment(direct: bool) -> dict[str, str] | None:
    """The environment to start soffice.bin in (None: unchanged, for a wrapper run as given).

    The launcher script sets ``SAL_ENABLE_FILE_LOCKING``. LibreOffice spends about a sixth of a
    conversion in glibc's malloc; with jemalloc preloaded, soffice.bin converts a letter in
    about 12 % less CPU time (same PDFs). ``WIR_LETTERS_SOFFICE_MALLOC`` names another library
    to preload, or ``system`` for none.
    """
    if not direct:
        return None
    env = {**os.environ, "SAL_ENABLE_FILE_LOCKING": "1"}
    library = malloc_library()
    if library:
        env["LD_PRELOAD"] = " ".join(filter(None, [library, os.environ.get("LD_PRELOAD", "")]))
    return env


def malloc_library() -> str | None:
    """The malloc library soffice.bin preloads: ``WIR_LETTERS_SOFFICE_MALLOC``, else jemalloc if installed."""
    configured = os.environ.get(MALLOC_SETTING, "").strip()
    if configured:
        return None if configured == "system" or not Path(configured).is_file() else configured
    if not sys.platform.startswith("linux"):
        return None
    return next((path for path in JEMALLOC if Path(path).is_file()), None)


@dataclass(frozen=True)
class SofficeRun:
    """How one soffice call ended; ``made``: how many of its documents got a PDF."""

    timed_out: bool
    returncode: int | None
    made: int = 0

    @property
    def failed(self) -> bool:
        """soffice crashed, failed or hung, rather than exiting normally."""
        return self.timed_out or self.returncode != 0


@dataclass(frozen=True)
class Soffice:
    """One LibreOffice installation: ``soffice`` as configured, the ``program`` started for it,
    ``direct`` when that is soffice.bin itself (see :func:`office_program`)."""

    soffice: str
    program: str
    direct: bool

    @classmethod
    def of(cls, soffice: str) -> Soffice:
        """The installation that ``soffice`` (a name on PATH or a path) starts."""
        return cls(soffice, *office_program(soffice))

    def version(self) -> tuple[int, int]:
        """LibreOffice's major and minor version from ``--version`` ((0, 0) when it cannot be told)."""
        return office_version(self.program)

    def run(self, files: list[Path], outdir: Path, profile: Path, timeout: float,
            export: str = "pdf:writer_pdf_Export", progress: Callable[[], None] | None = None) -> SofficeRun:
        """Convert ``files`` into ``outdir`` with ``profile``; start again when soffice.bin asks to.
        ``progress`` is called (in this thread) whenever the number of PDFs in ``outdir`` changed.

        Raises:
            ConverterMissing: soffice cannot be started.
        """
        command = [
            self.program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to", export, "--outdir", str(outdir), *map(str, files),
        ]
        for _ in range(MAX_STARTS):
            run = self._start(command, outdir, timeout, progress)
            if not (self.direct and run.returncode == RESTART):
                break
        return run

    def _start(self, command: list[str], outdir: Path, timeout: float,
               progress: Callable[[], None] | None) -> SofficeRun:
        env = office_environment(self.direct)
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True, env=env,
                                       preexec_fn=_die_with_parent())
        except OSError as err:
            raise ConverterMissing(N_("cannot run {program}: {error}; {hint}"), code="libreoffice.cannot_run",
                                   program=self.soffice, error=str(err), hint=Phrase(INSTALL_HINT)) from err
        try:
            return _watch(process, outdir, timeout, progress)
        finally:
            kill_group(process)  # also reaps helpers soffice left behind in its process group


def _watch(process: subprocess.Popen[bytes], outdir: Path, timeout: float,
           progress: Callable[[], None] | None = None) -> SofficeRun:
    """Wait for soffice; kill it when no new PDF appeared in ``outdir`` for ``timeout`` seconds."""
    done, last_progress = 0, time.monotonic()
    while True:
        try:
            return SofficeRun(False, process.wait(timeout=0.2))
        except subprocess.TimeoutExpired:
            pass
        made = sum(1 for _ in outdir.glob("*.pdf")) if outdir.is_dir() else 0
        if made != done:
            done, last_progress = made, time.monotonic()
            if progress is not None:
                progress()
        elif time.monotonic() - last_progress > timeout:
            kill_group(process)
            return SofficeRun(True, None)


@functools.cache
def office_version(program: str) -> tuple[int, int]:
    """The version ``program --version`` prints ("LibreOffice 25.2.3.2 …"), asked once per program."""
    try:
        printed = subprocess.run([program, "--version"], stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=30, check=False).stdout.decode(errors="replace")
    except (OSError, subprocess.SubprocessError):
        return (0, 0)
    found = re.search(r"Office\S*\s+(\d+)\.(\d+)", printed)  # "LibreOffice 25.2.3.2", "LibreOfficeDev 25.8…"
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def kill_group(process: subprocess.Popen[bytes]) -> None:
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
