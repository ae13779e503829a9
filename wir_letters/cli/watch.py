"""``wir-letters watch``: build, then rebuild what changed whenever an input is saved."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wir_letters.cli.app import campaign_option, cli, console, errors, print_problems, recipients_option, sheet_option
from wir_letters.cli.commands import REMOVED_DIR, _own_list, _relative, _report, _with_sheet

if TYPE_CHECKING:
    from wir_letters.builder.results import BuildResult
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.outputs.watch import Round
    from wir_letters.pdf.convert import Converter


@cli.command("watch")
@campaign_option
@recipients_option
@sheet_option
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: the campaign's).")
@click.option("--only", multiple=True, metavar="ID", help="Build only these recipients (repeat or comma-separate).")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel LibreOffice workers (default: CPU cores).")
@click.option("--keep-going", is_flag=True,
              help="Build the recipients without problems; report the others (default: stop, write nothing).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds LibreOffice may work on one document before it counts as hanging.")
@click.option("--prune", is_flag=True, help="With --recipients: also move the outputs of recipients missing from "
              f"that list to {REMOVED_DIR}/ (the campaign's own list always does).")
def watch_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None,
                  only: Sequence[str], jobs: int | None, keep_going: bool, timeout: float, prune: bool) -> None:
    """Build, then keep LibreOffice running and rebuild what changed whenever the campaign, the
    recipient list, a template or an attachment is saved. Ctrl-C ends it."""
    from wir_letters.builder import build as builder  # looked up at each call: tests replace builder.build
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.watch import watch

    ids = [i.strip() for value in only for i in value.split(",") if i.strip()]
    own_list = [True]  # as in build: the campaign's own list retires the recipients missing from it

    def load() -> Campaign:
        campaign = _with_sheet(load_campaign(campaign_path), recipients, sheet)
        own_list[0] = _own_list(campaign, recipients)
        return campaign.model_copy(update={"recipients": recipients.resolve()}) if recipients else campaign

    def run(campaign: Campaign, converter: Converter) -> BuildResult:
        return builder.build(campaign, out=out, only=ids or None, jobs=jobs, keep_going=keep_going,
                             timeout=timeout, prune=prune or own_list[0], converter=converter)

    for done in watch(campaign_path, load, run, out=out, jobs=jobs, timeout=timeout):
        _show(done)
        if done.result is not None and done.campaign is not None:
            _report(done.result, done.campaign)
        console.print(f"watching {len(done.watched) or 1} file(s) for changes (Ctrl-C ends) …", markup=False)


def _show(done: Round) -> None:
    """Print what set the round off, what it rebuilt and why, or the error that stopped it."""
    from wir_letters.errors import InputError

    base = done.campaign.base_dir if done.campaign is not None else Path.cwd()
    if done.changed:
        console.print("changed: " + ", ".join(_relative(p, base) for p in done.changed), markup=False)
    if done.error is not None:
        if isinstance(done.error, InputError):
            print_problems(done.error.problems)
        else:
            errors.print(f"error: {done.error}", markup=False)
        errors.print("nothing was built; fix it and save again", markup=False)
        return
    assert done.result is not None
    _show_result(done.result, done.seconds)


def _show_result(result: BuildResult, seconds: float) -> None:
    rebuilt = 0
    for recipient in result.results:
        status = recipient.status
        if recipient.ok and status is not None and status.needs_build:
            rebuilt += 1
            console.print(f"rebuilt {recipient.id}: " + "; ".join(status.reasons), markup=False)
        elif not recipient.ok:
            errors.print(f"FAILED {recipient.id}: {recipient.error}", markup=False)
    for rid, folder in result.removed_to.items():
        console.print(f"removed from the list: {rid} (outputs moved to {_relative(folder, result.out)})",
                      markup=False)
    for warning in result.warnings:
        errors.print(f"warning: {warning}", markup=False)
    if result.rejected:
        errors.print(f"{len(result.rejected)} problem(s) kept recipients out of this build (--keep-going):",
                     markup=False)
        print_problems(result.rejected)
    console.print(f"{rebuilt} rebuilt, {len(result.failed)} failed ({len(result.results)} recipients) "
                  f"in {seconds:.2f} s", markup=False)
