"""Convert each distinct document once: PDFs cached by the SHA-256 of the rendered DOCX.

Rendered DOCX files are reproducible, so a document that comes out the same for many
recipients (or again in a later build) is converted by LibreOffice only once.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from .convert import ConversionJob, Converter
from .files import write_atomic
from .fingerprint import file_digest


class CachedConverter:
    """Wraps a converter; keeps one PDF per distinct DOCX content in ``root/<variant>/``.

    ``variant`` names what else shapes the PDF besides the DOCX (the date written into it),
    so a cache entry's name is simply the SHA-256 of the DOCX, as in the manifest.
    """

    def __init__(self, inner: Converter, root: Path, variant: str, read: bool = True) -> None:
        self.inner = inner
        self.read = read  # False: convert everything again (--force), but still fill the cache
        self.root = root
        self.folder = root / variant
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(docx: Path) -> str:
        return file_digest(docx)

    def convert(self, jobs: Sequence[ConversionJob]) -> dict[Path, str]:
        """Serve cached PDFs, convert the rest once per distinct content, then fill the cache."""
        keyed = [(job, self.key(job.source)) for job in jobs]
        first: dict[str, ConversionJob] = {}
        for job, key in keyed:
            cached = self.folder / f"{key}.pdf"
            if self.read and cached.is_file():
                write_atomic(job.target, cached.read_bytes())
                self.hits += 1
            else:
                first.setdefault(key, job)
        errors = self.inner.convert(list(first.values()))
        self.misses += len(first)
        for key, job in first.items():
            if job.target not in errors:
                self._store(job.target, self.folder / f"{key}.pdf")
        for job, key in keyed:
            made = first.get(key)
            if made is None or made is job:
                continue
            if made.target in errors:
                errors[job.target] = errors[made.target]
            else:
                write_atomic(job.target, made.target.read_bytes())
                self.hits += 1
        return errors

    def _store(self, pdf: Path, cached: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, cached)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete cached PDFs whose DOCX hash is not in ``keep``, and other variants; return the count."""
        wanted = set(keep)
        removed = 0
        for path in self.root.glob("*/*.pdf") if self.root.is_dir() else ():
            if path.parent != self.folder or path.stem not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder != self.folder and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return removed
