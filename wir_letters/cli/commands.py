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

from wir_letters.cli.app import (EXIT_INPUT, Command, campaign_option, cli, console, errors, option, out_option,
                                 print_problems, recipients_option, say, sheet_option, split_ids)
from wir_letters.i18n import N_, render

if TYPE_CHECKING:
    from wir_letters.builder.build import BuildResult
    from wir_letters.errors import Problem
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.outputs.dispatch import Sort

REMOVED_DIR = "_removed"  # wir_letters.builder.layout.REMOVED_DIR (a test checks they agree)


def problems_json(problems: Sequence[Problem]) -> str:
    """``check --json``: every problem with its code, severity, place, message and fix (in the chosen
    language), and its parameters."""
    import json

    return json.dumps({"ok": not any(p.severity == "error" for p in problems), "problems": [
        {"code": p.code, "severity": p.severity, "file": p.file, "where": render(p.where, p.params) if p.where else "",
         "field": p.field, "recipient": p.recipient, "message": p.text, "fix": p.fix_text,
         "params": {k: v if isinstance(v, (int, float, bool)) or v is None else str(v) for k, v in p.params.items()}}
        for p in problems]}, ensure_ascii=False, indent=2)


ONLY_HELP = N_("Build only these recipients (repeat or comma-separate).")
JOBS_HELP = N_("Parallel LibreOffice workers (default: CPU cores).")
KEEP_GOING_HELP = N_("Build the recipients without problems; report the others (default: stop, write nothing).")
TIMEOUT_HELP = N_("Seconds LibreOffice may work on one document before it counts as hanging.")
PRUNE_HELP = N_("With --recipients: also move the outputs of recipients missing from that list to _removed/ "
                "(the campaign's own list always does).")


def build_options(command: Command) -> Command:
    """The options ``build`` and ``watch`` share: campaign, list, sheet, output, which recipients, workers."""
    shared = [campaign_option, recipients_option, sheet_option, out_option,
              option("--only", multiple=True, metavar="ID", help=ONLY_HELP),
              option("--jobs", type=click.IntRange(min=1), help=JOBS_HELP),
              option("--keep-going", is_flag=True, help=KEEP_GOING_HELP),
              option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help=TIMEOUT_HELP),
              option("--prune", is_flag=True, help=PRUNE_HELP)]
    for decorate in reversed(shared):
        command = decorate(command)
    return command


@cli.command("build", help=N_("Build one PDF bundle per recipient; only what changed since the last build is redone."))
@build_options
@option("--force", is_flag=True, help=N_("Rebuild everything, even what is up to date."))
@option("--retry-failed", is_flag=True, help=N_("Rebuild only the recipients whose last build failed."))
@option("-q", "--quiet", is_flag=True, help=N_("No progress display and no summary; errors only."))
@option("-v", "--verbose", is_flag=True, help=N_("Also say which documents LibreOffice converted on their own "
                                                 "(not merged with others of their template), and why."))
def build_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None,
                  only: Sequence[str], jobs: int | None, keep_going: bool, timeout: float, prune: bool, force: bool,
                  retry_failed: bool, quiet: bool, verbose: bool) -> None:
    from wir_letters.builder import build as builder  # looked up at each call: tests replace builder.build
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.prefetch import ImagePrefetch
    from wir_letters.progress import ProgressReporter
    campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
    own_list = _own_list(campaign, recipients)
    if recipients:
        campaign = campaign.model_copy(update={"recipients": recipients.resolve()})
    ids = split_ids(only)
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
    if verbose:
        for path, reason in sorted(result.converted_alone.items()):
            say(console, N_("{file}: converted alone: {reason}"), file=_relative(path, result.out), reason=reason)
    _report(result, campaign)
    if not result.ok:
        sys.exit(EXIT_INPUT)
    if campaign.output.print_run:
        _print_run(campaign, out)


@cli.command("preview", help=N_("Page images of one recipient, built first if needed (never the others); prints "
                                 "their paths."))
@click.argument("recipient_id", metavar="ID")
@campaign_option
@out_option
@option("--document", metavar="DOC", help=N_("Only this document of the recipient (a document id)."))
@option("--page", type=click.IntRange(min=1), help=N_("Only this page (1-based)."))
@option("--open", "open_viewer", is_flag=True, help=N_("Open the first image in the desktop's image viewer."))
def preview_command(recipient_id: str, campaign_path: Path, out: Path | None, document: str | None,
                    page: int | None, open_viewer: bool) -> None:
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.preview import open_in_viewer, preview
    shown = preview(load_campaign(campaign_path), recipient_id, out=out, document=document, page=page)
    for image in shown.images:
        console.print(str(image), markup=False)
    if open_viewer and shown.images and not open_in_viewer(shown.images[0]):
        say(errors, N_("no image viewer found (xdg-open); open the files above yourself"))


@cli.command("check", help=N_("Validate campaign, recipients and templates without writing anything; list every "
                               "problem."))
@campaign_option
@recipients_option
@sheet_option
@option("--json", "as_json", is_flag=True, help=N_("Print the problems as JSON (code, severity, place, message, fix, "
                                                    "parameters) for programs."))
def check_command(campaign_path: Path, recipients: Path | None, sheet: str | None, as_json: bool) -> None:
    from wir_letters.checks.preflight import check as run_check
    from wir_letters.inputs.campaign import load_campaign
    campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
    problems = run_check(campaign, recipients.resolve() if recipients else None)
    count = Counter(p.severity for p in problems)
    if as_json:
        console.out(problems_json(problems), highlight=False)
    else:
        print_problems(problems)
    if count["error"]:
        if not as_json:
            say(errors, N_("{errors} error(s), {notes} note(s): nothing was written."), errors=count["error"],
                notes=count["note"])
        sys.exit(EXIT_INPUT)
    if not as_json:
        say(console, N_("OK: {description}, {notes} note(s)") if count["note"] else N_("OK: {description}"),
            description=_describe(campaign, recipients), notes=count["note"])


@cli.command("print-run", help=N_("Write all bundles as one PDF for duplex printing, and the dispatch list "
                                   "(OUT/_print/)."))
@campaign_option
@out_option
@option("--sort", type=click.Choice(["list", "postcode"]), default="list", show_default=True,
        help=N_("Order of the bundles: as in the recipient list, or by postcode for postal presorting."))
@option("--separator", is_flag=True, help=N_("Put a sheet naming the recipient before each bundle."))
def print_run_command(campaign_path: Path, out: Path | None, sort: str, separator: bool) -> None:
    from wir_letters.inputs.campaign import load_campaign
    campaign = load_campaign(campaign_path)
    _print_run(campaign, out, "postcode" if sort == "postcode" else "list", separator)


def _print_run(campaign: Campaign, out: Path | None, sort: Sort = "list", separator: bool = False) -> None:
    """Write the print run and the dispatch list; exit 1 when a recipient is missing from them."""
    from wir_letters.outputs.printrun import print_run
    done = print_run(campaign, out, sort=sort, separator=separator)
    say(console, N_("print run: {pdf} ({recipients} recipients, {sheets} sheets, {pages} pages)"), pdf=str(done.pdf),
        recipients=done.recipients, sheets=done.sheets, pages=done.pages)
    say(console, N_("dispatch list: {xlsx}, {csv}"), xlsx=str(done.dispatch.xlsx), csv=str(done.dispatch.csv))
    if done.missing:
        say(errors, N_("{count} recipient(s) missing from the print run (no complete bundle):"),
            count=len(done.missing))
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
    return render(N_("{recipients} recipients, {documents} documents, {attachments} attachments"),
                  {"recipients": count, "documents": len(campaign.documents), "attachments": len(campaign.attachments)})


def _summary(result: BuildResult, quiet: bool = False) -> None:
    built = sum(1 for r in result.results if r.ok and r.status is not None and r.status.needs_build)
    fresh = sum(1 for r in result.results if r.ok and r.status is not None and not r.status.needs_build)
    if not quiet:
        say(console, N_("{built} built, {fresh} up to date, {failed} failed ({recipients} recipients) in {out}; "
                        "{converted} documents converted, {cached} from the cache"), built=built, fresh=fresh,
            failed=len(result.failed), recipients=len(result.results), out=str(result.out),
            converted=result.converted, cached=result.cache_hits)
    report_changes(result)
    for failed in result.failed:
        say(errors, N_("FAILED {id}: {error}"), id=failed.id, error=failed.error)


def report_changes(result: BuildResult) -> None:
    """Print what a build moved aside (removed recipients, hand edits), its warnings and rejected rows."""
    for rid, folder in result.removed_to.items():
        say(console, N_("removed from the list: {id} (outputs moved to {folder})"), id=rid,
            folder=_relative(folder, result.out))
    for recipient in result.results:
        for path in recipient.set_aside:
            say(console, N_("{id}: {file} was changed by hand; kept as {kept} before it was built again"),
                id=recipient.id, file=path.name, kept=_relative(path, result.out))
    for warning in result.warnings:
        say(errors, N_("warning: {text}"), text=warning)
    if result.rejected:
        say(errors, N_("{count} problem(s) kept recipients out of this build (--keep-going):"),
            count=len(result.rejected))
        print_problems(result.rejected)


def _report(result: BuildResult, campaign: Campaign) -> None:
    """Write OUT/index.html; a report that cannot be written is a warning, the build stands."""
    from wir_letters.outputs.report import write_report
    try:
        write_report(result, campaign)
    except OSError as err:
        say(errors, N_("warning: the report page could not be written: {error}"), error=str(err))


def _relative(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix() if path.is_relative_to(out) else str(path)


