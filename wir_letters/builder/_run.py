"""One locked run over an output folder: clean up, decide what changed, stream it through the
pipeline, retire removed recipients, prune the cache and write the manifest."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wir_letters.builder._environment import is_disk_full
from wir_letters.builder._fingerprint import Inputs, file_digest, inputs_for, settings_digest
from wir_letters.builder._journal import Journal
from wir_letters.builder._pipeline import Pipeline, record_failure, recorded_pdfs
from wir_letters.builder.assess import assess_each, plan_each
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import Manifest
from wir_letters.builder.plan import RecipientPlan, select
from wir_letters.builder.results import BuildResult, RecipientResult, Reporter, Silent
from wir_letters.builder.status import removed
from wir_letters.errors import Problem, RecipientError
from wir_letters.files import remove_leftovers, retire
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient, RecipientList
from wir_letters.inputs.values import Phrase
from wir_letters.pdf.cache import ConversionCache
from wir_letters.pdf.convert import Converter, LibreOfficeConverter
from wir_letters.pdf.pool import ConversionPool


@dataclass(frozen=True)
class BuildOptions:
    """The choices of one build (see ``build``)."""

    only: tuple[str, ...] = ()
    jobs: int | None = None
    force: bool = False
    retry_failed: bool = False
    keep_going: bool = False
    timeout: float = 60.0
    prune: bool = True


class Run:
    """One locked run over an output folder."""

    def __init__(self, campaign: Campaign, layout: OutputLayout, listed: RecipientList, rejected: list[Problem],
                 options: BuildOptions, converter: Converter | None, reporter: Reporter | None) -> None:
        self.campaign, self.layout, self.listed, self.options = campaign, layout, listed, options
        self.rejected = rejected
        self.reporter: Reporter = reporter or Silent()
        self.manifest = Manifest.load(layout.manifest)
        self.manifest.campaign = campaign.title
        self.converter = converter
        self.journal = Journal(layout.journal)
        self.settings = settings_digest(campaign)
        self.results: dict[str, RecipientResult] = {}
        self.warnings: list[str] = []  # phrases: English text, shown translated

    def run(self) -> BuildResult:
        """Build the chosen recipients; return what happened to each."""
        self.layout.remove_leftovers()
        self._set_aside_damaged_manifest()
        skipped = {p.recipient for p in self.rejected}
        chosen = [r for r in self._choose() if r.id not in skipped]
        self.results = {r.id: RecipientResult(r.id, r.name) for r in chosen}
        self.reporter.start(len(chosen))
        partial = self.options.only or self.options.retry_failed or not self.options.prune
        gone = {} if partial else self._retire_removed({r.id for r in self.listed.recipients} | skipped)
        pipeline = self._pipeline()
        # Two passes over the list, planning each recipient again rather than holding every plan:
        # the first decides what to do (and how many documents LibreOffice will get), the second does it.
        self._assess(chosen)
        pipeline.pool.expect(sum(len(r.status.documents) for r in self.results.values() if r.status))
        self._stream(pipeline, chosen)
        for result in self.results.values():
            if not result.ok and result.status is None:  # could not even be planned
                record_failure(self.manifest, self.layout, result)
                self.reporter.done(result)
        if not (self.options.only or self.options.retry_failed):
            pipeline.cache.prune(digest for entry in self.manifest.values()
                                 for name, digest in {**entry.files, **entry.dropped}.items() if name.endswith(".docx"))
        manifest = self.manifest.flush()
        self.journal.clear()  # the manifest now records every file written
        alone = {path: str(reason) for path, reason in getattr(pipeline.pool.converter, "notes", {}).items()}
        return BuildResult(self.layout.out, [self.results[r.id] for r in chosen], list(gone), self.rejected,
                           manifest, pipeline.cache_hits, pipeline.converted, gone, self.warnings, alone)

    def _assess(self, chosen: Sequence[Recipient]) -> None:
        """Decide what to do for each recipient; set aside outputs somebody changed by hand."""
        for plan, status in assess_each(self.campaign, chosen, self.layout, self.manifest, self.options.force,
                                        self.results):
            rid = plan.recipient.id
            remove_leftovers(plan.folder)
            result = self.results[rid]
            result.status = status
            if status.needs_build and status.edited:  # keep what somebody changed by hand
                result.set_aside = retire([self.layout.out / name for name in status.edited], self.layout.stale(rid))

    def _stream(self, pipeline: Pipeline, chosen: Sequence[Recipient]) -> None:
        """Hand each recipient to the pipeline and wait for all of them."""
        try:
            for plan in plan_each(self.campaign, chosen, self.layout.out, self.results):
                self._build_one(pipeline, plan, self.results[plan.recipient.id], self._inputs(plan))
            pipeline.close()
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep what is complete, do not wait for LibreOffice
            pipeline.pool.close()  # its threads are daemons; their soffice dies with the process
            self.manifest.flush()
            raise
        except BaseException as err:
            pipeline.pool.join()
            if is_disk_full(err):
                self._drop_unrecorded()
            raise
        finally:
            pipeline.close_attachments()
        pipeline.pool.join()

    def _inputs(self, plan: RecipientPlan) -> Inputs:
        return inputs_for(self.campaign, plan, self.settings)

    def _build_one(self, pipeline: Pipeline, plan: RecipientPlan, result: RecipientResult, inputs: Inputs) -> None:
        if result.status is not None and result.status.needs_build:
            pipeline.add(plan, result, inputs)
            return
        entry = self.manifest.get(plan.recipient.id)
        result.bundle = plan.bundle
        result.documents = recorded_pdfs(self.layout, plan, entry)
        result.pages = entry.pages if entry else 0
        self.reporter.done(result)

    def _pipeline(self) -> Pipeline:
        converter = self.converter or LibreOfficeConverter(
            self.layout.work, workers=self.options.jobs or os.cpu_count() or 2,
            timeout=self.options.timeout, day=self.campaign.date, pdf_a=self.campaign.output.pdf_a,
            merge=self.campaign.output.merge, durable=False)
        namespace = self.campaign.date.isoformat() + (f"-pdfa{self.campaign.output.pdf_a}" if self.campaign.output.pdf_a else "")
        cache = ConversionCache(self.layout.cache, namespace, read=not self.options.force)
        return Pipeline(self.campaign, self.layout, self.manifest, ConversionPool(converter), cache,
                        self.reporter.done, verify_text=getattr(converter, "renders_text", True),
                        journal=self.journal)

    def _choose(self) -> list[Recipient]:
        try:
            chosen = select(self.listed.recipients, self.options.only)
        except KeyError as err:
            raise RecipientError(Problem(str(self.campaign.recipients), N_("unknown recipient id(s): {ids}"),
                                         field="--only", fix=N_("use ids from the recipient list"),
                                         code="recipient.unknown_id", params={"ids": err.args[0]})) from err
        if self.options.retry_failed:
            chosen = [r for r in chosen if (entry := self.manifest.get(r.id)) is not None and entry.error]
        return chosen

    def _retire_removed(self, current: set[str]) -> dict[str, Path]:
        """Move the outputs of recipients that left the list to ``OUT/_removed/<id>/`` (or
        ``<id>-2``… when an earlier removal is there); return each id with its folder."""
        gone: dict[str, Path] = {}
        for status in removed(self.manifest.ids(), current):
            entry = self.manifest.get(status.id)
            bundle = entry.bundle if entry else None
            paths = [self.layout.folder(status.id)] + ([self.layout.out / bundle] if bundle else [])
            moved = retire(paths, self.layout.removed(status.id))
            gone[status.id] = moved[0].parent if moved else self.layout.removed(status.id)
            self.manifest.drop(status.id)
        return gone

    def _drop_unrecorded(self) -> None:
        """On a full disk: delete the files this build wrote that the manifest does not record
        (documents of recipients it did not finish), so the aborted build does not fill the disk."""
        for rid in self.journal.noted:
            entry = self.manifest.get(rid)
            recorded = entry.files if entry else {}
            folder = self.layout.folder(rid)
            for path in folder.glob("*") if folder.is_dir() else ():
                if path.is_file() and recorded.get(self.layout.relative(path)) != file_digest(path):
                    path.unlink(missing_ok=True)

    def _set_aside_damaged_manifest(self) -> None:
        """A manifest that cannot be read is kept in the work folder; every recipient is rebuilt."""
        if self.manifest.damaged is None:
            return
        kept = retire([self.layout.manifest], self.layout.damaged_manifests)
        self.warnings.append(Phrase(N_("{damaged}; it was moved to {kept} and every recipient is built again"),
                                    {"damaged": self.manifest.damaged, "kept": str(kept[0]) if kept else "?"}))

