"""OUT/index.html: one self-contained page about the last build, written after every build.

The page lists the campaign, the date and the counts, then one row per recipient: a thumbnail of
page 1, the addressee, documents and pages, the state (built, up to date, failed, removed, or
not in this build) and any error with its fix, with relative links to the bundle and each part.
A search box and a state filter are plain inline JavaScript; nothing is loaded from a network.
Every recipient with outputs also gets ``OUT/_report/<id>.html``, all its pages as images.

Images are files in ``OUT/_report/img/`` named by the SHA-256 of the PDF they show (see
``thumbnails``), so a rebuild renders only the pages of the PDFs that changed; images no
recipient refers to any more are deleted. Images load lazily, so the page stays usable with
thousands of recipients.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import jinja2

from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import Manifest, ManifestEntry
from wir_letters.builder.results import BuildResult, RecipientResult
from wir_letters.documents.german import address_lines
from wir_letters.files import write_text_atomic
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import read_recipients
from wir_letters.errors import WirLettersError
from wir_letters.i18n import N_, language
from wir_letters.outputs._report_html import DETAIL, INDEX, report_environment
from wir_letters.files import sha256_file
from wir_letters.outputs.thumbnails import PAGE_WIDTH, THUMB_WIDTH, PageImages

REPORT_NAME = "index.html"
REPORT_DIR = "_report"  # inside the output folder: detail pages and images
IMAGE_DIR = "img"  # inside REPORT_DIR

BUILT, UP_TO_DATE, FAILED = N_("built"), N_("up to date"), N_("failed")
REMOVED, NOT_IN_BUILD = N_("removed"), N_("not in this build")
STATES = (BUILT, UP_TO_DATE, FAILED, REMOVED, NOT_IN_BUILD)  # machine values; the page shows them translated
FAILED_FIX = N_("Fix the cause named here (template, row or LibreOffice), then run "
                "'wir-letters build --retry-failed'; 'wir-letters status' shows why a recipient is rebuilt.")
REMOVED_FIX = N_("No longer in the recipient list; its outputs were kept.")


@dataclass
class Part:
    """One PDF of a recipient's bundle: a document or an attachment."""

    title: str
    href: str | None  # relative to the output folder; None for a part without its own file link
    pages: int


@dataclass
class Page:
    """One page image: its file (relative to ``_report/``), size, and the part it belongs to."""

    src: str
    width: int
    height: int
    part: str


@dataclass
class Row:
    """One recipient as the report shows it."""

    id: str
    name: str
    address: list[str]
    state: str
    pages: int = 0
    bundle: str | None = None  # href relative to the output folder
    parts: list[Part] = field(default_factory=list)
    error: str | None = None
    fix: str | None = None
    thumb: Page | None = None
    detail: str | None = None  # href of the detail page, relative to the output folder
    search: str = ""


@dataclass(frozen=True)
class Report:
    """What ``write_report`` wrote: the page, and how many images it rendered or reused."""

    path: Path
    recipients: int
    rendered: int
    reused: int


def write_report(result: BuildResult, campaign: Campaign, *, today: dt.date | None = None) -> Report:
    """Write ``OUT/index.html`` and ``OUT/_report/`` for a finished build (``result.out``).

    ``campaign`` is the campaign as built (with the recipient list the build read). Recipients of
    the manifest that this build did not cover (``--only``) are shown as "not in this build".
    """
    layout = OutputLayout(result.out)
    manifest = Manifest.load(layout.manifest)
    images = PageImages(layout.out / REPORT_DIR / IMAGE_DIR)
    rows = _rows(result, manifest, campaign, layout)
    env = report_environment()
    _details(rows, manifest, campaign, layout, images, env)
    counts = Counter(row.state for row in rows)
    page = env.get_template(INDEX).render(
        campaign=campaign, rows=rows, counts=[(s, counts[s]) for s in STATES if counts[s]], states=STATES,
        today=_day(today or dt.date.today()), campaign_date=_day(campaign.date), total=len(rows),
        warnings=[*result.warnings, *(str(p) for p in result.rejected)], thumb_width=THUMB_WIDTH)
    path = layout.out / REPORT_NAME
    _write(path, page)
    images.prune()
    _prune_details(layout.out / REPORT_DIR, {f"{r.id}.html" for r in rows if r.detail})
    return Report(path, len(rows), images.rendered, images.reused)


def _rows(result: BuildResult, manifest: Manifest, campaign: Campaign, layout: OutputLayout) -> list[Row]:
    """One row per recipient: this build's, then the manifest's others, then the removed."""
    fields = _fields(campaign)
    rows: list[Row] = []
    seen: set[str] = set()
    for recipient in result.results:
        seen.add(recipient.id)
        rows.append(_row(recipient.id, recipient.name, _state(recipient), manifest.get(recipient.id),
                         recipient.error, layout))
    for rid in manifest.ids():
        if rid not in seen and rid not in result.removed:
            entry = manifest.get(rid)
            name = entry.name if entry else rid
            state = FAILED if entry is not None and entry.error else NOT_IN_BUILD
            rows.append(_row(rid, name, state, entry, entry.error if entry else None, layout))
            seen.add(rid)
    for rid in result.removed:
        if rid not in seen:
            folder = result.removed_to.get(rid)
            row = Row(rid, fields.get(rid, {}).get("name", rid), [], REMOVED, fix=REMOVED_FIX)
            if folder is not None and folder.is_relative_to(layout.out):
                row.bundle = _href(layout.relative(folder)) + "/"
            rows.append(row)
    for row in rows:
        row.address = _address(fields.get(row.id, {}), campaign)
        row.search = " ".join([row.id, row.name, *row.address, row.state, row.error or ""]).lower()  # as JS toLowerCase
    return rows


def _details(rows: list[Row], manifest: Manifest, campaign: Campaign, layout: OutputLayout, images: PageImages,
             env: jinja2.Environment) -> None:
    """Write ``_report/<id>.html`` (every page) and set the thumbnail of each recipient with outputs."""
    attachments = _attachments(campaign, images)
    detail = env.get_template(DETAIL)
    for row in rows:
        entry = manifest.get(row.id) if row.state not in (FAILED, REMOVED) and row.bundle else None
        if entry is None:
            continue
        pages = _pages(row.id, entry, layout, images, attachments)
        if not pages:
            continue
        row.thumb = _thumb(row.id, entry, layout, images)
        row.detail = f"{REPORT_DIR}/{quote(row.id)}.html"
        html = detail.render(row=row, pages=pages, campaign=campaign, up="../")
        _write(layout.out / REPORT_DIR / f"{row.id}.html", html)


def _day(day: dt.date) -> str:
    """A date as the page's language writes it: 16.01.2017, or 2017-01-16."""
    return day.strftime("%d.%m.%Y" if language() == "de" else "%Y-%m-%d")


def _state(recipient: RecipientResult) -> str:
    if not recipient.ok:
        return FAILED
    return BUILT if recipient.status is None or recipient.status.needs_build else UP_TO_DATE


def _fields(campaign: Campaign) -> dict[str, dict[str, str]]:
    """Every listed recipient's fields as text, by id (empty when the list cannot be read now)."""
    try:
        listed = read_recipients(campaign.recipients, campaign.schema)
    except WirLettersError:
        return {}
    return {r.id: {k: "" if v is None else str(v) for k, v in r.fields.items()} for r in listed.recipients}


def _address(fields: dict[str, str], campaign: Campaign) -> list[str]:
    return address_lines(fields, campaign.letter_rules) if fields else []


def _row(rid: str, name: str, state: str, entry: ManifestEntry | None, error: str | None,
         layout: OutputLayout) -> Row:
    row = Row(rid, name, [], state, error=error, fix=FAILED_FIX if error else None)
    if entry is None or entry.error or state == FAILED:
        return row
    row.pages = entry.pages
    row.bundle = _href(entry.bundle) if entry.bundle else None
    row.parts = [Part(doc.title, _href(name) if (name := layout.relative(layout.pdf(rid, doc_id))) in entry.files
                      else None, doc.pages) for doc_id, doc in entry.documents.items()]
    return row


@dataclass(frozen=True)
class _Attachment:
    title: str
    path: Path
    digest: str
    pages: int


def _attachments(campaign: Campaign, images: PageImages) -> list[_Attachment]:
    found = []
    for attachment in campaign.attachments:
        if attachment.file.is_file():
            found.append(_Attachment(attachment.title, attachment.file, sha256_file(attachment.file),
                                     images.page_count(attachment.file)))
    return found


def _thumb(rid: str, entry: ManifestEntry, layout: OutputLayout, images: PageImages) -> Page | None:
    """Page 1 of the bundle: page 1 of its first document (of the bundle itself when it has none)."""
    for doc_id in entry.documents:
        made = _images(layout.relative(layout.pdf(rid, doc_id)), [1], THUMB_WIDTH, entry, layout, images)
        if made:
            return Page(f"{REPORT_DIR}/{IMAGE_DIR}/{made[0][0]}", made[0][1], made[0][2], "")
    if entry.bundle:
        made = _images(entry.bundle, [1], THUMB_WIDTH, entry, layout, images)
        if made:
            return Page(f"{REPORT_DIR}/{IMAGE_DIR}/{made[0][0]}", made[0][1], made[0][2], "")
    return None


def _pages(rid: str, entry: ManifestEntry, layout: OutputLayout, images: PageImages,
           attachments: list[_Attachment]) -> list[Page]:
    """Every page of the bundle, rendered part by part (documents, then the shared attachments)."""
    pages: list[Page] = []
    first = 1  # the document's first page in the bundle
    for doc_id, doc in entry.documents.items():
        own = layout.relative(layout.pdf(rid, doc_id))
        source, numbers = (own, range(1, doc.pages + 1)) if own in entry.files else \
            (entry.bundle or "", range(first, first + doc.pages))  # output.keep dropped it: the bundle's pages
        made = _images(source, list(numbers), PAGE_WIDTH, entry, layout, images)
        pages += [Page(f"{IMAGE_DIR}/{name}", w, h, doc.title) for name, w, h in made]
        first += doc.pages
    for attachment in attachments:
        made = images.images(attachment.path, attachment.digest, list(range(1, attachment.pages + 1)), PAGE_WIDTH)
        pages += [Page(f"{IMAGE_DIR}/{name}", w, h, attachment.title) for name, w, h in made]
    return pages


def _images(name: str, pages: list[int], width: int, entry: ManifestEntry, layout: OutputLayout,
            images: PageImages) -> list[tuple[str, int, int]]:
    """Images of an output the manifest records (its hash names the images)."""
    digest = entry.files.get(name)
    path = layout.out / name
    if digest is None or not path.is_file():
        return []
    return images.images(path, digest, pages, width)


def _write(path: Path, text: str) -> None:
    """Write a text file atomically (UTF-8); an unchanged file is left untouched."""

    def write(handle: TextIO) -> None:
        handle.write(text)

    write_text_atomic(path, write)


def _href(relative: str) -> str:
    """A link to an output, relative to the output folder, with ``/`` and URL quoting."""
    return quote(relative)


def _prune_details(folder: Path, keep: set[str]) -> None:
    if folder.is_dir():
        for path in folder.glob("*.html"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
