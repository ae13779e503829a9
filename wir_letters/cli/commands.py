"""The commands that check, build, show and print a campaign.

Each command imports what it needs inside its function, so that ``--help`` and a quick
``status`` do not load the libraries of a build (see ``wir_letters.cli``).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wir_letters.cli.app import (EXIT_INPUT, campaign_option, cli, console, errors, print_problems,
                                 recipients_option, sheet_option)

if TYPE_CHECKING:
    from wir_letters.builder.build import BuildResult
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.outputs.dispatch import Sort

REMOVED_DIR = "_removed"  # wir_letters.builder.layout.REMOVED_DIR (a test checks they agree)


@cli.command("build")
@campaign_option
@recipients_option
@sheet_option
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: the campaign's).")
@click.option("--only", multiple=True, metavar="ID", help="Build only these recipients (repeat or comma-separate).")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel LibreOffice workers (default: CPU cores).")
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
@click.option("--retry-failed", is_flag=True, help="Rebuild only the recipients whose last build failed.")
@click.option("--keep-going", is_flag=True,
              help="Build the recipients without problems; report the others (default: stop, write nothing).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds LibreOffice may work on one document before it counts as hanging.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary; errors only.")
@click.option("--prune", is_flag=True, help="With --recipients: also move the outputs of recipients missing from "
              f"that list to {REMOVED_DIR}/ (the campaign's own list always does).")
def build_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None,
                  only: Sequence[str], jobs: int | None, force: bool, retry_failed: bool, keep_going: bool,
                  timeout: float, quiet: bool, prune: bool) -> None:
    """Build one PDF bundle per recipient; only what changed since the last build is redone."""
    from wir_letters.builder import build as builder  # looked up at each call: tests replace builder.build
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.prefetch import ImagePrefetch
    from wir_letters.progress import ProgressReporter
    campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
    own_list = _own_list(campaign, recipients)
    if recipients:
        campaign = campaign.model_copy(update={"recipients": recipients.resolve()})
    ids = [i.strip() for value in only for i in value.split(",") if i.strip()]
    with ProgressReporter(console.real, enabled=console.is_terminal and not quiet) as progress:
        reporter = ImagePrefetch(OutputLayout.of(campaign, out).out, progress)  # report images while LO works
        try:
            result = builder.build(campaign, out=out, only=ids or None, jobs=jobs, force=force, retry_failed=retry_failed,
                           keep_going=keep_going, timeout=timeout, prune=prune or own_list, reporter=reporter)
        except BaseException:
            reporter.close(cancel=True)
            raise
        reporter.close()
    _summary(result, quiet)
    _report(result, campaign)
    if not result.ok:
        sys.exit(EXIT_INPUT)
    if campaign.output.print_run:
        _print_run(campaign, out)


@cli.command("status")
@campaign_option
@recipients_option
@sheet_option
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: the campaign's).")
def status_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None) -> None:
    """Show what a build would do for each recipient, and why, without writing anything."""
    from wir_letters.builder.assess import assess_all
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.builder.manifest import Manifest
    from wir_letters.builder.status import State
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.inputs.recipients import load_recipients
    campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
    listed = load_recipients(recipients or campaign.recipients, campaign.schema)
    layout = OutputLayout.of(campaign, out)
    damaged = Manifest.load(layout.manifest).damaged
    if damaged:
        console.print(f"{damaged}: the next build sets it aside and builds every recipient again", markup=False)
    statuses, unplanned = assess_all(campaign, listed, layout.out, prune=_own_list(campaign, recipients))
    for status in statuses:
        console.print(f"{status.id}: {status.state}" + "".join(f"\n    {r}" for r in status.reasons), markup=False)
    for result in unplanned:
        console.print(f"{result.id}: {State.ERROR}\n    {result.error}", markup=False)
    counts = Counter(s.state for s in statuses) + Counter(State.ERROR for _ in unplanned)
    console.print(", ".join(f"{n} {state}" for state, n in sorted(counts.items())), markup=False)
    if campaign.mail is not None:
        from wir_letters.cli.mail import print_mail_status
        print_mail_status(campaign, listed, out, statuses)


@cli.command("preview")
@click.argument("recipient_id", metavar="ID")
@campaign_option
@click.option("--out", type=click.Path(path_type=Path), help="The build's output folder (default: the campaign's).")
@click.option("--document", metavar="DOC", help="Only this document of the recipient (a document id).")
@click.option("--page", type=click.IntRange(min=1), help="Only this page (1-based).")
@click.option("--open", "open_viewer", is_flag=True, help="Open the first image in the desktop's image viewer.")
def preview_command(recipient_id: str, campaign_path: Path, out: Path | None, document: str | None,
                    page: int | None, open_viewer: bool) -> None:
    """Page images of one recipient, built first if needed (never the others); prints their paths."""
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.preview import open_in_viewer, preview
    shown = preview(load_campaign(campaign_path), recipient_id, out=out, document=document, page=page)
    for image in shown.images:
        console.print(str(image), markup=False)
    if open_viewer and shown.images and not open_in_viewer(shown.images[0]):
        errors.print("no image viewer found (xdg-open); open the files above yourself", markup=False)


@cli.command("check")
@campaign_option
@recipients_option
@sheet_option
def check_command(campaign_path: Path, recipients: Path | None, sheet: str | None) -> None:
    """Validate campaign, recipients and templates without writing anything; list every problem."""
    from wir_letters.checks.preflight import check as run_check
    from wir_letters.inputs.campaign import load_campaign
    campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
    problems = run_check(campaign, recipients.resolve() if recipients else None)
    print_problems(problems)
    count = Counter(p.severity for p in problems)
    if count["error"]:
        errors.print(f"{count['error']} error(s), {count['note']} note(s): nothing was written.", markup=False)
        sys.exit(EXIT_INPUT)
    console.print(f"OK: {_describe(campaign, recipients)}" + (f", {count['note']} note(s)" if count["note"] else ""),
                  markup=False)


@cli.command("print-run")
@campaign_option
@click.option("--out", type=click.Path(path_type=Path), help="The build's output folder (default: the campaign's).")
@click.option("--sort", type=click.Choice(["list", "postcode"]), default="list", show_default=True,
              help="Order of the bundles: as in the recipient list, or by postcode for postal presorting.")
@click.option("--separator", is_flag=True, help="Put a sheet naming the recipient before each bundle.")
def print_run_command(campaign_path: Path, out: Path | None, sort: str, separator: bool) -> None:
    """Write all bundles as one PDF for duplex printing, and the dispatch list (OUT/_print/)."""
    from wir_letters.inputs.campaign import load_campaign
    campaign = load_campaign(campaign_path)
    _print_run(campaign, out, "postcode" if sort == "postcode" else "list", separator)


def _print_run(campaign: Campaign, out: Path | None, sort: Sort = "list", separator: bool = False) -> None:
    """Write the print run and the dispatch list; exit 1 when a recipient is missing from them."""
    from wir_letters.outputs.printrun import print_run
    done = print_run(campaign, out, sort=sort, separator=separator)
    console.print(f"print run: {done.pdf} ({done.recipients} recipients, {done.sheets} sheets, "
                  f"{done.pages} pages)", markup=False)
    console.print(f"dispatch list: {done.dispatch.xlsx}, {done.dispatch.csv}", markup=False)
    if done.missing:
        errors.print(f"{len(done.missing)} recipient(s) missing from the print run (no complete bundle):",
                     markup=False)
        for item in done.missing:
            errors.print(f"  {item.recipient.id} ({item.recipient.name}): {item.reason}", markup=False)
        sys.exit(EXIT_INPUT)


def _with_sheet(campaign: Campaign, recipients: Path | None, sheet: str | None) -> Campaign:
    """``--sheet`` picks the sheet; another list given with ``--recipients`` is read without the campaign's."""
    if sheet is None and (recipients is None or recipients.resolve() == campaign.recipients):
        return campaign
    return campaign.model_copy(update={"sheet": sheet})


def _own_list(campaign: Campaign, recipients: Path | None) -> bool:
    """Whether the build reads the campaign's own recipient list (then it may retire the missing)."""
    return recipients is None or recipients.resolve() == campaign.recipients


def _describe(campaign: Campaign, recipients: Path | None) -> str:
    from wir_letters.inputs.recipients import load_recipients
    count = len(load_recipients(recipients or campaign.recipients, campaign.schema))
    return f"{count} recipients, {len(campaign.documents)} documents, {len(campaign.attachments)} attachments"


def _summary(result: BuildResult, quiet: bool = False) -> None:
    built = sum(1 for r in result.results if r.ok and r.status is not None and r.status.needs_build)
    fresh = sum(1 for r in result.results if r.ok and r.status is not None and not r.status.needs_build)
    if not quiet:
        console.print(f"{built} built, {fresh} up to date, {len(result.failed)} failed "
                      f"({len(result.results)} recipients) in {result.out}; "
                      f"{result.converted} documents converted, {result.cache_hits} from the cache", markup=False)
    for rid, folder in result.removed_to.items():
        console.print(f"removed from the list: {rid} (outputs moved to {_relative(folder, result.out)})",
                      markup=False)
    for recipient in result.results:
        for path in recipient.set_aside:
            console.print(f"{recipient.id}: {path.name} was changed by hand; kept as {_relative(path, result.out)} "
                          "before it was built again", markup=False)
    for warning in result.warnings:
        errors.print(f"warning: {warning}", markup=False)
    if result.rejected:
        errors.print(f"{len(result.rejected)} problem(s) kept recipients out of this build (--keep-going):",
                     markup=False)
        print_problems(result.rejected)
    for failed in result.failed:
        errors.print(f"FAILED {failed.id}: {failed.error}", markup=False)


def _report(result: BuildResult, campaign: Campaign) -> None:
    """Write OUT/index.html; a report that cannot be written is a warning, the build stands."""
    from wir_letters.outputs.report import write_report
    try:
        write_report(result, campaign)
    except OSError as err:
        errors.print(f"warning: the report page could not be written: {err}", markup=False)


def _relative(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix() if path.is_relative_to(out) else str(path)


