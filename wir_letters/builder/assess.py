"""What a build would do for each recipient, and why, without the libraries of a build.

``status`` needs only this: planning, fingerprints and the manifest (no docxtpl, pypdf or
LibreOffice helpers), so that it starts quickly. ``build`` uses the same functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import jinja2

from wir_letters.builder._fingerprint import _file_digest, inputs_for, settings_digest
from wir_letters.builder._journal import interrupted
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import Manifest
from wir_letters.builder.plan import RecipientPlan, plan_recipient
from wir_letters.builder.results import RecipientResult
from wir_letters.builder.status import Status, assess, removed
from wir_letters.checks.rows import rule_problem
from wir_letters.errors import Problem
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient, Recipients, as_recipient_list

__all__ = ["assess_all", "assess_each", "forget_file_digests", "plan_each"]


def assess_all(campaign: Campaign, recipients: Recipients, out: Path, force: bool = False,
               prune: bool = True) -> tuple[list[Status], list[RecipientResult]]:
    """Return each recipient's status (plus removed ones) and the recipients that cannot be planned.

    With ``prune`` False (a list that is not the campaign's own), recipients missing from
    ``recipients`` are reported as what ``--prune`` would move, not as removed.
    """
    layout = OutputLayout(out)
    manifest = Manifest.load(layout.manifest)
    chosen = as_recipient_list(recipients).recipients
    results = {r.id: RecipientResult(r.id, r.name) for r in chosen}
    statuses = [status for _, status in assess_each(campaign, chosen, layout, manifest, force, results)]
    statuses += removed(manifest.ids(), {r.id for r in chosen}, pruned=prune)
    return statuses, [r for r in results.values() if not r.ok]


def assess_each(campaign: Campaign, recipients: Sequence[Recipient], layout: OutputLayout, manifest: Manifest,
                force: bool, results: Mapping[str, RecipientResult]) -> Iterator[tuple[RecipientPlan, Status]]:
    """Plan each recipient and compare it with its manifest entry (errors as in ``plan_each``)."""
    settings = settings_digest(campaign)
    unfinished = interrupted(layout.journal)  # recipients a killed build was writing
    for plan in plan_each(campaign, recipients, layout.out, results):
        rid = plan.recipient.id
        yield plan, assess(plan, inputs_for(campaign, plan, settings), manifest.get(rid), layout, force,
                           interrupted=rid in unfinished)


def plan_each(campaign: Campaign, chosen: Sequence[Recipient], out: Path,
              results: Mapping[str, RecipientResult]) -> Iterator[RecipientPlan]:
    """Plan each recipient in turn; one that cannot be planned gets the error in its result."""
    for recipient in chosen:
        try:
            yield plan_recipient(campaign, recipient, out)
        except jinja2.TemplateError as err:
            results[recipient.id].error = str(rule_problem(campaign, recipient, err))
        except (KeyError, ValueError) as err:
            results[recipient.id].error = str(Problem(
                str(campaign.source), N_("the bundle name pattern cannot be filled: {error}"),
                where=N_("recipient {recipient_id}"), field="output.bundle_name", recipient=recipient.id,
                code="bundle.pattern_unfillable", params={"error": str(err), "recipient_id": recipient.id}))


def forget_file_digests() -> None:
    """Hash every file again from now on (digests are otherwise kept while size and mtime stay),
    so that an assessment reads each file it judges (``status`` records what it read)."""
    _file_digest.cache_clear()
