"""``wir-letters status``: what a build would do for each recipient, and why, without writing.

A full answer reads the campaign, list, manifest and outputs (about 0.4 s); an answer whose
inputs did not change is replayed from a snapshot (``_status_snapshot``) in under 0.1 s.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wir_letters.cli.app import campaign_option, cli, console, out_option, recipients_option, say, sheet_option
from wir_letters.cli.commands import _own_list, _with_sheet
from wir_letters.i18n import N_, render

if TYPE_CHECKING:
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.inputs.recipients import Recipient

__all__ = ["status_command"]


@cli.command("status", help=N_("Show what a build would do for each recipient, and why, without writing anything."))
@campaign_option
@recipients_option
@sheet_option
@out_option
def status_command(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None) -> None:
    from wir_letters.cli import _status_snapshot as snapshots
    from wir_letters.i18n import language
    arguments = [campaign_path.resolve(), recipients and recipients.resolve(), sheet, out and out.resolve()]
    snapshot = snapshots.snapshot_file(arguments, language())
    if snapshots.replay(snapshot):
        return
    from wir_letters.builder.assess import forget_file_digests
    forget_file_digests()  # hash (and so record) every file again
    snapshots.start_recording()
    console.tee, console.tee_plain = [], True
    stderr = sys.stderr = _Watched(sys.stderr)
    try:
        journal = _status(campaign_path, recipients, sheet, out)
        text, clean = "".join(console.tee), console.tee_plain and not stderr.written
    finally:
        console.tee, sys.stderr = None, stderr.stream
        snapshots.stop_recording()
    if clean:
        snapshots.store(snapshot, text, journal, campaign_path)


class _Watched:
    """Standard error, noting whether anything was written (a warning must not be replayed away)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.written = stream, False

    def write(self, text: str) -> int:
        self.written = self.written or bool(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def _status(campaign_path: Path, recipients: Path | None, sheet: str | None, out: Path | None) -> Path:
    """Print each recipient's state and reasons, and the e-mail states; return the build journal's path."""
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
        say(console, N_("{file}: the next build sets it aside and builds every recipient again"), file=str(damaged))
    statuses, unplanned = assess_all(campaign, listed, layout.out, prune=_own_list(campaign, recipients))
    for status in statuses:
        console.print(f"{status.id}: {status.state.text}" + "".join(f"\n    {r.text}" for r in status.reasons),
                      markup=False)
    for result in unplanned:
        console.print(f"{result.id}: {render(State.ERROR)}\n    {result.error}", markup=False)
    counts = Counter(s.state for s in statuses) + Counter(State.ERROR for _ in unplanned)
    console.print(", ".join(f"{n} {render(state)}" for state, n in sorted(counts.items())), markup=False)
    if campaign.mail is not None:
        from wir_letters.cli.mail import print_mail_status
        print_mail_status(campaign, listed, out, statuses)
    _note_checked(campaign, layout, listed)
    return layout.journal


def _note_checked(campaign: Campaign, layout: OutputLayout, listed: Sequence[Recipient]) -> None:
    """Record for the status snapshot what status only checks without opening: the campaign's
    files (tables, mail templates …), the output folder and each recipient's folder."""
    from wir_letters.cli import _status_snapshot as snapshots

    def paths(value: object) -> list[Path]:
        if isinstance(value, Path):
            return [value]
        if isinstance(value, dict):
            value = list(value.values())
        return [path for item in value for path in paths(item)] if isinstance(value, (list, tuple)) else []

    snapshots.note([*paths(campaign.model_dump()), layout.out, layout.manifest,
                    *(layout.folder(recipient.id) for recipient in listed)])
