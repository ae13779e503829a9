"""The cover e-mail's words: subject, text body and HTML body rendered for one recipient.

The templates are Jinja, with the letters' context (``salutation``, ``recipient``, ``sender``,
``campaign``, ``enclosures``…); the text body and subject are not escaped, the HTML body is.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from wir_letters.documents.context import mail_context
from wir_letters.documents.jinja import make_env
from wir_letters.documents.rules import when_applies
from wir_letters.errors import Problem, TemplateError
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.mail_settings import MailSettings
from wir_letters.inputs.recipients import Recipient

_TEXT_ENV = make_env(autoescape=False)
_HTML_ENV = make_env(autoescape=True)


@dataclass(frozen=True)
class MailText:
    """One recipient's cover e-mail: subject (one line), text body and optional HTML body."""

    subject: str
    text: str
    html: str | None


@dataclass(frozen=True)
class MailTemplates:
    """The compiled ``mail:`` templates of a campaign."""

    campaign: Campaign
    subject: jinja2.Template
    text: jinja2.Template
    html: jinja2.Template | None

    @classmethod
    def load(cls, campaign: Campaign) -> MailTemplates:
        """Read and compile the campaign's mail templates.

        Raises:
            TemplateError: a template cannot be read or parsed (naming the file, line and fix).
        """
        mail = _settings(campaign)
        source = str(campaign.source)
        subject = _compile(_TEXT_ENV, mail.subject, source, "mail.subject")
        text = _compile(_TEXT_ENV, _read(mail.body, "mail.body", source), str(mail.body), "mail.body")
        html = None if mail.html is None else \
            _compile(_HTML_ENV, _read(mail.html, "mail.html", source), str(mail.html), "mail.html")
        return cls(campaign, subject, text, html)

    def render(self, recipient: Recipient) -> MailText:
        """Fill the templates for ``recipient``.

        Raises:
            TemplateError: a name the context lacks, or a template error (naming the recipient).
        """
        campaign = self.campaign
        documents = [d for d in campaign.documents if when_applies(d.when, recipient.fields)]
        context = mail_context(campaign, recipient.fields, documents)
        mail = _settings(campaign)
        subject = _render(self.subject, context, str(campaign.source), "mail.subject", recipient)
        text = _render(self.text, context, str(mail.body), "mail.body", recipient)
        html = None if self.html is None else _render(self.html, context, str(mail.html), "mail.html", recipient)
        return MailText(" ".join(subject.split()), text, html)


def sender_address(campaign: Campaign) -> str:
    """The From address: ``mail.from``, else the sender's authority and e-mail address."""
    mail, sender = campaign.mail, campaign.sender
    if mail and mail.sender:
        return mail.sender
    return str(Address(display_name=sender.authority, addr_spec=sender.email))


def reply_address(campaign: Campaign) -> str:
    """The Reply-To address: ``mail.reply_to``, else the clerk (Bearbeiter/in), else none."""
    mail, sender = campaign.mail, campaign.sender
    if mail and mail.reply_to:
        return mail.reply_to
    if sender.clerk_email:
        return str(Address(display_name=sender.clerk, addr_spec=sender.clerk_email))
    return ""


def _settings(campaign: Campaign) -> MailSettings:
    if campaign.mail is None:
        raise TemplateError(Problem(str(campaign.source), N_("the campaign has no mail: section"), field="mail",
                                    fix=N_("add mail: {{subject: ..., body: {body}}}"), code="mail.section_missing",
                                    params={"body": "templates/mail.txt.j2"}))
    return campaign.mail


def _read(path: Path, key: str, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise TemplateError(Problem(source, N_("cannot read {path}: {error}"), field=key,
                                    fix=N_("save the template as UTF-8 text"), code="mail.template_unreadable",
                                    params={"path": str(path), "error": str(err)})) from err


def _compile(env: jinja2.Environment, source: str, file: str, key: str) -> jinja2.Template:
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as err:
        where = N_("line {line}") if key != "mail.subject" else ""
        raise TemplateError(Problem(file, N_("template syntax error: {error}"), where, key,
                                    fix=N_("close every {{{{ }}}} and {{% %}} tag"), code="mail.template_syntax_error",
                                    params={"line": err.lineno, "error": err.message})) from err


def _render(template: jinja2.Template, context: dict[str, object], file: str, key: str,
            recipient: Recipient) -> str:
    try:
        return template.render(context)
    except jinja2.UndefinedError as err:
        raise TemplateError(_undefined(err, file, key)) from err
    except jinja2.TemplateError as err:
        raise TemplateError(Problem(file, N_("cannot fill the template: {error}"), N_("recipient {recipient_id}"), key,
                                    fix=N_("use names of the letters' context, e.g. recipient.name or salutation"),
                                    recipient=recipient.id, code="mail.template_error",
                                    params={"error": str(err), "recipient_id": recipient.id})) from err


def _undefined(err: jinja2.UndefinedError, file: str, key: str) -> Problem:
    """A name the template reads that the context lacks, as ``check`` names it for the letters:
    ``recipient.einheit: no such column in the recipient list`` (the same for every recipient)."""
    column = re.search(r"Row object' has no attribute '([^']+)'", str(err))
    if column:
        return Problem(file, N_("no such column in the recipient list"), field=f"recipient.{column.group(1)}",
                       fix=N_("add the column to the recipient list"), code="template.unknown_column")
    name = re.search(r"'([^']+)' is undefined", str(err))
    return Problem(file, N_("no such name in the template context"), field=name.group(1) if name else key,
                   fix=N_("use names of the letters' context, e.g. recipient.name or salutation"),
                   code="mail.unknown_name")


def mail_columns(campaign: Campaign) -> set[str]:
    """The names the mail templates read from the recipient (``recipient.x``, a bare ``x``) and the
    ``{column}`` fields of ``mail.attachment_name``; empty when a template cannot be read or parsed."""
    mail = campaign.mail
    if mail is None:
        return set()
    try:
        sources = [mail.subject] + [p.read_text(encoding="utf-8-sig") for p in (mail.body, mail.html) if p]
        trees = [_TEXT_ENV.parse(source) for source in sources]
        fields = [f for _, f, _, _ in string.Formatter().parse(mail.attachment_name or "") if f]
    except (OSError, UnicodeDecodeError, ValueError, jinja2.TemplateSyntaxError):
        return set()
    names = set(fields)
    for tree in trees:
        names |= meta.find_undeclared_variables(tree)
        names |= {node.attr for node in tree.find_all(nodes.Getattr)
                  if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name)
                  and node.node.name == "recipient"}
    return names
