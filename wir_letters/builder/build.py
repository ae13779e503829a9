"""The build: preflight → plan → decide what changed → pipeline (render, convert, bundle) → manifest.

Only outputs whose inputs changed (or whose files are missing or were edited) are made
again; everything is written atomically and recorded in the manifest only when complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wir_letters.builder._environment import environment_error
from wir_letters.builder._run import BuildOptions, Run
from wir_letters.builder.assess import assess_all
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.results import BuildResult, RecipientResult, Reporter
from wir_letters.checks.preflight import preflight
from wir_letters.errors import BuildLocked, InputError, Problem
from wir_letters.files import exclusive_lock
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import RecipientList, Recipients, as_recipient_list, read_recipients
from wir_letters.pdf.convert import Converter

__all__ = ["BuildOptions", "BuildResult", "RecipientResult", "Reporter", "assess_all", "build"]


def build(campaign: Campaign, recipients: Recipients | None = None, *, out: Path | None = None,
          only: Sequence[str] | None = None, jobs: int | None = None, force: bool = False,
          retry_failed: bool = False, keep_going: bool = False, timeout: float = 60.0, prune: bool | None = None,
          converter: Converter | None = None, reporter: Reporter | None = None) -> BuildResult:
    """Bring every recipient's bundle up to date and write ``manifest.json``.

    Args:
        recipients: a ``RecipientList`` or recipients of your own (``make_recipient``); default: the
            campaign's list, read and checked.
        only: build just these ids. retry_failed: just those whose last build failed.
        force: rebuild even what is up to date. jobs: parallel LibreOffice processes.
        keep_going: build the recipients without problems instead of stopping at the preflight.
        timeout: seconds LibreOffice may go without finishing a document before it is killed.
        prune: move the outputs of recipients missing from the list to ``_removed/``; by default
            only when building the campaign's own list (``recipients`` not given).
        converter: replaces LibreOffice (tests). reporter: told the total, then each result.

    The preflight (``wir_letters.checks.preflight``) runs first: with any error nothing is written.
    A recipient that fails later (a conversion, an output check) gets an ``error`` in its
    result; the others are still built. Never prints.

    Raises:
        InputError: the preflight found errors (all of them are in ``problems``), or ``only``
            names unknown recipients.
        BuildLocked: another build of the same output folder is running.
        DiskFull, OutputNotWritable: the output folder cannot be written.
        ConverterMissing, ConverterFailed: LibreOffice is missing, or cannot convert even a blank document.
    """
    prune = recipients is None if prune is None else prune
    options = BuildOptions(tuple(only or ()), jobs, force, retry_failed, keep_going, timeout, prune)
    layout = OutputLayout.of(campaign, out)
    listed = read_recipients(campaign.recipients, campaign.schema) if recipients is None \
        else as_recipient_list(recipients)
    rejected = _gate(campaign, listed, keep_going)
    try:
        layout.out.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(layout.lock):
            return Run(campaign, layout, listed, rejected, options, converter, reporter).run()
    except BlockingIOError as err:
        raise BuildLocked(N_("{folder}: another wir-letters build is writing this output folder; "
                             "wait for it to finish, or use another --out"), code="build.locked",
                          folder=str(layout.out)) from err
    except OSError as err:
        raise environment_error(err, layout.out) from err


def _gate(campaign: Campaign, listed: RecipientList, keep_going: bool) -> list[Problem]:
    """Stop on preflight errors; with ``keep_going`` only on those not tied to one recipient."""
    errors = [p for p in preflight(campaign, listed) if p.severity == "error"]
    blocking = [p for p in errors if not (keep_going and p.recipient)]
    if blocking:
        raise InputError(blocking)
    return errors

