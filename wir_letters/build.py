"""The build: plan → decide what changed → render → convert → bundle → manifest.

Only outputs whose inputs changed (or whose files are missing or were edited) are made
again; everything is written atomically and recorded in the manifest only when complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .cache import CachedConverter
from .bundle import BundlePart, page_count, write_bundle
from .campaign import Campaign
from .convert import ConversionJob, Converter, LibreOfficeConverter
from .errors import BuildLocked, InputError, Problem, RecipientError
from .files import exclusive_lock, remove_leftovers, retire
from .fingerprint import file_digest, inputs_for, settings_digest
from .manifest import Manifest
from .plan import RecipientPlan, address_problem, make_context, plan_recipient, rule_problem, select
from .recipients import Recipient, load_recipients
from .render import render_docx
from .status import Status, assess, removed

WORK_DIR = ".wir"  # inside the output folder: lock, LibreOffice profiles, scratch files
REMOVED_DIR = "_removed"  # outputs of recipients that left the list
CACHE_DIR = "cache"  # inside WORK_DIR: PDFs by the SHA-256 of their DOCX
STALE_DIR = "_stale"  # outputs that no longer match their inputs (failed rebuild, dropped document)


@dataclass
class RecipientResult:
    """What the build did for one recipient; ``error`` is set when it failed."""

    id: str
    name: str
    status: Status | None = None
    bundle: Path | None = None
    documents: dict[str, Path] = field(default_factory=dict)  # document id -> PDF
    pages: int = 0
    error: str | None = None
    rebuilt: frozenset[str] = frozenset()  # document ids rendered and converted in this build

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BuildResult:
    out: Path
    results: list[RecipientResult]
    removed: list[str] = field(default_factory=list)
    manifest: Path | None = None
    cache_hits: int = 0  # documents whose PDF came from the conversion cache
    converted: int = 0  # documents LibreOffice converted

    @property
    def failed(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.ok]


Reporter = Callable[[RecipientResult], None]


@dataclass
class _Work:
    """Everything one build needs while it runs."""

    campaign: Campaign
    out: Path
    manifest: Manifest
    plans: list[RecipientPlan]
    results: dict[str, RecipientResult]


def build(
    campaign: Campaign,
    recipients: Sequence[Recipient] | None = None,
    *,
    out: Path | None = None,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    retry_failed: bool = False,
    converter: Converter | None = None,
    reporter: Reporter | None = None,
) -> BuildResult:
    """Bring every recipient's bundle up to date and write ``manifest.json``.

    Args:
        only: build just these recipient ids. retry_failed: just those whose last build failed.
        force: rebuild even what is up to date. jobs: parallel LibreOffice processes.

    A recipient whose data or template fails gets an ``error`` in its result; the others
    are still built. Never prints.

    Raises:
        InputError: when ``only`` names unknown recipients.
        BuildLocked: when another build of the same output folder is running.
        EnvironmentProblem: when LibreOffice is missing or fails as a whole.
    """
    out = Path(out or campaign.output.folder).resolve()
    recipients = load_recipients(campaign.recipients) if recipients is None else recipients
    out.mkdir(parents=True, exist_ok=True)
    try:
        with exclusive_lock(out / WORK_DIR / "build.lock"):
            return _locked_build(campaign, recipients, out, only, jobs, force, retry_failed, converter, reporter)
    except BlockingIOError as err:
        raise BuildLocked(f"{out}: another wir-letters build is writing this output folder; "
                          "wait for it to finish, or use another --out") from err


def assess_all(campaign: Campaign, recipients: Sequence[Recipient], out: Path,
               force: bool = False) -> tuple[list[Status], list[RecipientResult]]:
    """Return each recipient's status (plus removed ones) and the recipients that cannot be planned."""
    manifest = Manifest.load(out)
    results = {r.id: RecipientResult(r.id, r.name) for r in recipients}
    plans = _plan_all(campaign, recipients, out, results)
    settings = settings_digest(campaign)
    statuses = [assess(p, inputs_for(campaign, p, settings), manifest.entries.get(p.recipient.id), out, force)
                for p in plans]
    statuses += removed(manifest.entries, {r.id for r in recipients})
    return statuses, [r for r in results.values() if not r.ok]


def _locked_build(campaign: Campaign, recipients: Sequence[Recipient], out: Path, only: Sequence[str] | None,
                  jobs: int | None, force: bool, retry_failed: bool, converter: Converter | None,
                  reporter: Reporter | None) -> BuildResult:
    manifest = Manifest.load(out)
    manifest.campaign = campaign.title
    chosen = _choose(campaign, recipients, manifest, only, retry_failed)
    results = {r.id: RecipientResult(r.id, r.name) for r in chosen}
    work = _Work(campaign, out, manifest, _plan_all(campaign, chosen, out, results), results)
    _remove_leftovers(work)
    gone = [] if (only or retry_failed) else _retire_removed(work, {r.id for r in recipients})
    settings = settings_digest(campaign)
    inputs = {p.recipient.id: inputs_for(campaign, p, settings) for p in work.plans}
    for plan in work.plans:
        entry = manifest.entries.get(plan.recipient.id)
        results[plan.recipient.id].status = assess(plan, inputs[plan.recipient.id], entry, out, force)
    todo = [p for p in work.plans if results[p.recipient.id].status.needs_build]
    _render_all(work, todo)
    converter = converter or LibreOfficeConverter(out / WORK_DIR, workers=jobs or os.cpu_count() or 2,
                                                  day=campaign.date)
    cache = CachedConverter(converter, out / WORK_DIR / CACHE_DIR, variant=campaign.date.isoformat(),
                            read=not force)
    _convert_all(cache, work, todo)
    for plan in work.plans:
        result = results[plan.recipient.id]
        if plan in todo:
            _finish(work, plan, result, inputs[plan.recipient.id].as_json())
        else:
            _describe_up_to_date(work, plan, result)
        if reporter:
            reporter(result)
    for result in results.values():
        if not result.ok and result.status is None:  # could not even be planned
            _record_failure(work, result)
            if reporter:
                reporter(result)
    if not (only or retry_failed):
        cache.prune(digest for entry in manifest.entries.values()
                    for name, digest in entry.get("files", {}).items() if name.endswith(".docx"))
    return BuildResult(out, [results[r.id] for r in chosen], gone, manifest.flush(), cache.hits, cache.misses)


def _choose(campaign: Campaign, recipients: Sequence[Recipient], manifest: Manifest,
            only: Sequence[str] | None, retry_failed: bool) -> list[Recipient]:
    try:
        chosen = select(recipients, only)
    except KeyError as err:
        raise RecipientError(Problem(str(campaign.recipients), f"unknown recipient id(s): {err.args[0]}",
                                     field="--only", fix="use ids from the recipient list")) from err
    if retry_failed:
        chosen = [r for r in chosen if (manifest.entries.get(r.id) or {}).get("error")]
    return chosen


def _plan_all(campaign: Campaign, chosen: Sequence[Recipient], out: Path,
              results: dict[str, RecipientResult]) -> list[RecipientPlan]:
    plans = []
    for recipient in chosen:
        problem = address_problem(campaign, recipient)
        try:
            plan = plan_recipient(campaign, recipient, out)
        except jinja2.TemplateError as err:
            problem = problem or rule_problem(campaign, recipient, err)
        except KeyError as err:
            problem = problem or Problem(str(campaign.source), f"the bundle name pattern uses unknown column {err}",
                                         where=f"recipient {recipient.id}", field="output.bundle_name")
        if problem:
            results[recipient.id].error = str(problem)
            continue
        plans.append(plan)
    return plans


def _remove_leftovers(work: _Work) -> None:
    """Clear what a killed build left: temporary files, LibreOffice profiles, staging folders."""
    remove_leftovers(work.out / WORK_DIR, ("lo-profile-*", ".convert-*", ".*.tmp"))
    remove_leftovers(work.out)
    for plan in work.plans:
        remove_leftovers(plan.folder)


def _retire_removed(work: _Work, current: set[str]) -> list[str]:
    """Move the outputs of recipients that left the list to ``OUT/_removed/<id>/``."""
    gone = [s.id for s in removed(work.manifest.entries, current)]
    for rid in gone:
        bundle = work.manifest.entries[rid].get("bundle")
        paths = [work.out / rid] + ([work.out / bundle] if bundle else [])
        retire(paths, work.out / REMOVED_DIR / rid)
        work.manifest.drop(rid)
    return gone


def _render_all(work: _Work, todo: list[RecipientPlan]) -> None:
    for plan in todo:
        result = work.results[plan.recipient.id]
        redo = result.status.documents if result.status else frozenset()
        for doc in plan.documents:
            if doc.document.id not in redo:
                continue
            try:
                render_docx(doc.document.template, make_context(work.campaign, plan, doc), doc.docx,
                            recipient_id=plan.recipient.id)
            except InputError as err:
                result.error = str(err)
                break
        result.rebuilt = redo


def _convert_all(converter: Converter, work: _Work, todo: list[RecipientPlan]) -> None:
    ready = [p for p in todo if work.results[p.recipient.id].ok]
    jobs = [ConversionJob(d.docx, d.pdf) for p in ready for d in p.documents
            if d.document.id in work.results[p.recipient.id].rebuilt]
    errors = converter.convert(jobs) if jobs else {}
    for plan in ready:
        failed = [errors[doc.pdf] for doc in plan.documents if doc.pdf in errors]
        if failed:
            work.results[plan.recipient.id].error = "; ".join(failed)


def _finish(work: _Work, plan: RecipientPlan, result: RecipientResult, inputs: dict[str, Any]) -> None:
    """Bundle a rebuilt recipient and record it, or record its failure."""
    if not result.ok:
        _record_failure(work, result)
        return
    parts = [BundlePart(d.document.title, d.pdf) for d in plan.documents]
    parts += [BundlePart(a.title, a.file) for a in work.campaign.attachments]
    result.pages = write_bundle(parts, plan.bundle, title=f"{work.campaign.title} – {plan.recipient.name}",
                                author=work.campaign.sender.authority, day=work.campaign.date)
    _retire_leftovers(work, plan)
    result.bundle = plan.bundle
    result.documents = {d.document.id: d.pdf for d in plan.documents}
    work.manifest.record(plan.recipient.id, _entry(work, plan, result, inputs))


def _retire_leftovers(work: _Work, plan: RecipientPlan) -> None:
    """Move files of documents this recipient no longer gets, and a renamed bundle, out of the way."""
    old = work.manifest.entries.get(plan.recipient.id) or {}
    keep = {p.relative_to(work.out).as_posix() for d in plan.documents for p in (d.docx, d.pdf)}
    keep.add(plan.bundle.relative_to(work.out).as_posix())
    leftovers = [work.out / name for name in old.get("files", {}) if name not in keep]
    retire(leftovers, work.out / STALE_DIR / plan.recipient.id)


def _record_failure(work: _Work, result: RecipientResult) -> None:
    """Record the error; a bundle from an earlier build no longer matches and moves to ``_stale``."""
    old = work.manifest.entries.get(result.id) or {}
    if old.get("bundle"):
        retire([work.out / old["bundle"]], work.out / STALE_DIR / result.id)
    work.manifest.record(result.id, {"name": result.name, "error": result.error})


def _describe_up_to_date(work: _Work, plan: RecipientPlan, result: RecipientResult) -> None:
    entry = work.manifest.entries[plan.recipient.id]
    result.bundle = plan.bundle
    result.documents = {d.document.id: d.pdf for d in plan.documents}
    result.pages = entry.get("pages", 0)


def _entry(work: _Work, plan: RecipientPlan, result: RecipientResult, inputs: dict[str, Any]) -> dict[str, Any]:
    old_docs = (work.manifest.entries.get(plan.recipient.id) or {}).get("documents", {})
    outputs = [plan.bundle] + [p for d in plan.documents for p in (d.docx, d.pdf)]
    return {
        "name": result.name,
        "bundle": plan.bundle.relative_to(work.out).as_posix(),
        "pages": result.pages,
        "documents": {
            d.document.id: {
                "title": d.document.title,
                "pages": page_count(d.pdf) if d.document.id in result.rebuilt or d.document.id not in old_docs
                else old_docs[d.document.id]["pages"],
            }
            for d in plan.documents
        },
        "files": {p.relative_to(work.out).as_posix(): file_digest(p) for p in outputs},
        "inputs": inputs,
        "error": None,
    }
