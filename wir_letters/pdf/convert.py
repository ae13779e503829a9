"""DOCX → PDF with headless LibreOffice: one soffice process per batch, each worker its own profile.

A call that makes no progress (no new PDF) for ``timeout`` seconds is killed. soffice converts
its files in order, so after a crash or hang the first document left without a PDF is the
suspect: it is retried alone, the rest together in a fresh process (in halves when the call
made no PDF at all), and so on while retries crash. One bad document fails only its recipient
and a crash costs a few starts. Documents left after a normal exit are retried together once.
When a retry makes no PDF at all, a blank test document tells a broken LibreOffice
(``ConverterFailed``) from bad documents; a failure on a nearly full disk is ``DiskFull``.

Starting and watching soffice is in ``_soffice``; whom a failure blames in ``_failures``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import docx

from wir_letters.files import write_atomic
from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase
from wir_letters.pdf._failures import check_space, converter_failed, failure_text
from wir_letters.pdf._merged import Group, Outcome, plan, regroup, settle
from wir_letters.pdf._profile_seed import drop_seed, keep_as_seed, start_from_seed
from wir_letters.pdf._pdfnorm import normalize_pdf
from wir_letters.pdf._print_copy import write_print_copy
from wir_letters.pdf._soffice import INSTALL_HINT, Soffice, SofficeRun, find_soffice

__all__ = [
    "FILES_PER_CALL", "INSTALL_HINT", "MIN_FREE", "PLACED_SINCE", "PROFILE_PATTERN", "PROFILE_PREFIX", "STAGING_PATTERN",
    "STAGING_PREFIX", "ConversionJob", "Converter", "LibreOfficeConverter", "SofficeRun", "find_soffice",
]

FILES_PER_CALL = 200  # soffice silently skips files beyond ~250 arguments; stay below
PLACED_SINCE = (25, 2)  # the first LibreOffice seen to keep a first page and frames after a section break
MIN_FREE = 50 * 2**20  # bytes; a conversion failing with less free (or < 4× the DOCX) blames the disk
PROFILE_PREFIX = "lo-profile-"  # + "<pid>-<slot>": a worker's LibreOffice profile in the profile root
STAGING_PREFIX = ".convert-"  # a batch's scratch folder in the profile root, removed when the batch ends
PDF_A_VERSIONS = {"2b": 2}  # campaign value -> LibreOffice's SelectPdfVersion (2 = PDF/A-2b)


def export_filter(pdf_a: str | None, destinations: bool = False) -> str:
    """LibreOffice's PDF export filter, with the PDF/A version as JSON filter options (LibreOffice >= 7.4);
    ``destinations`` exports Word bookmarks as named destinations (they mark merged letters)."""
    if pdf_a is None:
        if destinations:
            return 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
        return "pdf:writer_pdf_Export"
    return 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"%d"}}' % PDF_A_VERSIONS[pdf_a]


CANARY_TIMEOUT = 60.0  # seconds the blank test document may take (it runs only after failures)
PROFILE_PATTERN = PROFILE_PREFIX + "*"  # what a crashed build may leave in the profile root …
STAGING_PATTERN = STAGING_PREFIX + "*"  # … and may be removed before the next build starts


Done = Callable[["ConversionJob", str], None]  # told about one job as soon as it is finished: (job, error text)


@dataclass(frozen=True)
class ConversionJob:
    """Convert ``source`` (a .docx) into ``target`` (a .pdf)."""

    source: Path
    target: Path


class Converter(Protocol):
    """Converts batches of DOCX files; ``slot`` (0 … workers-1) lets parallel callers not collide.

    Returns an error text for each target it could not produce. A converter whose PDFs carry
    no text (a test double) sets ``renders_text = False`` to skip the text-fidelity check. One
    whose ``convert_batch`` also takes a keyword ``done`` (a :data:`Done`) gets it from the pool
    and may report finished jobs through it before the batch ends; the rest come from the dict.
    """

    workers: int

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        """Convert ``jobs``; return an error text for each target that could not be made."""
        ...


class LibreOfficeConverter:
    """Converts with headless soffice; worker slot ``n`` uses its own profile folder.

    With ``merge`` (the default; not with PDF/A) letters of one template are converted many per
    LibreOffice document and split back (see ``_merged``). ``notes`` maps the target of each
    document converted alone to the reason (not mergeable, or its merged conversion did not check out):
    a ``Phrase``, English as a ``str`` and translated by ``str()``.
    """

    renders_text = True

    def __init__(self, profile_root: Path, workers: int = 2, timeout: float = 60.0,
                 soffice: str | None = None, day: dt.date = dt.date(2000, 1, 1), min_free: int = MIN_FREE,
                 pdf_a: str | None = None, merge: bool = True, durable: bool = True) -> None:
        self.soffice = soffice or find_soffice()
        self.office = Soffice.of(self.soffice)
        self.profile_root = profile_root
        self.workers = max(1, workers)
        self.timeout = timeout  # seconds a call may go without finishing a document
        self.day = day  # the date written into every PDF, so that PDFs are reproducible
        self.min_free = min_free  # bytes free below which a failed conversion is blamed on the disk
        self.durable = durable  # sync each PDF to disk (a build syncs once, before its manifest records them)
        self._canary_lock = threading.Lock()
        self._canary: SofficeRun | None = None  # how the blank test document's conversion ended, once tried
        self._limit = timeout  # the hang limit of the next soffice call
        self.merge = merge and pdf_a is None  # PDF/A documents are converted alone (a split PDF is no PDF/A)
        self.export = export_filter(pdf_a, destinations=self.merge)
        self.notes: dict[Path, str] = {}  # target -> why it was converted alone
        self._pages_seen: dict[str, int] = {}  # template key -> page count of its last merged letter

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int, done: Done | None = None) -> dict[Path, str]:
        """Convert ``jobs`` in one soffice process; retry what it left (see the module docstring).

        ``done(job, "")`` is called for documents converted one file each as soon as their PDF is
        complete (soffice converts in order: a PDF is complete once the next document's PDF
        appears); the others, and every merged one, are left to the returned dict and the caller.

        Returns:
            An error text for each target that could not be made.

        Raises:
            DiskFull: a conversion failed and the scratch or output folder's disk is nearly full.
            ConverterFailed: retries made no PDF and not even a blank document converts.
            ConverterMissing: soffice cannot be started.
        """
        if not self.merge:
            return self._convert_alone(jobs, slot, done)
        groups, alone = plan(jobs, self._pages_seen, placed_ok=self.office.version() >= PLACED_SINCE)
        self.notes.update((job.target, why) for job, why in alone.items())
        if not groups:
            return self._convert_alone(jobs, slot, done)
        outcome, run, missing = self._merged_round(groups, list(alone), slot, last_try=False)
        if outcome.again:
            second, _, _ = self._merged_round(regroup(outcome.again), [], slot, last_try=True)
            outcome.alone.update(second.alone)
        self.notes.update((job.target, Phrase(N_("converted alone: {why}"), {"why": why}))
                          for job, why in outcome.alone.items())
        errors = self._after_first(missing, run, slot) if missing else {}
        return errors | (self._convert_alone(list(outcome.alone), slot) if outcome.alone else {})

    def _convert_alone(self, jobs: Sequence[ConversionJob], slot: int, done: Done | None = None) -> dict[Path, str]:
        """Convert ``jobs`` one file per document; retry what soffice left (see the module docstring)."""
        run, missing = self._attempt(jobs, slot, done)
        return self._after_first(missing, run, slot) if missing else {}

    def _after_first(self, missing: list[ConversionJob], run: SofficeRun, slot: int) -> dict[Path, str]:
        self._check_space(missing)
        if run.failed:
            return self._isolate(missing, run, slot)
        retry, still = self._attempt(missing, slot)
        return self._settle(missing, retry, still, slot)

    def _merged_round(self, groups: list[Group[ConversionJob]], alone: list[ConversionJob], slot: int,
                      last_try: bool) -> tuple[Outcome[ConversionJob], SofficeRun, list[ConversionJob]]:
        """Convert ``groups`` merged and ``alone`` in one soffice call; split, check and write the letters.

        Returns what the groups gave, how soffice ended and the ``alone`` jobs left without a PDF.
        """
        self.profile_root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.profile_root))
        try:
            merged = [ConversionJob(folder / f"merged{n:03d}.docx", folder / f"merged{n:03d}.pdf")
                      for n in range(len(groups))]
            for job, group in zip(merged, groups):
                job.source.write_bytes(group.docx())
            run, missing = self._attempt(alone + merged, slot)
            outcome: Outcome[ConversionJob] = Outcome()
            for job, group in zip(merged, groups):
                pdf = job.target.read_bytes() if job.target.is_file() else None
                part = settle(group, pdf, last_try, self._pages_seen)
                for done, data in part.done.items():
                    write_atomic(done.target, normalize_pdf(data, self.day), durable=self.durable)
                outcome.again += part.again
                outcome.alone.update(part.alone)
            return outcome, run, [job for job in missing if job not in merged]
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _isolate(self, jobs: list[ConversionJob], run: SofficeRun, slot: int) -> dict[Path, str]:
        """Retry what a crashed or hung ``run`` left: the suspect (first) alone, then the rest."""
        rest = jobs[1:]
        halves = [rest] if run.made or len(rest) < 2 else [rest[:len(rest) // 2], rest[len(rest) // 2:]]
        errors: dict[Path, str] = {}
        for group in [jobs[:1], *halves]:
            if group:
                retry, missing = self._attempt(group, slot)
                errors |= self._settle(group, retry, missing, slot)
        return errors

    def _settle(self, jobs: list[ConversionJob], run: SofficeRun, missing: list[ConversionJob],
                slot: int) -> dict[Path, str]:
        """Error texts for the ``missing`` of a retry of ``jobs``; a group that crashed again is split."""
        if not missing:
            return {}
        if run.failed and len(jobs) > 1:
            return self._isolate(missing, run, slot)
        self._check_space(missing)
        if not run.made:
            self._check_converter(slot)
        return {job.target: failure_text(job.source, run, self.timeout) for job in missing}

    def _check_space(self, jobs: Sequence[ConversionJob]) -> None:
        """Raise DiskFull when the scratch or an output folder's disk has too little space left."""
        check_space((job.source for job in jobs), [self.profile_root, *(job.target.parent for job in jobs)],
                    self.min_free)

    def _check_converter(self, slot: int) -> None:
        """Raise ConverterFailed when a blank document does not convert either (tried once)."""
        with self._canary_lock:
            if self._canary is None:
                self._canary = self._convert_blank(slot)
        if not self._canary.made:
            raise converter_failed(self.soffice, self._canary)

    def _convert_blank(self, slot: int) -> SofficeRun:
        self.profile_root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.profile_root))
        try:
            blank = folder / "blank.docx"
            docx.Document().save(str(blank))
            # a loaded machine may start LibreOffice slowly: a short --timeout must not fail the test itself
            self._limit = max(self.timeout, CANARY_TIMEOUT)
            run, _ = self._attempt([ConversionJob(blank, folder / "blank.pdf")], slot)
            return run
        finally:
            self._limit = self.timeout
            shutil.rmtree(folder, ignore_errors=True)

    def _attempt(self, jobs: Sequence[ConversionJob], slot: int,
                 done: Done | None = None) -> tuple[SofficeRun, list[ConversionJob]]:
        """Run soffice once on ``jobs``; return how it ended and the jobs left without a PDF.
        With ``done``, each PDF is collected and reported as soon as it is complete."""
        self.profile_root.mkdir(parents=True, exist_ok=True)
        profile = self.profile_root / f"{PROFILE_PREFIX}{os.getpid()}-{slot}"
        seeded = self.office.direct and start_from_seed(profile, self.office.program)  # not behind a wrapper
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.profile_root))
        try:
            produced = {job: staging / "pdf" / f"{n:04d}.pdf" for n, job in enumerate(jobs)}
            for job, pdf in produced.items():
                write_print_copy(job.source, staging / f"{pdf.stem}.docx")
            collected: set[ConversionJob] = set()
            progress = (lambda: self._collect_finished(produced, collected, done)) if done else None
            run = self._run_soffice([staging / f"{pdf.stem}.docx" for pdf in produced.values()], staging / "pdf",
                                    profile, progress)
            if run.failed:
                shutil.rmtree(profile, ignore_errors=True)  # a crashed instance may leave it locked
                if seeded:
                    drop_seed(self.office.program)
            missing = [job for job, pdf in produced.items() if job not in collected and not self._collect(job, pdf)]
            if not run.failed and not seeded and self.office.direct and len(missing) < len(jobs):
                keep_as_seed(profile, self.office.program)  # a profile that made PDFs
            return replace(run, made=len(jobs) - len(missing)), missing
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _collect_finished(self, produced: dict[ConversionJob, Path], collected: set[ConversionJob],
                          done: Done) -> None:
        """Collect and report the PDFs that are complete: those before the last one soffice began."""
        began = [job for job, pdf in produced.items() if pdf.is_file()]
        for job in began[:-1]:
            if job not in collected and self._collect(job, produced[job]):
                collected.add(job)
                done(job, "")

    def _run_soffice(self, files: list[Path], outdir: Path, profile: Path,
                     progress: Callable[[], None] | None = None) -> SofficeRun:
        """Run soffice on ``files`` (tests replace this to stand in for LibreOffice)."""
        return self.office.run(files, outdir, profile, self._limit, self.export, progress)

    def _collect(self, job: ConversionJob, produced: Path) -> bool:
        if not produced.is_file() or produced.stat().st_size == 0:
            return False
        write_atomic(job.target, normalize_pdf(produced.read_bytes(), self.day), durable=self.durable)
        return True
