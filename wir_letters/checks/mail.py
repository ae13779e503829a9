"""``check`` for the e-mail: the mail templates fill for every recipient with an address, the sender
and reply addresses are valid, the attachment name uses known columns, and the fixed attachments
alone fit under the size limit."""

from __future__ import annotations

import string
from email.utils import parseaddr

from wir_letters.documents.mail_text import MailTemplates, reply_address, sender_address
from wir_letters.errors import Problem, TemplateError
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.mail_settings import message_bytes
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
            problems += [p for p in err.problems if p not in problems]  # an unknown column once, not per row
    unaddressed = len(listed.recipients) - len(addressed)
    if unaddressed:
        problems.append(Problem(str(listed.source), N_("{unaddressed} of {total} recipients have no e-mail address; "
                                                       "wir-letters mail lists them, they need the letter by post"),
                                field="email", severity="note", code="mail.recipients_without_address",
                                params={"unaddressed": unaddressed, "total": len(listed.recipients)}))
    return problems


def _address_problems(campaign: Campaign) -> list[Problem]:
    source = str(campaign.source)
    found = []
    for key, value, fix in (("mail.from", sender_address(campaign), N_("set sender.email, or mail.from")),
                            ("mail.reply_to", reply_address(campaign), N_("set sender.clerk_email, or mail.reply_to"))):
        address = parseaddr(value)[1]
        if value and not EMAIL.match(address):
            found.append(Problem(source, N_("{value!r} is not a valid e-mail address"), field=key, fix=fix,
                                 code="mail.address_invalid", params={"value": value}))
    return found


def _name_problems(campaign: Campaign, listed: RecipientList) -> list[Problem]:
    pattern = campaign.mail.attachment_name if campaign.mail else None
    if not pattern:
        return []
    fix = N_('use {{column}} fields of the recipient list, e.g. "WIR 2017 – {{name}}.pdf"')
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as err:
        return [Problem(str(campaign.source), N_("{pattern!r} is not a valid pattern: {error}"),
                        field="mail.attachment_name", fix=fix, code="mail.attachment_name_invalid",
                        params={"pattern": pattern, "error": str(err)})]
    unknown = [n for n in names if n not in listed.columns]
    found = [Problem(str(campaign.source), N_("{{{name}}} is not a column of the recipient list"),
                     field="mail.attachment_name", fix=fix, code="mail.attachment_name_unknown_column",
                     params={"name": n}) for n in unknown]
    if not pattern.lower().endswith(".pdf"):
        found.append(Problem(str(campaign.source), N_("{pattern!r} does not end in .pdf"), field="mail.attachment_name",
                             fix=fix, code="mail.attachment_name_not_pdf", params={"pattern": pattern}))
    return found


def _size_problems(campaign: Campaign) -> list[Problem]:
    assert campaign.mail is not None
    limit = campaign.mail.max_attachment_bytes
    fixed = sum(a.file.stat().st_size for a in campaign.attachments)
    if message_bytes(fixed) <= limit:
        return []
    return [Problem(str(campaign.source), N_("with the attachments alone an e-mail is about {size} MB (encoded for "
                                             "e-mail), over the limit of {limit} MB"), field="mail.max_attachment_mb",
                    fix=N_("make the attachments smaller, or raise the limit if every receiving server allows it"),
                    code="mail.attachments_too_large",
                    params={"size": f"{message_bytes(fixed) / 1e6:.1f}", "limit": f"{limit / 1e6:.1f}"})]
