"""The e-mail commands: ``mail`` writes drafts, ``send`` sends (a dry run unless told otherwise).

Heavy modules are imported inside the commands, so ``wir-letters --help`` stays quick.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wir_letters.cli.app import EXIT_ENVIRONMENT, EXIT_INPUT, campaign_option, cli, console, errors, out_option

if TYPE_CHECKING:
    from wir_letters.inputs.campaign import Campaign
    from wir_letters.builder.status import Status
    from wir_letters.inputs.mail_settings import SmtpSettings
    from wir_letters.inputs.recipients import Recipient
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
        raise InputError(Problem(str(campaign.source), "the campaign has no mail: section", field="mail",
                                 fix="add mail: {subject: \"...\", body: templates/mail.txt.j2} (see the README)"))
    listed = read_recipients(campaign.recipients, campaign.schema)
    problems = [p for p in mail_problems(campaign, listed) if p.severity == "error"]
    if problems:
        raise InputError(problems)
    return campaign, plan_mail(campaign, listed.recipients, out)


def print_mail_status(campaign: Campaign, listed: Sequence[Recipient], out: Path | None,
                      statuses: Sequence[Status]) -> None:
    """``status``: each recipient's e-mail state (sent, not sent, changed since sent …) and the counts."""
    from wir_letters.outputs.mail.plan import MailState, counts, plan_mail

    items = plan_mail(campaign, listed, out, statuses)
    console.print("e-mail:", markup=False)
    for item in items:
        if item.state != MailState.NO_ADDRESS:
            console.print(f"  {item.id}: {item.state}" + (f" ({item.detail})" if item.detail else ""), markup=False)
    unaddressed = [item.id for item in items if item.state == MailState.NO_ADDRESS]
    if unaddressed:
        console.print(f"  {MailState.NO_ADDRESS} (by post): {', '.join(unaddressed)}", markup=False)
    console.print(f"e-mail: {counts(items)}", markup=False)


@cli.command("mail")
@campaign_option
@out_option
def mail_command(campaign_path: Path, out: Path | None) -> None:
    """Write one e-mail draft (.eml, with the bundle attached) per recipient into OUT/_mail/."""
    from wir_letters.outputs.mail.drafts import write_drafts

    campaign, items = _plan(campaign_path, out)
    done = write_drafts(campaign, items, out)
    folder = done.written[0].parent if done.written else None
    console.print(f"{len(done.written)} draft(s) written" + (f" to {folder}" if folder else ""), markup=False)
    if done.without_address:
        console.print(f"{len(done.without_address)} recipient(s) without an e-mail address (send by post): "
                      + ", ".join(i.id for i in done.without_address), markup=False)
    for item in done.refused:
        errors.print(f"NO DRAFT {item.id}: {item.state}: {item.detail}", markup=False)
    if done.refused:
        sys.exit(EXIT_INPUT)


@cli.command("send")
@campaign_option
@out_option
@click.option("--no-dry-run", "really", is_flag=True, help="Really send (without it: only show what would be sent).")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N messages in this run.")
@click.option("--only", multiple=True, metavar="ID", help="Send only to these recipients (repeat or comma-separate).")
@click.option("--skip", multiple=True, metavar="ID", help="Leave these recipients out (repeat or comma-separate).")
@click.option("--rate", type=click.FloatRange(min=0.1), help="Messages per minute at most (default: smtp.rate_per_minute).")
@click.option("--resend-changed", is_flag=True, help="Send again to recipients whose bundle changed since it was sent.")
@click.option("--resend-unconfirmed", is_flag=True,
              help="Send again the messages a stopped run handed to the server without its confirmation.")
def send_command(campaign_path: Path, out: Path | None, really: bool, limit: int | None, only: Sequence[str],
                 skip: Sequence[str], rate: float | None, resend_changed: bool, resend_unconfirmed: bool) -> None:
    """Send each recipient's bundle by e-mail through the campaign's SMTP server, never twice."""
    from wir_letters.outputs.mail.send import SendOptions, choose

    campaign, items = _plan(campaign_path, out)
    smtp = _smtp(campaign)
    options = SendOptions(_ids(only), _ids(skip), limit, resend_changed, resend_unconfirmed)
    choice = choose(items, options)
    per_minute = rate or smtp.rate_per_minute
    _show_choice(choice, really, f"{smtp.host}:{smtp.effective_port} ({smtp.security}), at most {per_minute:g} "
                 "per minute")
    if really and choice.to_send:
        _send(campaign, out, choice, per_minute, _resume_command(campaign_path, out, options, rate))
    if choice.held_back:
        sys.exit(EXIT_INPUT)


def _smtp(campaign: Campaign) -> SmtpSettings:
    from wir_letters.errors import InputError, Problem

    if campaign.smtp is None:
        raise InputError(Problem(str(campaign.source), "the campaign has no smtp: section", field="smtp",
                                 fix="add smtp: {host: mail.example.de, port: 587, security: starttls, user: NAME}"))
    return campaign.smtp


def _ids(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(i.strip() for value in values for i in value.split(",") if i.strip())


def _show_choice(choice: Choice, really: bool, server: str) -> None:
    """What this run sends and what it leaves out, and why."""
    verb = "Sending" if really else "Dry run: nothing is sent. Would send"
    console.print(f"{verb} {len(choice.to_send)} message(s) through {server}:", markup=False)
    for item in choice.to_send:
        console.print(f"  {item.id} -> {', '.join(item.addresses)} ({item.size / 1e6:.1f} MB"
                      + (f"; {item.state}" if item.state != "not sent" else "") + ")", markup=False)
    if choice.already_sent:
        console.print(f"already sent, not sent again: {len(choice.already_sent)}", markup=False)
    if choice.without_address:
        console.print(f"no e-mail address (send by post): {', '.join(i.id for i in choice.without_address)}",
                      markup=False)
    if choice.over_limit:
        console.print(f"left for the next run (--limit): {len(choice.over_limit)}", markup=False)
    for item in choice.held_back:
        errors.print(f"NOT SENT {item.id}: {item.state}: {item.detail}" + _hint(item.state), markup=False)
    if not really and choice.to_send:
        console.print("Add --no-dry-run to send them.", markup=False)


def _hint(state: str) -> str:
    return {"changed since sent": "; add --resend-changed to send the new bundle"}.get(state, "")


def _send(campaign: Campaign, out: Path | None, choice: Choice, per_minute: float, resume: str) -> None:
    """Send the chosen messages; on a stop, say how many went out and how to go on."""
    from wir_letters.builder.layout import OutputLayout
    from wir_letters.files import exclusive_lock
    from wir_letters.outputs.mail.drafts import prepare_texts
    from wir_letters.outputs.mail.ledger import SENT_LOG, SentLog
    from wir_letters.outputs.mail.plan import mail_folder
    from wir_letters.outputs.mail.send import Pace, SendStopped, send_messages
    from wir_letters.outputs.mail.server import smtp_password

    assert campaign.smtp is not None
    texts = prepare_texts(campaign, choice.to_send)
    password = smtp_password(campaign.smtp)
    log = mail_folder(campaign, out) / SENT_LOG
    try:
        with exclusive_lock(OutputLayout.of(campaign, out).lock):
            sent = send_messages(campaign, choice.to_send, texts, SentLog(log), password, Pace(per_minute),
                                 lambda item, record: console.print(
                                     f"sent {item.id} -> {', '.join(record.addresses)}", markup=False))
    except BlockingIOError:
        errors.print(f"{log.parent.parent}: a build or another send is using this output folder; wait for it "
                     "to finish", markup=False)
        sys.exit(EXIT_ENVIRONMENT)
    except SendStopped as stop:
        errors.print(f"Stopped after {stop.sent} of {len(choice.to_send)} message(s): {stop}", markup=False)
        errors.print(f"Resume with:\n  {resume}", markup=False)
        errors.print("(look in the mailbox whether it arrived; if not, add --resend-unconfirmed)" if stop.unconfirmed
                     else f"(to leave {stop.item.id} out for now, add --skip {stop.item.id})", markup=False)
        sys.exit(stop.exit_code)
    console.print(f"{sent} message(s) sent; recorded in {log}", markup=False)


def _resume_command(campaign_path: Path, out: Path | None, options: SendOptions, rate: float | None) -> str:
    """The command that goes on where this run stops (the sent log skips what went out)."""
    words = ["wir-letters", "send", "-c", str(campaign_path)] + (["--out", str(out)] if out else []) + ["--no-dry-run"]
    words += [f"--only={i}" for i in options.only] + [f"--skip={i}" for i in options.skip]
    words += ["--resend-changed"] * options.resend_changed + ["--resend-unconfirmed"] * options.resend_unconfirmed
    return shlex.join(words + (["--rate", f"{rate:g}"] if rate else []))
