"""Finished documents reach the build while LibreOffice still converts the rest of its batch.

soffice converts its files in order, so a PDF is complete once the next one appears; the
converter hands those over through ``done`` and the pool passes them on at once, so that they
are checked and bundled while LibreOffice works (before, a batch of 165 letters was checked only
after its last one). Converters without ``done`` (your own, or a subclass) still work.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import ROOT, blank_pdf
from wir_letters.files import write_atomic
from wir_letters.pdf.convert import ConversionJob, Done, LibreOfficeConverter
from wir_letters.pdf.pool import ConversionPool


class HeldBack:
    """Reports its first job through ``done``, then waits until the test has seen that result."""

    workers = 1
    renders_text = False

    def __init__(self) -> None:
        self.seen_first = threading.Event()

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int, done: Done | None = None) -> dict[Path, str]:
        assert done is not None
        for job in jobs:
            write_atomic(job.target, blank_pdf())
        done(jobs[0], "")
        assert self.seen_first.wait(10), "the pool did not hand the first result over before the batch ended"
        return {}


class Plain:
    """A converter of one's own, without ``done``."""

    workers = 1
    renders_text = False

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        for job in jobs:
            write_atomic(job.target, blank_pdf())
        return {jobs[-1].target: "no PDF"}


def _jobs(folder: Path, count: int) -> list[ConversionJob]:
    return [ConversionJob(folder / f"{n}.docx", folder / f"{n}.pdf") for n in range(count)]


def test_the_pool_passes_a_finished_document_on_before_its_batch_ends(tmp_path: Path) -> None:
    converter = HeldBack()
    pool = ConversionPool(converter)  # type: ignore[arg-type]
    jobs = _jobs(tmp_path, 3)
    pool.expect(3)
    for job in jobs:
        pool.submit(job)
    first = next(pool.results(block=True))
    assert first == (jobs[0], "")
    converter.seen_first.set()
    rest = []
    while pool.pending:
        rest += list(pool.results(block=True))
    pool.join()
    assert sorted(job.target.name for job, _ in rest) == ["1.pdf", "2.pdf"]  # each reported once


def test_a_converter_without_done_still_reports_every_job(tmp_path: Path) -> None:
    pool = ConversionPool(Plain())  # type: ignore[arg-type]
    jobs = _jobs(tmp_path, 2)
    pool.expect(2)
    for job in jobs:
        pool.submit(job)
    results = []
    while pool.pending:
        results += list(pool.results(block=True))
    pool.join()
    assert dict(results) == {jobs[0]: "", jobs[1]: "no PDF"}


@pytest.mark.libreoffice
def test_libreoffice_hands_over_each_pdf_once_complete(tmp_path: Path) -> None:
    """This test ensures that with the real soffice, documents are reported through ``done`` while
    the batch runs, each complete (a readable PDF) and each once; the last comes with the batch."""
    jobs = []
    for n in range(16):
        source = tmp_path / f"brief-{n:02d}.docx"
        shutil.copyfile(ROOT / "templates" / "anschreiben.docx", source)
        jobs.append(ConversionJob(source, tmp_path / "pdf" / f"brief-{n:02d}.pdf"))
    converter = LibreOfficeConverter(tmp_path / "work", workers=1, merge=False)
    early: list[tuple[ConversionJob, bytes]] = []
    errors = converter.convert_batch(jobs, 0, done=lambda job, error: early.append((job, job.target.read_bytes())))
    assert errors == {}
    assert 1 <= len(early) < len(jobs)
    assert len({job for job, _ in early}) == len(early)
    assert all(data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") for _, data in early)
    assert all(job.target.read_bytes() == data for job, data in early)  # not written again later
    assert all(job.target.is_file() for job in jobs)
