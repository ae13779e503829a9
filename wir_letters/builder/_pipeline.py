"""The streaming part of a build: render → convert (pool, cache) → check → bundle → record.

Rendering runs in the main thread and hands each document to the conversion pool at once;
a recipient is bundled and recorded as soon as its last document is back, so rendering,
conversion and bundling overlap and no recipient waits for the whole list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from wir_letters.builder._fingerprint import Inputs, file_digest
from wir_letters.builder._journal import Journal
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import DocumentEntry, Manifest, ManifestEntry
from wir_letters.builder.plan import DocumentPlan, RecipientPlan, make_context
from wir_letters.builder.results import RecipientResult
from wir_letters.checks.fidelity import fidelity_problem
from wir_letters.checks.output import rendered_problems
from wir_letters.documents.render import render_docx
from wir_letters.errors import InputError
from wir_letters.files import retire, write_atomic
from wir_letters.i18n import N_, render
from wir_letters.inputs.campaign import Campaign
from wir_letters.pdf.bundle import BundlePart, write_bundle
from wir_letters.pdf.cache import ConversionCache
from wir_letters.pdf.convert import FILES_PER_CALL, ConversionJob
from wir_letters.pdf.pool import ConversionPool

MAX_AHEAD = 4 * FILES_PER_CALL  # documents rendered but not yet converted, at most


@dataclass
class _Open:
    """A recipient whose documents are still being converted."""

    plan: RecipientPlan
    result: RecipientResult
    inputs: Inputs
    waiting: int = 0


class Pipeline:
    """Builds the recipients handed to ``add`` and records each one when it is complete."""

    def __init__(self, campaign: Campaign, layout: OutputLayout, manifest: Manifest, pool: ConversionPool,
                 cache: ConversionCache, on_done: Callable[[RecipientResult], None], verify_text: bool = True,
                 journal: Journal | None = None) -> None:
        self.campaign, self.layout, self.manifest = campaign, layout, manifest
        self.verify_text = verify_text  # compare each PDF's words with its DOCX (off for converters without text)
        self.journal = journal
        self.pool, self.cache, self.on_done = pool, cache, on_done
        self.open: dict[str, _Open] = {}
        self.by_target: dict[Path, str] = {}  # PDF target -> recipient id
        self.inflight: dict[str, ConversionJob] = {}  # DOCX digest -> the job converting it
        self.submitted: dict[Path, str] = {}  # PDF target of a submitted job -> its DOCX digest
        self.waiters: dict[str, list[ConversionJob]] = defaultdict(list)  # same digest, later jobs
        self.attachments: dict[Path, pikepdf.Pdf] = {}  # opened once per build, see close_attachments
        self.text_checked: dict[tuple[str, str, str, str], str | None] = {}  # file digests and names -> problem
        self.converted = 0
        self.cache_hits = 0

    def add(self, plan: RecipientPlan, result: RecipientResult, inputs: Inputs) -> None:
        """Render the documents that need it and queue their conversion.

        Rendering is far quicker than conversion: it waits while more than ``MAX_AHEAD``
        documents are queued, so a long list streams through in bounded memory.
        """
        while self.pool.pending > MAX_AHEAD:
            self.collect(block=True)
        item = _Open(plan, result, inputs)
        self.open[plan.recipient.id] = item
        if self.journal is not None:
            self.journal.begin(plan.recipient.id)  # before the first file of this recipient is written
        result.rebuilt = result.status.documents if result.status else frozenset()
        submitted = self.pool.pending
        for doc in plan.documents:
            if doc.document.id in result.rebuilt and not self._render(item, doc):
                break
        # documents served from the cache, or not rendered after an error, will not come
        self.pool.expect(-(len(result.rebuilt) - (self.pool.pending - submitted)))
        self._finish_if_complete(item)
        self.collect(block=False)

    def close(self) -> None:
        """Wait for every conversion and finish every open recipient."""
        self.pool.close()
        while self.pool.pending:
            self.collect(block=True)

    def close_attachments(self) -> None:
        """Close the attachments opened for the bundles (the run calls it however the build ends)."""
        for attachment in self.attachments.values():
            attachment.close()
        self.attachments.clear()

    def collect(self, block: bool) -> None:
        """Take finished conversions; serve documents that waited for the same DOCX content."""
        for job, error in self.pool.results(block=block):
            digest = self.submitted.pop(job.target)
            del self.inflight[digest]
            if not error:
                self.converted += 1
                self.cache.put(digest, job.target)
            for same in [job] + self.waiters.pop(digest, []):
                self._converted(same, job, error)

    def _render(self, item: _Open, doc: DocumentPlan) -> bool:
        context = make_context(self.campaign, item.plan, doc)
        try:
            render_docx(doc.document.template, context, doc.docx, recipient_id=item.plan.recipient.id, durable=False)
        except InputError as err:
            item.result.fail(str(err))
            return False
        problems = rendered_problems(doc.docx, context)
        if problems:
            item.result.fail(f"{doc.docx}: " + "; ".join(problems))
            return False
        self._convert(item, ConversionJob(doc.docx, doc.pdf))
        return True

    def _convert(self, item: _Open, job: ConversionJob) -> None:
        digest = file_digest(job.source)
        cached = self.cache.get(digest)
        if cached is not None:
            write_atomic(job.target, cached.read_bytes(), durable=False)
            self.cache_hits += 1
            return
        self.by_target[job.target] = item.plan.recipient.id
        item.waiting += 1
        if digest in self.inflight:
            self.waiters[digest].append(job)
        else:
            self.inflight[digest] = job
            self.submitted[job.target] = digest
            self.pool.submit(job)

    def _converted(self, job: ConversionJob, made: ConversionJob, error: str) -> None:
        item = self.open[self.by_target.pop(job.target)]
        item.waiting -= 1
        if error:
            item.result.fail(error)
        elif job is not made:
            write_atomic(job.target, made.target.read_bytes(), durable=False)
            self.cache_hits += 1
        self._finish_if_complete(item)

    def _finish_if_complete(self, item: _Open) -> None:
        if item.waiting or item.plan.recipient.id not in self.open:
            return
        del self.open[item.plan.recipient.id]
        try:
            self._check_and_bundle(item)
        except (pikepdf.PikepdfError, ValueError, KeyError, TypeError) as err:  # a PDF qpdf cannot read or write
            item.result.fail(render(N_("the PDFs cannot be bundled: {kind}: {error}; run check, and export "
                                       "damaged attachments again as PDF"), {"kind": type(err).__name__, "error": err}))
        if not item.result.ok:
            record_failure(self.manifest, self.layout, item.result)
        self.on_done(item.result)

    def _check_and_bundle(self, item: _Open) -> None:
        if not item.result.ok:
            return
        with ExitStack() as opened:
            pdfs = {d.document.id: opened.enter_context(pikepdf.open(d.pdf)) for d in item.plan.documents}
            pages = {doc_id: len(pdf.pages) for doc_id, pdf in pdfs.items()}
            self._check_pages(item, pages)
            if item.result.ok and self.verify_text:
                self._check_text(item)
            if item.result.ok:
                self._bundle(item, pdfs, pages)

    def _check_pages(self, item: _Open, pages: dict[str, int]) -> None:
        for doc in item.plan.documents:
            limit, doc_id = doc.document.max_pages, doc.document.id
            if limit and pages[doc_id] > limit:
                item.result.fail(render(N_("{pdf}: {pages} pages, the campaign allows at most {limit} for "
                                           "'{document}' (max_pages): shorten the text or raise the limit"),
                                        {"pdf": doc.pdf, "pages": pages[doc_id], "limit": limit, "document": doc_id}))

    def _check_text(self, item: _Open) -> None:
        """Fail the recipient when a PDF lacks words its DOCX holds (cut off, hidden, dropped).

        The answer depends only on the two files' bytes (and names, which the message shows), so a
        document that comes out the same for many recipients is compared once per build.
        """
        for doc in item.plan.documents:
            key = (file_digest(doc.docx), file_digest(doc.pdf), doc.docx.name, doc.pdf.name)
            if key not in self.text_checked:
                self.text_checked[key] = fidelity_problem(doc.docx, doc.pdf)
            problem = self.text_checked[key]
            if problem:
                item.result.fail(problem)

    def _bundle(self, item: _Open, pdfs: dict[str, pikepdf.Pdf], pages: dict[str, int]) -> None:
        plan, result = item.plan, item.result
        parts = [BundlePart(d.document.title, pdfs[d.document.id]) for d in plan.documents]
        parts += [BundlePart(a.title, self._attachment(a.file)) for a in self.campaign.attachments]
        result.pages = write_bundle(parts, plan.bundle, title=f"{self.campaign.title} – {plan.recipient.name}",
                                    author=self.campaign.sender.authority, day=self.campaign.date,
                                    pdf_a=self.campaign.output.pdf_a is not None, durable=False)
        retire_leftovers(self.manifest, self.layout, plan)
        result.bundle = plan.bundle
        entry = manifest_entry(self.layout, plan, result, pages, item.inputs, set(self.campaign.output.keep))
        result.documents = recorded_pdfs(self.layout, plan, entry)
        self.manifest.record(plan.recipient.id, entry)
        for name in entry.dropped:  # output.keep: only the bundle (and what is kept) stays
            (self.layout.out / name).unlink(missing_ok=True)

    def _attachment(self, path: Path) -> pikepdf.Pdf:
        """Open each attachment once per build: re-reading it for every bundle doubles the cost."""
        if path not in self.attachments:
            self.attachments[path] = pikepdf.open(path)
        return self.attachments[path]


def recorded_pdfs(layout: OutputLayout, plan: RecipientPlan, entry: ManifestEntry | None) -> dict[str, Path]:
    """Each document's PDF by document id, when the entry records it (``output.keep`` may drop them)."""
    return {doc_id: pdf for doc_id, pdf in plan.pdfs.items() if entry is not None and layout.relative(pdf) in entry.files}


def retire_leftovers(manifest: Manifest, layout: OutputLayout, plan: RecipientPlan) -> None:
    """Move files of documents this recipient no longer gets, and a renamed bundle, out of the way."""
    old = manifest.get(plan.recipient.id)
    keep = {layout.relative(p) for p in plan.outputs}
    leftovers = [layout.out / name for name in (old.files if old else {}) if name not in keep]
    retire(leftovers, layout.stale(plan.recipient.id))


def record_failure(manifest: Manifest, layout: OutputLayout, result: RecipientResult) -> None:
    """Record the error; a bundle from an earlier build no longer matches and moves to ``_stale``."""
    old = manifest.get(result.id)
    if old is not None and old.bundle:
        retire([layout.out / old.bundle], layout.stale(result.id))
    manifest.record(result.id, ManifestEntry.failed(result.name, result.error))


def manifest_entry(layout: OutputLayout, plan: RecipientPlan, result: RecipientResult, pages: dict[str, int],
                   inputs: Inputs, keep: set[str] | None = None) -> ManifestEntry:
    """The manifest entry of a complete recipient: bundle, pages, file hashes, inputs; the per-document
    files not in ``keep`` (``output.keep``) are recorded as ``dropped``, to be deleted."""
    keep = {"docx", "pdf"} if keep is None else keep
    hashes = {layout.relative(p): file_digest(p) for p in plan.outputs}
    dropped = {name for name in hashes if name != layout.relative(plan.bundle) and name.rsplit(".", 1)[-1] not in keep}
    return ManifestEntry(
        name=result.name,
        bundle=layout.relative(plan.bundle),
        pages=result.pages,
        documents={d.document.id: DocumentEntry(d.document.title, pages[d.document.id]) for d in plan.documents},
        files={name: digest for name, digest in hashes.items() if name not in dropped},
        dropped={name: hashes[name] for name in dropped},
        inputs=inputs,
    )
