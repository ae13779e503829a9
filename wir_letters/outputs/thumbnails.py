"""Page images of PDFs as small PNG files, cached by the SHA-256 of the PDF.

An image's file name is ``<sha256 of the PDF>-<page>-<width>.png``: a PDF whose bytes did
not change keeps its images, so a rebuild renders only the pages of what changed. PNGs are
written with ``zlib`` (no imaging library needed).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # pypdfium2 ships no py.typed marker

from wir_letters.files import write_atomic
from wir_letters.pdf.pdfium import PDFIUM_LOCK

THUMB_WIDTH = 120  # pixels: page 1 in the report's list
PAGE_WIDTH = 640  # pixels: every page in a recipient's detail view


def image_name(digest: str, page: int, width: int) -> str:
    """The file name of the image of ``page`` (1-based) of the PDF with SHA-256 ``digest``."""
    return f"{digest}-{page}-{width}.png"


class PageImages:
    """Renders pages into ``folder`` unless an image of the same PDF bytes is there already.

    ``rendered`` counts the images made, ``reused`` those found in the cache; ``used`` holds every
    file name asked for, so that ``prune`` can delete the images no report refers to any more.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rendered = 0
        self.reused = 0
        self.used: set[str] = set()

    def images(self, pdf: Path, digest: str, pages: list[int], width: int) -> list[tuple[str, int, int]]:
        """The images of ``pages`` (1-based) of ``pdf``: (file name, width, height) each.

        Missing pages (the PDF is shorter than recorded) are left out; an unreadable PDF gives none.
        """
        result: list[tuple[str, int, int]] = []
        missing: list[int] = []
        for page in pages:
            name = image_name(digest, page, width)
            size = _png_size(self.folder / name)
            if size is None:
                missing.append(page)
            else:
                self.reused += 1
                self.used.add(name)
                result.append((name, *size))
        if missing:
            result += self._render(pdf, digest, missing, width)
        order = {image_name(digest, p, width): n for n, p in enumerate(pages)}
        return sorted(result, key=lambda image: order[image[0]])

    def _render(self, pdf: Path, digest: str, pages: list[int], width: int) -> list[tuple[str, int, int]]:
        made: list[tuple[str, int, int]] = []
        for page_no, _, (pixels, w, h, stride, channels) in rasters_at(pdf, lambda n: [width] if n in pages else []):
            name = image_name(digest, page_no, width)
            self._write(name, png_bytes(pixels, w, h, stride, channels))
            made.append((name, w, h))
        return made

    def render_all(self, pdf: Path, digest: str, thumb: bool) -> None:
        """Make the missing ``PAGE_WIDTH`` images of every page of ``pdf`` (and, with ``thumb``, page 1's
        ``THUMB_WIDTH`` one) in one pass: the PDF is opened once and each page loaded once."""
        def wanted(page: int) -> list[int]:
            widths = [PAGE_WIDTH] + ([THUMB_WIDTH] if thumb and page == 1 else [])
            return [w for w in widths if _png_size(self.folder / image_name(digest, page, w)) is None]

        for page_no, width, (pixels, w, h, stride, channels) in rasters_at(pdf, wanted):
            self._write(image_name(digest, page_no, width), png_bytes(pixels, w, h, stride, channels))

    def _write(self, name: str, png: bytes) -> None:
        write_atomic(self.folder / name, png, durable=False)  # makes the folder when missing
        self.rendered += 1
        self.used.add(name)

    def page_count(self, pdf: Path) -> int:
        """The number of pages of ``pdf`` (0 when it cannot be read)."""
        with PDFIUM_LOCK:
            try:
                document = pdfium.PdfDocument(pdf)
            except (pdfium.PdfiumError, OSError):
                return 0
            try:
                return len(document)
            finally:
                document.close()

    def prune(self) -> None:
        """Delete the images in the folder that were not asked for since this object was made."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.png"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


Raster = tuple[bytes, int, int, int, int]  # gray pixels, width, height, stride, channels


def rasters_at(pdf: Path, widths: Callable[[int], list[int]]) -> list[tuple[int, int, Raster]]:
    """Render each page ``n`` (1-based) of ``pdf`` in gray at every width in ``widths(n)``, opening
    the PDF once and loading each page once (none for a page that needs no image); returns
    (page, width asked for, raster) each."""
    rendered: list[tuple[int, int, Raster]] = []
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except (pdfium.PdfiumError, OSError):
            return rendered
        try:
            for page_no in range(1, len(document) + 1):
                sizes = widths(page_no)
                if not sizes:
                    continue
                page = document[page_no - 1]
                try:
                    rendered += [(page_no, width, _raster(page, width / max(page.get_width(), 1.0), True))
                                 for width in sizes]
                finally:
                    page.close()
        finally:
            document.close()
    return rendered


def _raster(page: pdfium.PdfPage, scale: float, gray: bool) -> Raster:
    bitmap = page.render(scale=scale, grayscale=gray, rev_byteorder=not gray)
    try:
        return bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
    finally:
        bitmap.close()


def rasters(pdf: Path, pages: list[int] | None = None, *, width: int | None = None, dpi: float = 72.0,
            gray: bool = True) -> tuple[int, list[tuple[int, Raster]]]:
    """Render ``pages`` of ``pdf`` (1-based; None: every page) ``width`` pixels wide, or at ``dpi``
    when no width is given; in gray (letters are black on white: a third of the bytes) or in RGB.

    pdfium's lock is held only while rendering. Returns the PDF's page count (0 when it cannot
    be read) and each rendered page with its raster; pages beyond the end are skipped.
    """
    rendered: list[tuple[int, Raster]] = []
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except (pdfium.PdfiumError, OSError):
            return 0, rendered
        try:
            count = len(document)
            for page_no in (n for n in (pages or range(1, count + 1)) if 1 <= n <= count):
                page = document[page_no - 1]
                scale = width / max(page.get_width(), 1.0) if width else dpi / 72.0
                rendered.append((page_no, _raster(page, scale, gray)))
                page.close()
        finally:
            document.close()
    return count, rendered


def png_bytes(pixels: bytes, width: int, height: int, stride: int, channels: int) -> bytes:
    """Encode raw 8-bit pixels (gray, RGB or RGBA rows of ``stride`` bytes) as a PNG."""
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    row = width * channels
    raw = b"".join(b"\x00" + pixels[y * stride:y * stride + row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1))
            + chunk(b"IEND", b""))


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG file we wrote, or None when it is missing or not a PNG."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)
