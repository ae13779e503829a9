"""One recipient's cover e-mail as a MIME message, with the bundle attached under a readable name.

Built with Python's ``email`` package and ``policy.SMTP``: umlauts in names and subject become
RFC 2047 encoded words, the attachment's file name in RFC 2231 form (continued over several
parameters when long), as Outlook since 2007 and Thunderbird read it. A draft carries ``X-Unsent: 1``,
so Outlook opens it ready to send, and has no date or message id of its own (the mail program
adds them); its MIME boundaries come from the content, so a draft of the same bundle is the
same file.
"""

from __future__ import annotations

import hashlib
import unicodedata
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from wir_letters.documents.mail_text import MailText, reply_address, sender_address
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient, split_addresses

_UNSAFE_IN_NAMES = dict.fromkeys(map(ord, '/\\:*?"<>|'), "_")


def attachment_name(campaign: Campaign, recipient: Recipient, bundle_file: str) -> str:
    """The bundle's file name in the e-mail: ``mail.attachment_name`` filled (umlauts kept),
    else the bundle's own file name."""
    pattern = campaign.mail.attachment_name if campaign.mail else None
    if not pattern:
        return bundle_file
    name = unicodedata.normalize("NFC", pattern.format_map(recipient.fields))
    name = "".join(c for c in name if c.isprintable()).translate(_UNSAFE_IN_NAMES)
    return " ".join(name.split()).strip(" .") or bundle_file


def compose(campaign: Campaign, recipient: Recipient, text: MailText, bundle: bytes, file_name: str, *,
            draft: bool, sent_at: object = None) -> EmailMessage:
    """The message for ``recipient``: headers, text (and HTML) body, the bundle as a PDF attachment.

    Args:
        text: the filled subject and bodies.
        bundle: the bundle's bytes. file_name: its name in the e-mail.
        draft: a draft for a mail program (``X-Unsent``), else a message to send now.
        sent_at: the ``Date`` of a message to send (a ``datetime``); ignored for drafts.
    """
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender_address(campaign)
    message["To"] = ", ".join(split_addresses(str(recipient.fields.get("email", ""))))
    if reply := reply_address(campaign):
        message["Reply-To"] = reply
    message["Subject"] = text.subject
    if draft:
        message["X-Unsent"] = "1"
    else:
        message["Date"] = format_datetime(sent_at)  # type: ignore[arg-type]
        message["Message-ID"] = make_msgid("wir-letters", domain=_domain(campaign))
    message.set_content(text.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if text.html is not None:
        message.add_alternative(text.html, subtype="html", charset="utf-8", cte="quoted-printable")
    message.add_attachment(bundle, maintype="application", subtype="pdf", filename=file_name)
    if draft:
        _stable_boundaries(message, bundle, text)
    return message


def _domain(campaign: Campaign) -> str:
    address = campaign.sender.email or (campaign.mail.sender if campaign.mail and campaign.mail.sender else "")
    return address.rpartition("@")[2].strip("> ") or "localhost"


def _stable_boundaries(message: EmailMessage, bundle: bytes, text: MailText) -> None:
    """Derive each MIME boundary from the content, so the same draft is the same bytes."""
    digest = hashlib.sha256(bundle + text.subject.encode() + text.text.encode() + (text.html or "").encode())
    for depth, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_wir-letters_{depth}_{digest.hexdigest()[:32]}")
