"""Which recipient's e-mail can go out, and why the others cannot: the state of each recipient.

A recipient gets an e-mail when it has an address and a complete, current bundle (what
``status`` calls up to date) no larger than ``mail.max_attachment_mb``. The sent log says
whether that bundle was sent already, or a different one was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from wir_letters.builder.assess import assess_all
from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.manifest import Manifest
from wir_letters.builder.status import State, Status
from wir_letters.i18n import N_, render
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.mail_settings import message_bytes
from wir_letters.inputs.recipients import Recipient, split_addresses
from wir_letters.outputs.mail.ledger import SENT_LOG, Delivery, SentLog, SentRecord

MAIL_DIR = "_mail"  # inside the output folder


class MailState(StrEnum):
    """A recipient's e-mail state; the value is the English text ``status`` and ``send`` print translated."""

    NOT_SENT = N_("not sent")
    SENT = N_("sent")
    CHANGED = N_("changed since sent")
    UNCONFIRMED = N_("not confirmed")
    NO_ADDRESS = N_("no e-mail address")
    NO_BUNDLE = N_("no current bundle")
    TOO_LARGE = N_("bundle too large")


@dataclass(frozen=True)
class MailItem:
    """One recipient: addresses, current bundle (with its SHA-256 and size), state, and the last record."""

    recipient: Recipient
    addresses: tuple[str, ...]
    state: MailState
    detail: str = ""  # an English template, filled from ``params``: see ``explained``
    bundle: Path | None = None
    sha256: str = ""
    size: int = 0
    last: SentRecord | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def explained(self) -> str:
        """``detail`` in the chosen language ("" without one)."""
        return render(self.detail, self.params) if self.detail else ""

    @property
    def id(self) -> str:
        """The recipient's id."""
        return self.recipient.id

    @property
    def sendable(self) -> bool:
        """Whether a draft can be written: an address and a current bundle within the size limit."""
        return self.state in (MailState.NOT_SENT, MailState.SENT, MailState.CHANGED, MailState.UNCONFIRMED)


def mail_folder(campaign: Campaign, out: Path | None = None) -> Path:
    """``OUT/_mail/``: the drafts and the sent log."""
    return OutputLayout.of(campaign, out).out / MAIL_DIR


def plan_mail(campaign: Campaign, listed: Sequence[Recipient], out: Path | None = None,
              statuses: Sequence[Status] | None = None) -> list[MailItem]:
    """Return the e-mail state of every recipient of ``listed``, in list order.

    Args:
        statuses: the recipients' build statuses when the caller has them (else assessed here).
    """
    layout = OutputLayout.of(campaign, out)
    if statuses is None:
        statuses = assess_all(campaign, listed, layout.out)[0]
    by_id: dict[str, Status] = {s.id: s for s in statuses}
    manifest = Manifest.load(layout.manifest)
    log = SentLog(layout.out / MAIL_DIR / SENT_LOG)
    limit = campaign.mail.max_attachment_bytes if campaign.mail else None
    return [_item(r, by_id.get(r.id), manifest, layout, log, limit) for r in listed]


def _item(recipient: Recipient, status: Status | None, manifest: Manifest, layout: OutputLayout, log: SentLog,
          limit: int | None) -> MailItem:
    addresses = tuple(split_addresses(str(recipient.fields.get("email", ""))))
    last = log.last(recipient.id)
    if not addresses:
        return MailItem(recipient, addresses, MailState.NO_ADDRESS, last=last)
    entry = manifest.get(recipient.id)
    if status is None or status.state != State.UP_TO_DATE or entry is None or entry.bundle is None:
        why = "; ".join(r.text for r in status.reasons) if status and status.reasons else render(N_("not built"))
        return MailItem(recipient, addresses, MailState.NO_BUNDLE, N_("{why}: run wir-letters build first"), last=last,
                        params={"why": why})
    bundle = layout.out / entry.bundle
    size, sha256 = bundle.stat().st_size, entry.files[entry.bundle]  # up to date: the file has this hash
    if limit is not None and message_bytes(size) > limit:
        state, detail = MailState.TOO_LARGE, N_("the e-mail would be about {message} (the bundle {size}, encoded for "
                                                "e-mail), over the limit of {limit} (mail.max_attachment_mb); send it "
                                                "another way, or raise the limit if the receiving server allows it")
        params: dict[str, Any] = {"message": megabytes(message_bytes(size)), "size": megabytes(size),
                                  "limit": megabytes(limit)}
    else:
        state, detail, params = _sent_state(last, sha256)
    return MailItem(recipient, addresses, state, detail, bundle, sha256, size, last, params)


def _sent_state(last: SentRecord | None, sha256: str) -> tuple[MailState, str, dict[str, Any]]:
    """The state the sent log gives a current bundle, with its explanation (template, params)."""
    if last is None:
        return MailState.NOT_SENT, "", {}
    params: dict[str, Any] = {"when": last.when, "addresses": ", ".join(last.addresses), "error": last.error,
                              "message_id": last.message_id}
    if last.state == Delivery.FAILED:
        return MailState.NOT_SENT, N_("last attempt failed: {error}"), params
    if last.state == Delivery.SENDING:
        return MailState.UNCONFIRMED, N_("handed to the server {when} for {addresses}, but the run ended before the "
                                         "server confirmed it (message id {message_id}); look in the mailbox, then "
                                         "send it with --resend-unconfirmed if it did not arrive"), params
    if last.bundle_sha256 != sha256:
        return MailState.CHANGED, N_("sent {when} to {addresses}; the bundle changed since"), params
    return MailState.SENT, N_("sent {when} to {addresses}"), params


def megabytes(size: int) -> str:
    """A size as people read it: ``1.2 MB``."""
    return f"{size / 1_000_000:.1f} MB"


def counts(items: Sequence[MailItem]) -> str:
    """``3 sent, 1 not sent, 29 no e-mail address``: how many recipients are in each state."""
    order = list(MailState)
    found = {state: sum(1 for i in items if i.state == state) for state in order}
    return ", ".join(f"{n} {render(state)}" for state, n in found.items() if n)
