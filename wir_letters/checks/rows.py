"""Problems of single recipients: an address too long for the window, a rule that fails on a row."""

from __future__ import annotations

import math

import jinja2

from wir_letters.documents import german
from wir_letters.errors import Problem
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient


def rule_problem(campaign: Campaign, recipient: Recipient, err: jinja2.TemplateError) -> Problem:
    """Describe a ``when`` rule that failed for a recipient."""
    return Problem(str(campaign.source), N_("a 'when' or 'conditions' rule failed: {error}"),
                   where=N_("recipient {recipient_id}"), field="when", recipient=recipient.id,
                   fix=N_("use recipient columns and Jinja syntax, e.g. kind != \"landkreis\""), code="rule.failed",
                   params={"error": str(err), "recipient_id": recipient.id})


def address_problem(campaign: Campaign, recipient: Recipient) -> Problem | None:
    """Return a problem when the address has more lines than the DIN 5008 address zone holds."""
    lines = german.address_lines(recipient.fields, campaign.letter_rules)
    printed = sum(max(1, math.ceil(len(line) / german.ADDRESS_LINE_CHARS)) for line in lines)
    if printed <= german.MAX_ADDRESS_LINES:
        return None
    message = N_("the address has {lines} lines ({printed} once long lines wrap), the DIN 5008 address field holds "
                 "{limit}: {address}") if printed > len(lines) else \
        N_("the address has {lines} lines, the DIN 5008 address field holds {limit}: {address}")
    return Problem(str(recipient.source), message, where=N_("row {row} ({id})") if recipient.id else N_("row {row}"),
                   field="address", fix=N_("shorten it: drop the department or the contact line"),
                   recipient=recipient.id, code="recipient.address_too_long",
                   params={"lines": len(lines), "printed": printed, "limit": german.MAX_ADDRESS_LINES,
                           "address": " / ".join(line[:60] for line in lines),
                           "row": recipient.row, "id": recipient.id})
