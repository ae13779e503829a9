"""Page images of one recipient: its bundle (or one document of it), built first if needed.

Only that recipient is built (``only=[id]``): the others' outputs are never touched. Images are
rendered by poppler's ``pdftoppm`` into ``OUT/_preview/<id>/``.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wir_letters.builder.build import build
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.results import BuildResult
from wir_letters.errors import EnvironmentProblem, InputError, Problem
from wir_letters.inputs.campaign import Campaign

PREVIEW_DIR = "_preview"  # inside the output folder
RESOLUTION = 100  # dots per inch of the page images
POPPLER_HINT = "install poppler: 'apt-get install poppler-utils' on Debian/Ubuntu"


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
        EnvironmentProblem: pdftoppm (poppler-utils) is missing or fails.
    """
    result = build(campaign, out=out, only=[recipient_id])
    built = result.results[0]
    if not built.ok or built.bundle is None:
        raise InputError(Problem(str(campaign.source), f"the recipient cannot be built: {built.error}",
                                 where=f"recipient {recipient_id}", fix="run wir-letters check, then build"))
    pdf = _chosen_pdf(campaign, built.bundle, built.documents, document)
    folder = OutputLayout.of(campaign, out).out / PREVIEW_DIR / recipient_id
    images = render_pages(pdf, folder, document or "bundle", page, built.pages if document is None else None)
    return Preview(recipient_id, images, result)


def _chosen_pdf(campaign: Campaign, bundle: Path, documents: dict[str, Path], document: str | None) -> Path:
    if document is None:
        return bundle
    if document not in documents:
        raise InputError(Problem(str(campaign.source), f"this recipient gets no document {document!r}",
                                 field="--document", fix=f"use one of: {', '.join(documents) or '(none)'}"))
    return documents[document]


def render_pages(pdf: Path, folder: Path, stem: str, page: int | None = None, pages: int | None = None) -> list[Path]:
    """Render ``pdf`` (or one ``page`` of it) to ``folder/<stem>-<n>.png``; return the images in page order.

    Raises:
        InputError: ``page`` is not a page of the PDF.
        EnvironmentProblem: pdftoppm is missing or fails.
    """
    program = shutil.which("pdftoppm")
    if program is None:
        raise EnvironmentProblem(f"pdftoppm not found: {POPPLER_HINT}")
    if page is not None and pages is not None and not 1 <= page <= pages:
        raise InputError(Problem(str(pdf), f"page {page} does not exist; the PDF has {pages} pages", field="--page",
                                 fix=f"use a page from 1 to {pages}"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{stem}-*.png"):
        old.unlink()
    command = [program, "-png", "-r", str(RESOLUTION)]
    command += ["-f", str(page), "-l", str(page)] if page is not None else []
    done = subprocess.run([*command, str(pdf), str(folder / stem)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise EnvironmentProblem(f"pdftoppm could not render {pdf}: {done.stderr.strip()}; {POPPLER_HINT}")
    images = sorted(folder.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if page is not None and not images:
        raise InputError(Problem(str(pdf), f"page {page} does not exist", field="--page", fix="use an existing page"))
    return images


def open_in_viewer(image: Path) -> bool:
    """Open ``image`` in the desktop's viewer (xdg-open); False where there is none."""
    opener = shutil.which("xdg-open")
    if opener is None:
        return False
    subprocess.Popen([opener, str(image)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    return True
