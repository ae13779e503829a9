"""Convert each distinct document once: PDFs kept by the SHA-256 of the rendered DOCX.

Rendered DOCX files are reproducible, so a document that comes out the same for many
recipients (or again in a later build) is converted by LibreOffice only once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wir_letters.files import write_atomic


class ConversionCache:
    """PDFs in ``root/<variant>/<docx sha256>.pdf``; ``variant`` is what else shapes the PDF (its date)."""

    def __init__(self, root: Path, variant: str, read: bool = True) -> None:
        self.root = root
        self.folder = root / variant
        self.read = read  # False: convert everything again (--force), but still fill the cache

    def get(self, docx_digest: str) -> Path | None:
        """Return the cached PDF of a DOCX with this SHA-256, if any."""
        path = self.folder / f"{docx_digest}.pdf"
        return path if self.read and path.is_file() and _complete(path) else None

    def put(self, docx_digest: str, pdf: Path) -> None:
        """Keep a copy of ``pdf`` for DOCX files with this SHA-256."""
        write_atomic(self.folder / f"{docx_digest}.pdf", pdf.read_bytes(), durable=False)  # checked when read

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


def _complete(path: Path) -> bool:
    """Whether a cached PDF ends as a PDF does (entries are not synced: a power cut may cut one off)."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        return b"%%EOF" in handle.read()
