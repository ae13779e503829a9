"""Render a finished recipient's report images while the build goes on.

A build spends most of its time waiting for LibreOffice. ``ImagePrefetch`` wraps the build's
reporter: each recipient that was just built gets its page images rendered in one background
thread, so that ``write_report`` afterwards finds them in the image cache instead of rendering
every page at the end.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from wir_letters.builder.results import RecipientResult, Reporter
from wir_letters.outputs.report import IMAGE_DIR, REPORT_DIR
from wir_letters.files import sha256_file
from wir_letters.outputs.thumbnails import PageImages


class ImagePrefetch:
    """A ``Reporter`` that passes everything on to ``inner`` and renders report images early."""

    def __init__(self, out: Path, inner: Reporter) -> None:
        self.inner = inner
        self.images = PageImages(out / REPORT_DIR / IMAGE_DIR)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-images")
        self._pending: list[Future[None]] = []

    def start(self, total: int) -> None:
        self.inner.start(total)

    def done(self, result: RecipientResult) -> None:
        self.inner.done(result)
        if result.ok and result.status is not None and result.status.needs_build:
            self._pending.append(self._pool.submit(self._render, result))

    def close(self, cancel: bool = False) -> None:
        """Wait for the images under way (or, with ``cancel``, drop those not started)."""
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        if not cancel:
            for future in self._pending:
                future.result()  # an error shows here, not lost in the thread

    def _render(self, result: RecipientResult) -> None:
        for number, pdf in enumerate(result.documents.values()):
            if not pdf.is_file():
                continue
            self.images.render_all(pdf, sha256_file(pdf), thumb=number == 0)
