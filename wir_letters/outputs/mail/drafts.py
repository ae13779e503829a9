"""``wir-letters mail``: one draft ``OUT/_mail/<id>.eml`` per recipient with an address and a current bundle.

The drafts open in Outlook (ready to send) and Thunderbird. A recipient that cannot get one
(no address, no current bundle, a bundle over the size limit) has no draft: an older one is
deleted, so no stale draft is sent by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wir_letters.documents.mail_text import MailTemplates, MailText
from wir_letters.files import write_atomic
from wir_letters.inputs.campaign import Campaign
from wir_letters.outputs.mail.message import attachment_name, compose
from wir_letters.outputs.mail.plan import MailItem, MailState, mail_folder

__all__ = ["Drafts", "prepare_texts", "write_drafts"]


@dataclass
class Drafts:
    """What ``write_drafts`` did: the drafts written, and the recipients without one."""

    written: list[Path] = field(default_factory=list)
    without_address: list[MailItem] = field(default_factory=list)
    refused: list[MailItem] = field(default_factory=list)  # no current bundle, or too large


def prepare_texts(campaign: Campaign, items: Sequence[MailItem]) -> dict[str, MailText]:
    """Fill the subject and bodies for every item first, so a template error stops before anything is written.

    Raises:
        TemplateError: a mail template cannot be read, parsed or filled (naming file and recipient).
    """
    templates = MailTemplates.load(campaign)
    return {item.id: templates.render(item.recipient) for item in items}


def write_drafts(campaign: Campaign, items: Sequence[MailItem], out: Path | None = None) -> Drafts:
    """Write the drafts of ``items`` that can have one; delete those of the others.

    Raises:
        TemplateError: see ``prepare_texts``; nothing is written then.
    """
    folder = mail_folder(campaign, out)
    ready = [item for item in items if item.sendable]
    texts = prepare_texts(campaign, ready)
    done = Drafts()
    for item in items:
        target = folder / f"{item.id}.eml"
        if item.sendable and item.bundle is not None:
            write_atomic(target, draft_bytes(campaign, item, texts[item.id]))
            done.written.append(target)
            continue
        (done.without_address if item.state == MailState.NO_ADDRESS else done.refused).append(item)
    for stale in set(folder.glob("*.eml")) - set(done.written):  # no draft now: no address, bundle, or row
        stale.unlink(missing_ok=True)
    return done


def draft_bytes(campaign: Campaign, item: MailItem, text: MailText) -> bytes:
    """The draft of ``item`` as an .eml file."""
    assert item.bundle is not None
    bundle = item.bundle.read_bytes()
    message = compose(campaign, item.recipient, text, bundle, attachment_name(campaign, item.recipient,
                                                                             item.bundle.name), draft=True)
    return message.as_bytes()
