"""``wir-letters send``: the chosen e-mails through the campaign's SMTP server, each recorded in the sent log.

Safe by default: ``choose`` leaves out what was sent already, and what changed since it was
sent or may have arrived (unless asked to send those again); ``send_messages`` records each
message as ``sending`` before the server gets it and ``sent`` after, keeps to the rate limit,
and stops at the first refusal or lost connection with the number sent so far.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from email.message import EmailMessage

from wir_letters.documents.mail_text import MailText
from wir_letters.errors import WirLettersError
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.outputs.mail.ledger import Delivery, SentLog, SentRecord, now
from wir_letters.outputs.mail.message import attachment_name, compose
from wir_letters.outputs.mail.plan import MailItem, MailState
from wir_letters.outputs.mail.server import open_connection

__all__ = ["Choice", "SendOptions", "SendStopped", "choose", "send_messages"]


@dataclass(frozen=True)
class SendOptions:
    """Which recipients a send run takes: ``only`` these ids, not those ``skip``ped, at most ``limit``,
    and whether bundles changed since they were sent, or not confirmed by the server, go again."""

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    limit: int | None = None
    resend_changed: bool = False
    resend_unconfirmed: bool = False


@dataclass
class Choice:
    """The messages a run sends, and what it leaves out and why."""

    to_send: list[MailItem] = field(default_factory=list)
    already_sent: list[MailItem] = field(default_factory=list)
    held_back: list[MailItem] = field(default_factory=list)  # changed, unconfirmed, no bundle, too large
    without_address: list[MailItem] = field(default_factory=list)
    over_limit: list[MailItem] = field(default_factory=list)  # left for the next run (--limit)


def choose(items: Sequence[MailItem], options: SendOptions) -> Choice:
    """Sort the recipients of ``items`` (after ``only`` and ``skip``) into what this run sends and why not."""
    choice = Choice()
    again = {MailState.NOT_SENT} | ({MailState.CHANGED} if options.resend_changed else set()) \
        | ({MailState.UNCONFIRMED} if options.resend_unconfirmed else set())
    for item in items:
        if (options.only and item.id not in options.only) or item.id in options.skip:
            continue
        if item.state in again:
            over = options.limit is not None and len(choice.to_send) >= options.limit
            (choice.over_limit if over else choice.to_send).append(item)
        elif item.state == MailState.SENT:
            choice.already_sent.append(item)
        elif item.state == MailState.NO_ADDRESS:
            choice.without_address.append(item)
        else:
            choice.held_back.append(item)
    return choice


class SendStopped(WirLettersError):
    """A send run stopped at ``item`` after ``sent`` messages; ``unconfirmed`` when it may have arrived."""

    def __init__(self, sent: int, item: MailItem, reason: str, exit_code: int, unconfirmed: bool = False,
                 **params: Any) -> None:
        self.sent, self.item, self.unconfirmed = sent, item, unconfirmed
        self.exit_code = exit_code
        super().__init__(reason, code="mail.send_stopped", **params)

    def __str__(self) -> str:
        return f"{self.item.id} ({', '.join(self.item.addresses)}): {super().__str__()}"


@dataclass(frozen=True)
class Pace:
    """At most ``per_minute`` messages a minute; ``sleep`` and ``clock`` are replaceable for tests."""

    per_minute: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


def send_messages(campaign: Campaign, items: Sequence[MailItem], texts: dict[str, MailText], log: SentLog,
                  password: str | None, pace: Pace, on_sent: Callable[[MailItem, SentRecord | None], None]) -> int:
    """Send ``items`` over one SMTP connection; return how many were sent.

    ``log`` is read again under the output folder's lock: an item whose last record changed since
    it was planned (another run sent or tried it meanwhile) is skipped and reported with no record.

    Raises:
        MailServerError: the server cannot be reached, or refuses the login (nothing sent).
        SendStopped: a message was refused or the connection was lost (with the number sent).
    """
    assert campaign.smtp is not None
    sent, started = 0, None
    with open_connection(campaign.smtp, password) as client:
        for item in items:
            if log.last(item.id) != item.last:
                on_sent(item, None)
                continue
            if started is not None:
                pace.sleep(max(0.0, started + 60.0 / pace.per_minute - pace.clock()))
            started = pace.clock()
            record = _send_one(client, campaign, item, texts[item.id], log, sent)
            sent += 1
            on_sent(item, record)
    return sent


def _send_one(client: smtplib.SMTP, campaign: Campaign, item: MailItem, text: MailText, log: SentLog,
              sent: int) -> SentRecord:
    """Record, send and record again one message; raise ``SendStopped`` when it did not go out."""
    message = _message(campaign, item, text, sent)
    record = SentRecord(item.id, list(item.addresses), str(message["Message-ID"]), now(), item.sha256,
                        Delivery.SENDING)
    log.append(record)
    try:
        refused = client.send_message(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
            smtplib.SMTPNotSupportedError) as err:
        log.append(replace(record, state=Delivery.FAILED, time=now(), error=_reason(err)))
        raise SendStopped(sent, item, N_("the server refused the message: {reply}"), 1, reply=_reason(err)) from err
    except (smtplib.SMTPException, OSError) as err:
        raise SendStopped(sent, item, N_("the connection was lost while sending ({reply})"), 3, unconfirmed=True,
                          reply=str(err)) from err
    done = replace(record, state=Delivery.SENT, time=now(), addresses=[a for a in item.addresses if a not in refused],
                   error="; ".join(f"{a}: {_reason(r)}" for a, r in refused.items()))
    log.append(done)
    return done


def _message(campaign: Campaign, item: MailItem, text: MailText, sent: int) -> EmailMessage:
    """The message of ``item``, with the bundle read now and checked against the SHA-256 planned."""
    assert item.bundle is not None
    data = item.bundle.read_bytes()
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise SendStopped(sent, item, N_("{bundle} changed while sending; run wir-letters build, then send again"), 1,
                          bundle=item.bundle.name)
    name = attachment_name(campaign, item.recipient, item.bundle.name)
    return compose(campaign, item.recipient, text, data, name, draft=False, sent_at=dt.datetime.now().astimezone())


def _reason(err: object) -> str:
    """A server's refusal as text: ``550 no such user``."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{a}: {_reason(r)}" for a, r in err.recipients.items())
    if isinstance(err, (smtplib.SMTPResponseException,)):
        return f"{err.smtp_code} {_text(err.smtp_error)}"
    if isinstance(err, tuple) and len(err) == 2:
        return f"{err[0]} {_text(err[1])}"
    return str(err)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
