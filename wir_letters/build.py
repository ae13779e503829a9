"""The build: plan → render (docxtpl) → convert (LibreOffice) → bundle (pypdf) → manifest."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import __version__
from .bundle import BundlePart, page_count, write_bundle
from .campaign import Campaign
from .convert import ConversionJob, Converter, LibreOfficeConverter
from .errors import InputError, Problem, RecipientError
from .manifest import file_hashes, save_manifest
from .plan import RecipientPlan, address_problem, make_context, plan_recipient, rule_problem, select
from .recipients import Recipient, load_recipients
from .render import render_docx

WORK_DIR = ".wir"  # inside the output folder: LibreOffice profiles and scratch files


@dataclass
class RecipientResult:
    """What the build produced for one recipient; ``error`` is set when it failed."""

    id: str
    name: str
    bundle: Path | None = None
    documents: dict[str, Path] = field(default_factory=dict)  # document id -> PDF
    pages: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BuildResult:
    out: Path
    results: list[RecipientResult]
    manifest: Path | None = None

    @property
    def failed(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.ok]


Reporter = Callable[[RecipientResult], None]


def build(
    campaign: Campaign,
    recipients: Sequence[Recipient] | None = None,
    *,
    out: Path | None = None,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    converter: Converter | None = None,
    reporter: Reporter | None = None,
) -> BuildResult:
    """Build one PDF bundle per recipient and write ``manifest.json``.

    A recipient whose data or template fails gets an ``error`` in its result; the others
    are still built. Never prints.

    Raises:
        InputError: when ``only`` names unknown recipients.
        EnvironmentProblem: when LibreOffice is missing or fails as a whole.
    """
    out = Path(out or campaign.output.folder).resolve()
    if recipients is None:
        recipients = load_recipients(campaign.recipients)
    try:
        chosen = select(recipients, only)
    except KeyError as err:
        raise RecipientError(Problem(str(campaign.recipients), f"unknown recipient id(s): {err.args[0]}",
                                     field="--only", fix="use ids from the recipient list")) from err
    out.mkdir(parents=True, exist_ok=True)
    converter = converter or LibreOfficeConverter(out / WORK_DIR, workers=jobs or os.cpu_count() or 2)
    results = {r.id: RecipientResult(r.id, r.name) for r in chosen}
    plans = _plan_all(campaign, chosen, out, results)
    _render_all(campaign, plans, results)
    _convert_all(converter, plans, results)
    for plan in plans:
        result = results[plan.recipient.id]
        if result.ok:
            _bundle(campaign, plan, result)
        if reporter:
            reporter(result)
    manifest = save_manifest(out, campaign.title, f"wir_letters {__version__}",
                             {p.recipient.id: _manifest_entry(out, p, results[p.recipient.id]) for p in plans})
    return BuildResult(out, [results[r.id] for r in chosen], manifest)


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


def _render_all(campaign: Campaign, plans: list[RecipientPlan], results: dict[str, RecipientResult]) -> None:
    for plan in plans:
        for doc in plan.documents:
            try:
                render_docx(doc.document.template, make_context(campaign, plan, doc), doc.docx,
                            recipient_id=plan.recipient.id)
            except InputError as err:
                results[plan.recipient.id].error = str(err)
                break


def _convert_all(converter: Converter, plans: list[RecipientPlan], results: dict[str, RecipientResult]) -> None:
    ready = [p for p in plans if results[p.recipient.id].ok]
    jobs = [ConversionJob(doc.docx, doc.pdf) for plan in ready for doc in plan.documents]
    errors = converter.convert(jobs)
    for plan in ready:
        failed = [errors[doc.pdf] for doc in plan.documents if doc.pdf in errors]
        if failed:
            results[plan.recipient.id].error = "; ".join(failed)


def _bundle(campaign: Campaign, plan: RecipientPlan, result: RecipientResult) -> None:
    parts = [BundlePart(d.document.title, d.pdf) for d in plan.documents]
    parts += [BundlePart(a.title, a.file) for a in campaign.attachments]
    title = f"{campaign.title} – {plan.recipient.name}"
    result.pages = write_bundle(parts, plan.bundle, title=title, author=campaign.sender.authority,
                                day=campaign.date)
    result.bundle = plan.bundle
    result.documents = {d.document.id: d.pdf for d in plan.documents}


def _manifest_entry(out: Path, plan: RecipientPlan, result: RecipientResult) -> dict[str, object]:
    if not result.ok:
        return {"name": result.name, "error": result.error}
    outputs = [plan.bundle] + [p for d in plan.documents for p in (d.docx, d.pdf)]
    return {
        "name": result.name,
        "bundle": plan.bundle.relative_to(out).as_posix(),
        "pages": result.pages,
        "documents": {d.document.id: {"title": d.document.title, "pages": page_count(d.pdf)}
                      for d in plan.documents},
        "files": file_hashes(out, outputs),
        "error": None,
    }
