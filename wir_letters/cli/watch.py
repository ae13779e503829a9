"""``wir-letters watch``: build, then rebuild what changed whenever an input is saved."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wir_letters.cli.app import cli, console, errors, print_problems, say, split_ids
from wir_letters.cli.commands import (_own_list, _relative, _report, _with_sheet, build_options, report_changes)
from wir_letters.i18n import N_

if TYPE_CHECKING:
    from wir_letters.builder.results import BuildResult
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.outputs.watch import Round
    from wir_letters.pdf.convert import Converter


@cli.command("watch", help=N_("Build, then keep LibreOffice running and rebuild what changed whenever the campaign, "
                               "the recipient list, a template or an attachment is saved. Ctrl-C ends it."))
@build_options
def watch_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None,
                  only: Sequence[str], jobs: int | None, keep_going: bool, timeout: float, prune: bool) -> None:
    from wir_letters.builder import build as builder  # looked up at each call: tests replace builder.build
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.outputs.watch import watch

    ids = split_ids(only)
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
        say(console, N_("watching {count} file(s) for changes (Ctrl-C ends) …"), count=len(done.watched) or 1)


def _show(done: Round) -> None:
    """Print what set the round off, what it rebuilt and why, or the error that stopped it."""
    from wir_letters.errors import InputError

    base = done.campaign.base_dir if done.campaign is not None else Path.cwd()
    if done.changed:
        say(console, N_("changed: {files}"), files=", ".join(_relative(p, base) for p in done.changed))
    if done.error is not None:
        if isinstance(done.error, InputError):
            print_problems(done.error.problems)
        else:
            say(errors, N_("error: {error}"), error=str(done.error))
        say(errors, N_("nothing was built; fix it and save again"))
        return
    assert done.result is not None
    _show_result(done.result, done.seconds)


def _show_result(result: BuildResult, seconds: float) -> None:
    rebuilt = 0
    for recipient in result.results:
        status = recipient.status
        if recipient.ok and status is not None and status.needs_build:
            rebuilt += 1
            say(console, N_("rebuilt {id}: {reasons}"), id=recipient.id, reasons="; ".join(r.text for r in status.reasons))
        elif not recipient.ok:
            say(errors, N_("FAILED {id}: {error}"), id=recipient.id, error=recipient.error)
    report_changes(result)
    say(console, N_("{rebuilt} rebuilt, {failed} failed ({recipients} recipients) in {seconds} s"), rebuilt=rebuilt,
        failed=len(result.failed), recipients=len(result.results), seconds=f"{seconds:.2f}")
