"""``check`` for the e-mail: the mail templates fill for every recipient with an address, the sender
and reply addresses are valid, the attachment name uses known columns, and the fixed attachments
alone fit under the size limit."""

from __future__ import annotations

import string
from email.utils import parseaddr

from wir_letters.documents.mail_text import MailTemplates, reply_address, sender_address
from wir_letters.errors import Problem, TemplateError
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import EMAIL, RecipientList, split_addresses


def mail_problems(campaign: Campaign, listed: RecipientList) -> list[Problem]:
    """Every problem of the ``mail:`` section against ``listed``; none without a ``mail:`` section."""
    if campaign.mail is None:
        return []
    problems = _address_problems(campaign) + _name_problems(campaign, listed) + _size_problems(campaign)
    try:
        templates = MailTemplates.load(campaign)
    except TemplateError as err:
        return problems + err.problems
    addressed = [r for r in listed.recipients if split_addresses(str(r.fields.get("email", "")))]
    for recipient in addressed or listed.recipients[:1]:
        try:
            templates.render(recipient)
        except TemplateError as err:
            problems += err.problems
    unaddressed = len(listed.recipients) - len(addressed)
    if unaddressed:
        problems.append(Problem(str(listed.source), f"{unaddressed} of {len(listed.recipients)} recipients have no "
                                "e-mail address; wir-letters mail lists them, they need the letter by post",
                                field="email", severity="note"))
    return problems


def _address_problems(campaign: Campaign) -> list[Problem]:
    source = str(campaign.source)
    found = []
    for key, value, fix in (("mail.from", sender_address(campaign), "set sender.email, or mail.from"),
                            ("mail.reply_to", reply_address(campaign), "set sender.clerk_email, or mail.reply_to")):
        address = parseaddr(value)[1]
        if value and not EMAIL.match(address):
            found.append(Problem(source, f"{value!r} is not a valid e-mail address", field=key, fix=fix))
    return found


def _name_problems(campaign: Campaign, listed: RecipientList) -> list[Problem]:
    pattern = campaign.mail.attachment_name if campaign.mail else None
    if not pattern:
        return []
    fix = 'use {column} fields of the recipient list, e.g. "WIR 2017 – {name}.pdf"'
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as err:
        return [Problem(str(campaign.source), f"{pattern!r} is not a valid pattern: {err}",
                        field="mail.attachment_name", fix=fix)]
    unknown = [n for n in names if n not in listed.columns]
    found = [Problem(str(campaign.source), f"{{{n}}} is not a column of the recipient list",
                     field="mail.attachment_name", fix=fix) for n in unknown]
    if not pattern.lower().endswith(".pdf"):
        found.append(Problem(str(campaign.source), f"{pattern!r} does not end in .pdf", field="mail.attachment_name",
                             fix=fix))
    return found


def _size_problems(campaign: Campaign) -> list[Problem]:
    assert campaign.mail is not None
    limit = campaign.mail.max_attachment_bytes
    fixed = sum(a.file.stat().st_size for a in campaign.attachments)
    if fixed <= limit:
        return []
    return [Problem(str(campaign.source), f"the attachments alone are {fixed / 1e6:.1f} MB, over the e-mail limit of "
                    f"{limit / 1e6:.1f} MB", field="mail.max_attachment_mb",
                    fix="make the attachments smaller, or raise the limit if every receiving server allows it")]
