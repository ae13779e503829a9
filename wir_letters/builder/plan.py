"""What to build for whom: the documents each recipient gets, their output paths and context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wir_letters.builder.layout import OutputLayout
from wir_letters.documents.context import template_context
from wir_letters.documents.rules import when_applies
from wir_letters.inputs.campaign import Campaign, Document
from wir_letters.i18n import N_
from wir_letters.inputs.recipients import Recipient
from wir_letters.inputs.values import ValueProblem


@dataclass(frozen=True)
class DocumentPlan:
    """One document of one recipient: the campaign's document and its two output files."""

    document: Document
    docx: Path
    pdf: Path


@dataclass(frozen=True)
class RecipientPlan:
    """One recipient's outputs: the documents it gets (in campaign order) and its bundle."""

    recipient: Recipient
    documents: tuple[DocumentPlan, ...]
    bundle: Path
    folder: Path  # the recipient's documents

    @property
    def outputs(self) -> list[Path]:
        """Every file the recipient's build writes: the bundle, then each document's DOCX and PDF."""
        return [self.bundle] + [p for d in self.documents for p in (d.docx, d.pdf)]

    @property
    def pdfs(self) -> dict[str, Path]:
        """Each document's PDF, by document id."""
        return {d.document.id: d.pdf for d in self.documents}


def plan_recipient(campaign: Campaign, recipient: Recipient, out: Path) -> RecipientPlan:
    """Select the recipient's documents by their ``when`` rules and name every output file.

    Raises:
        jinja2.TemplateError: when a ``when`` or ``conditions`` rule fails for this recipient
            (``rule_problem`` describes it; only that recipient fails).
        KeyError: when the bundle name pattern names an unknown column.
    """
    layout = OutputLayout(out)
    rid = recipient.id
    for rule in campaign.conditions.values():
        when_applies(rule, recipient.fields)  # fail at planning time, not in the middle of rendering
    documents = tuple(
        DocumentPlan(doc, layout.docx(rid, doc.id), layout.pdf(rid, doc.id))
        for doc in campaign.documents
        if when_applies(doc.when, recipient.fields)
    )
    bundle, folder = layout.bundle(campaign, recipient), layout.folder(rid)
    if bundle.parent != out or folder.parent != out:  # cannot happen with safe names; never write elsewhere
        raise ValueProblem(N_("output path outside {out}: {bundle}"), code="bundle.outside_output", out=out,
                           bundle=bundle)
    return RecipientPlan(recipient, documents, bundle, folder)


def make_context(campaign: Campaign, plan: RecipientPlan, document: DocumentPlan) -> dict[str, Any]:
    """Return the template context for one document of one recipient (see ``template_context``)."""
    return template_context(campaign, plan.recipient.fields, document.document, [d.document for d in plan.documents])


def select(recipients: Sequence[Recipient], only: Sequence[str] | None) -> list[Recipient]:
    """Return the recipients named in ``only`` (all when empty), in list order.

    Raises:
        KeyError: naming the ids that are not in the list.
    """
    if not only:
        return list(recipients)
    unknown = sorted(set(only) - {r.id for r in recipients})
    if unknown:
        raise KeyError(", ".join(unknown))
    return [r for r in recipients if r.id in set(only)]
