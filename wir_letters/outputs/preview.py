"""Page images of one recipient: its bundle (or one document of it), built first if needed.

Only that recipient is built (``only=[id]``): the others' outputs are never touched. Images are
rendered in colour with pdfium (the renderer of the report's images) into ``OUT/_preview/<id>/``.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wir_letters.builder.build import build
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.results import BuildResult
from wir_letters.i18n import N_
from wir_letters.errors import InputError, Problem
from wir_letters.files import write_atomic
from wir_letters.inputs.campaign import Campaign
from wir_letters.outputs.thumbnails import png_bytes, rasters

PREVIEW_DIR = "_preview"  # inside the output folder
RESOLUTION = 100  # dots per inch of the page images


@dataclass(frozen=True)
class Preview:
    """The page images of one recipient and the build that made sure its PDFs were current."""

    recipient: str
    images: list[Path]
    build: BuildResult


def preview(campaign: Campaign, recipient_id: str, *, out: Path | None = None, document: str | None = None,
            page: int | None = None) -> Preview:
    """Build ``recipient_id`` if it is not up to date, then write PNG images of its pages.

    Args:
        document: a document id of the campaign (default: the whole bundle).
        page: one page number, 1-based (default: every page).

    Raises:
        InputError: an unknown recipient, document or page, or the recipient fails to build.
    """
    result = build(campaign, out=out, only=[recipient_id])
    built = result.results[0]
    if not built.ok or built.bundle is None:
        raise InputError(Problem(str(campaign.source), N_("the recipient cannot be built: {error}"),
                                 N_("recipient {id}"), fix=N_("run wir-letters check, then build"),
                                 code="preview.build_failed", params={"error": built.error, "id": recipient_id}))
    pdf = _chosen_pdf(campaign, built.bundle, built.documents, document)
    folder = OutputLayout.of(campaign, out).out / PREVIEW_DIR / recipient_id
    images = render_pages(pdf, folder, document or "bundle", page)
    return Preview(recipient_id, images, result)


def _chosen_pdf(campaign: Campaign, bundle: Path, documents: dict[str, Path], document: str | None) -> Path:
    if document is None:
        return bundle
    known = {d.id for d in campaign.documents}
    if document not in documents and document in known and "pdf" not in campaign.output.keep:
        raise InputError(Problem(str(campaign.source), N_("the PDF of document {document!r} is not kept (output.keep)"),
                                 field="--document", fix=N_("preview the whole bundle (leave out --document), or add "
                                                            "pdf to output.keep and build again"),
                                 code="preview.document_not_kept", params={"document": document}))
    if document not in documents:
        raise InputError(Problem(str(campaign.source), N_("this recipient gets no document {document!r}"),
                                 field="--document", fix=N_("use one of: {documents}"), code="preview.unknown_document",
                                 params={"document": document, "documents": ", ".join(documents) or "-"}))
    return documents[document]


def render_pages(pdf: Path, folder: Path, stem: str, page: int | None = None) -> list[Path]:
    """Render ``pdf`` (or one ``page`` of it) to ``folder/<stem>-<n>.png``; return the images in page order.

    Page numbers in the names are zero-padded to the page count's width (``bundle-01.png`` in a
    bundle of 11 pages), as pdftoppm names them.

    Raises:
        InputError: ``page`` is not a page of the PDF.
    """
    count, made = rasters(pdf, [page] if page is not None else None, dpi=RESOLUTION, gray=False)
    if page is not None and not made:
        raise InputError(Problem(str(pdf), N_("page {page} does not exist; the PDF has {count} pages"), field="--page",
                                 fix=N_("use a page from 1 to {count}"), code="preview.no_such_page",
                                 params={"page": page, "count": count}))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{stem}-*.png"):
        old.unlink()
    images = []
    for number, raster in made:
        image = folder / f"{stem}-{number:0{len(str(count))}d}.png"
        write_atomic(image, png_bytes(*raster), durable=False)
        images.append(image)
    return images


def open_in_viewer(image: Path) -> bool:
    """Open ``image`` in the desktop's viewer (xdg-open); False where there is none."""
    opener = shutil.which("xdg-open")
    if opener is None:
        return False
    subprocess.Popen([opener, str(image)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    return True
