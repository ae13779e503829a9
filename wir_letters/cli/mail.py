"""The e-mail commands: ``mail`` writes drafts, ``send`` sends (a dry run unless told otherwise).

Heavy modules are imported inside the commands, so ``wir-letters --help`` stays quick.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wir_letters.cli.app import (EXIT_ENVIRONMENT, EXIT_INPUT, campaign_option, cli, console, errors, option,
                                 out_option, say, split_ids)
from wir_letters.i18n import N_, render

if TYPE_CHECKING:
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.builder.status import Status
    from wir_letters.inputs.mail_settings import SmtpSettings
    from wir_letters.inputs.recipients import Recipient
    from wir_letters.outputs.mail.ledger import SentRecord
    from wir_letters.outputs.mail.plan import MailItem
    from wir_letters.outputs.mail.send import Choice, SendOptions


def _plan(campaign_path: Path, out: Path | None) -> tuple[Campaign, list[MailItem]]:
    """The campaign (with a ``mail:`` section) and every recipient's e-mail state."""
    from wir_letters.checks.mail import mail_problems
    from wir_letters.errors import InputError, Problem
    from wir_letters.inputs.campaign import load_campaign
    from wir_letters.inputs.recipients import read_recipients
    from wir_letters.outputs.mail.plan import plan_mail

    campaign = load_campaign(campaign_path)
    if campaign.mail is None:
        raise InputError(Problem(str(campaign.source), N_("the campaign has no mail: section"), field="mail",
                                 fix=N_("add mail: with subject: and body: (see the README, Sending by e-mail)"),
                                 code="mail.no_mail_section"))
    listed = read_recipients(campaign.recipients, campaign.schema)
    problems = [p for p in [*listed.problems, *mail_problems(campaign, listed)] if p.severity == "error"]
    if problems:
        raise InputError(problems)
    return campaign, plan_mail(campaign, listed.recipients, out)


def print_mail_status(campaign: Campaign, listed: Sequence[Recipient], out: Path | None,
                      statuses: Sequence[Status]) -> None:
    """``status``: each recipient's e-mail state (sent, not sent, changed since sent …) and the counts."""
    from wir_letters.outputs.mail.plan import MailState, counts, plan_mail

    items = plan_mail(campaign, listed, out, statuses)
    say(console, N_("e-mail:"))
    for item in items:
        if item.state != MailState.NO_ADDRESS:
            console.print(f"  {item.id}: {render(item.state)}" + (f" ({item.explained})" if item.detail else ""),
                          markup=False)
    unaddressed = [item.id for item in items if item.state == MailState.NO_ADDRESS]
    if unaddressed:
        say(console, N_("  no e-mail address (by post): {ids}"), ids=", ".join(unaddressed))
    say(console, N_("e-mail: {counts}"), counts=counts(items))


@cli.command("mail", help=N_("Write one e-mail draft (.eml, with the bundle attached) per recipient into OUT/_mail/."))
@campaign_option
@out_option
def mail_command(campaign_path: Path, out: Path | None) -> None:
    from wir_letters.outputs.mail.drafts import write_drafts

    campaign, items = _plan(campaign_path, out)
    done = write_drafts(campaign, items, out)
    folder = done.written[0].parent if done.written else None
    say(console, N_("{count} draft(s) written to {folder}") if folder else N_("{count} draft(s) written"),
         count=len(done.written), folder=str(folder))
    if done.without_address:
        say(console, N_("{count} recipient(s) without an e-mail address (send by post): {ids}"),
             count=len(done.without_address), ids=", ".join(i.id for i in done.without_address))
    for item in done.refused:
        say(errors, N_("NO DRAFT {id}: {state}: {detail}"), id=item.id, state=render(item.state),
             detail=item.explained)
    if done.refused:
        sys.exit(EXIT_INPUT)


@cli.command("send", help=N_("Send each recipient's bundle by e-mail through the campaign's SMTP server, never twice."))
@campaign_option
@out_option
@option("--no-dry-run", "really", is_flag=True, help=N_("Really send (without it: only show what would be sent)."))
@option("--limit", type=click.IntRange(min=1), help=N_("Send at most N messages in this run."))
@option("--only", multiple=True, metavar="ID", help=N_("Send only to these recipients (repeat or comma-separate)."))
@option("--skip", multiple=True, metavar="ID", help=N_("Leave these recipients out (repeat or comma-separate)."))
@option("--rate", type=click.FloatRange(min=0.1), help=N_("Messages per minute at most (default: smtp.rate_per_minute)."))
@option("--resend-changed", is_flag=True, help=N_("Send again to recipients whose bundle changed since it was sent."))
@option("--resend-unconfirmed", is_flag=True,
        help=N_("Send again the messages a stopped run handed to the server without its confirmation."))
def send_command(campaign_path: Path, out: Path | None, really: bool, limit: int | None, only: Sequence[str],
                 skip: Sequence[str], rate: float | None, resend_changed: bool, resend_unconfirmed: bool) -> None:
    from wir_letters.outputs.mail.send import SendOptions, choose
    from wir_letters.outputs.mail.server import smtp_password

    campaign, items = _plan(campaign_path, out)
    smtp = _smtp(campaign)
    options = SendOptions(split_ids(only), split_ids(skip), limit, resend_changed, resend_unconfirmed)
    choice = choose(items, options)
    per_minute = rate or smtp.rate_per_minute
    password = smtp_password(smtp) if really and choice.to_send else None  # before saying "Sending …"
    _show_choice(choice, really, render(N_("{host}:{port} ({security}), at most {rate} per minute"),
                                        {"host": smtp.host, "port": smtp.effective_port, "security": smtp.security,
                                         "rate": f"{per_minute:g}"}))
    if really and choice.to_send:
        _send(campaign, out, choice, per_minute, password,
              lambda sent: _resume_command(campaign_path, out, options, rate, sent))
    if choice.held_back:
        sys.exit(EXIT_INPUT)


def _smtp(campaign: Campaign) -> SmtpSettings:
    from wir_letters.errors import InputError, Problem

    if campaign.smtp is None:
        raise InputError(Problem(str(campaign.source), N_("the campaign has no smtp: section"), field="smtp",
                                 fix=N_("add smtp: with host:, port:, security: and user: (see the README)"),
                                 code="mail.no_smtp_section"))
    return campaign.smtp


def _show_choice(choice: Choice, really: bool, server: str) -> None:
    """What this run sends and what it leaves out, and why."""
    from wir_letters.outputs.mail.plan import MailState, megabytes

    say(console, N_("Sending {count} message(s) through {server}:") if really else
         N_("Dry run: nothing is sent. Would send {count} message(s) through {server}:"),
         count=len(choice.to_send), server=server)
    for item in choice.to_send:
        console.print(f"  {item.id} -> {', '.join(item.addresses)} ({megabytes(item.size)}"
                      + (f"; {render(item.state)}" if item.state != MailState.NOT_SENT else "") + ")", markup=False)
    if choice.already_sent:
        say(console, N_("already sent, not sent again: {count}"), count=len(choice.already_sent))
    if choice.without_address:
        say(console, N_("no e-mail address (send by post): {ids}"), ids=", ".join(i.id for i in choice.without_address))
    if choice.over_limit:
        say(console, N_("left for the next run (--limit): {count}"), count=len(choice.over_limit))
    for item in choice.held_back:
        say(errors, N_("NOT SENT {id}: {state}: {detail}"), id=item.id, state=render(item.state),
             detail=item.explained + _hint(item.state))
    if not really and choice.to_send:
        say(console, N_("Add --no-dry-run to send them."))


def _hint(state: str) -> str:
    from wir_letters.outputs.mail.plan import MailState

    return render(N_("; add --resend-changed to send the new bundle")) if state == MailState.CHANGED else ""


def _send(campaign: Campaign, out: Path | None, choice: Choice, per_minute: float, password: str | None,
          resume: Callable[[int], str]) -> None:
    """Send the chosen messages; on a stop, say how many went out and how to go on."""
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.files import exclusive_lock
    from wir_letters.outputs.mail.drafts import prepare_texts
    from wir_letters.outputs.mail.ledger import SENT_LOG, SentLog
    from wir_letters.outputs.mail.plan import mail_folder
    from wir_letters.outputs.mail.send import Pace, SendStopped, send_messages

    texts = prepare_texts(campaign, choice.to_send)
    log = mail_folder(campaign, out) / SENT_LOG
    try:
        with exclusive_lock(OutputLayout.of(campaign, out).lock):
            sent = send_messages(campaign, choice.to_send, texts, SentLog(log), password, Pace(per_minute),
                                 _said_sent)
    except BlockingIOError:
        say(errors, N_("{folder}: a build or another send is using this output folder; wait for it to finish"),
             folder=str(log.parent.parent))
        sys.exit(EXIT_ENVIRONMENT)
    except SendStopped as stop:
        say(errors, N_("Stopped after {sent} of {count} message(s): {reason}"), sent=stop.sent,
             count=len(choice.to_send), reason=str(stop))
        say(errors, N_("Resume with:\n  {command}"), command=resume(stop.sent))
        say(errors, N_("(look in the mailbox whether it arrived; if not, add --resend-unconfirmed)")
             if stop.unconfirmed else N_("(to leave {id} out for now, add --skip {id})"), id=stop.item.id)
        sys.exit(stop.exit_code)
    say(console, N_("{count} message(s) sent; recorded in {log}"), count=sent, log=str(log))


def _said_sent(item: MailItem, record: SentRecord | None) -> None:
    """One line per message the server took; a warning when it refused some of its addresses."""
    if record is None:
        say(errors, N_("NOT SENT {id}: another run sent or tried it since this one began; run send again to see "
                       "its state"), id=item.id)
        return
    say(console, N_("sent {id} -> {addresses}"), id=item.id, addresses=", ".join(record.addresses))
    if record.error:
        say(errors, N_("warning: {id}: the server took the message but refused: {refused}; the others got it, "
                       "so it counts as sent: reach the refused address another way"), id=item.id,
            refused=record.error)


def _resume_command(campaign_path: Path, out: Path | None, options: SendOptions, rate: float | None,
                    sent: int) -> str:
    """The command that goes on where a run stopped after ``sent`` messages (the sent log skips what
    went out; a ``--limit`` keeps what is left of it)."""
    words = ["wir-letters", "send", "-c", str(campaign_path)] + (["--out", str(out)] if out else []) + ["--no-dry-run"]
    words += [f"--only={i}" for i in options.only] + [f"--skip={i}" for i in options.skip]
    words += ["--resend-changed"] * options.resend_changed + ["--resend-unconfirmed"] * options.resend_unconfirmed
    words += ["--limit", str(options.limit - sent)] if options.limit else []
    return shlex.join(words + (["--rate", f"{rate:g}"] if rate else []))
