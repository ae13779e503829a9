"""DOCX → PDF with a LibreOffice kept running: no start-up cost per batch (for ``watch``).

Each worker slot has one soffice listening on a pipe and a small helper run with the system
Python (``_uno_server``, which needs LibreOffice's ``uno`` module, Debian package
``python3-uno``) that converts one document per request over UNO, with the same export filter
and options as ``soffice --convert-to`` (``convert.export_filter``) and the same normalisation,
so the PDFs equal ``LibreOfficeConverter``'s. A soffice that crashes or hangs is killed and
started again, and the document is tried once more. Both processes get a parent-death signal
from a thread that lives as long as the converter, so they die with the program even when it
is killed; ``close`` ends them at once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from wir_letters.errors import ConverterFailed, ConverterMissing
from wir_letters.files import write_atomic
from wir_letters.i18n import N_, render
from wir_letters.inputs.values import Phrase
from wir_letters.pdf._failures import check_space
from wir_letters.pdf._pdfnorm import normalize_pdf
from wir_letters.pdf._warm_office import Office, OfficeDied
from wir_letters.pdf._soffice import Soffice, find_soffice
from wir_letters.pdf.convert import MIN_FREE, ConversionJob, export_filter

__all__ = ["UNO_HINT", "WARM_PREFIX", "WarmConverter", "uno_python"]

WARM_PREFIX = "warm-"  # + "<pid>-<slot>": a warm soffice's profile and scratch, in the profile root
UNO_HINT = N_("install LibreOffice's Python bridge: 'apt-get install python3-uno' on Debian/Ubuntu")  # a template


def uno_python() -> str:
    """The Python that can import ``uno``: ``WIR_LETTERS_UNO_PYTHON``, else ``/usr/bin/python3``."""
    return os.environ.get("WIR_LETTERS_UNO_PYTHON", "/usr/bin/python3")


class WarmConverter:
    """A ``Converter`` whose LibreOffice processes stay up between batches; use it as a context
    manager (or call ``close``) so that they end with it."""

    renders_text = True

    def __init__(self, profile_root: Path, workers: int = 1, timeout: float = 60.0, soffice: str | None = None,
                 day: dt.date = dt.date(2000, 1, 1), pdf_a: str | None = None, min_free: int = MIN_FREE,
                 durable: bool = True) -> None:
        self.soffice = soffice or find_soffice()
        self.office = Soffice.of(self.soffice)
        self.profile_root = profile_root
        self.workers = max(1, workers)
        self.timeout = timeout
        self.day = day
        self.min_free = min_free
        self.durable = durable  # sync each PDF to disk (a build syncs once, before its manifest records them)
        _, self.filter, self.options = (export_filter(pdf_a).split(":", 2) + [""])[:3]
        self._launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-office")
        self._offices: dict[int, Office] = {}
        self._lock = threading.Lock()
        self._remove_stale()

    def __enter__(self) -> WarmConverter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        """Convert ``jobs`` one by one in slot ``slot``'s soffice; return an error text per failed target.

        Raises:
            ConverterMissing: soffice or the UNO helper cannot be started.
            ConverterFailed: LibreOffice does not come up, or dies at every document.
            DiskFull: a conversion failed and the disk is nearly full.
        """
        errors: dict[Path, str] = {}
        for job in jobs:
            error = self._convert(job, slot)
            if error:
                check_space([job.source], [self.profile_root, job.target.parent], self.min_free)
                errors[job.target] = error
        return errors

    def pids(self) -> list[int]:
        """The process ids of the running soffice processes (tests kill them)."""
        with self._lock:
            return [office.pid for office in self._offices.values() if office.running]

    def close(self) -> None:
        """End every soffice and helper and delete their profiles."""
        with self._lock:
            offices, self._offices = list(self._offices.values()), {}
        for office in offices:
            office.stop()
            shutil.rmtree(office.folder, ignore_errors=True)
        self._launcher.shutdown(wait=False)

    def _convert(self, job: ConversionJob, slot: int) -> str:
        """Convert one job; a crash or hang of soffice costs a restart and one more try."""
        for attempt in (1, 2):
            office = self._office(slot)
            try:
                produced = office.convert(job.source, self.filter, self.options, self.timeout)
            except OfficeDied as died:
                office.stop()
                if attempt == 2:
                    return render(N_("LibreOffice {died} converting {source}, twice; open {name} in Word or "
                                     "LibreOffice to check it"),
                                  {"died": died.phrase, "source": job.source, "name": job.source.name})
                continue
            if isinstance(produced, str):
                return render(N_("LibreOffice could not convert {source} ({error}); open it in Word to check it"),
                              {"source": job.source, "error": produced})
            write_atomic(job.target, normalize_pdf(produced.read_bytes(), self.day), durable=self.durable)
            return ""
        return ""  # not reached

    def _office(self, slot: int) -> Office:
        """Slot ``slot``'s soffice, started (again) when it is not running."""
        with self._lock:
            office = self._offices.get(slot)
            if office is None:
                folder = self.profile_root / f"{WARM_PREFIX}{os.getpid()}-{slot}"
                office = self._offices[slot] = Office(self.office, folder, uno_python(), self._launcher)
        if not office.running:
            try:
                office.start()
            except OSError as err:
                raise ConverterMissing(N_("cannot start LibreOffice for watch: {error}; {hint}"),
                                       code="libreoffice.watch_cannot_start", error=str(err),
                                       hint=Phrase(UNO_HINT)) from err
            except OfficeDied as died:
                raise ConverterFailed(N_("LibreOffice ({soffice}) did not come up with its UNO bridge: {error}. "
                                         "Check '{python} -c \"import uno\"' ({hint})"),
                                      code="libreoffice.uno_failed", soffice=self.soffice, error=died.phrase,
                                      python=uno_python(), hint=Phrase(UNO_HINT)) from died
        return office

    def _remove_stale(self) -> None:
        """Delete the warm folders of programs that are no longer running."""
        for folder in self.profile_root.glob(WARM_PREFIX + "*") if self.profile_root.is_dir() else ():
            pid = folder.name[len(WARM_PREFIX):].split("-")[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

