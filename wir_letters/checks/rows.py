"""Problems of single recipients: an address too long for the window, a rule that fails on a row."""

from __future__ import annotations

import math

import jinja2

from wir_letters.documents import german
from wir_letters.errors import Problem
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient


def rule_problem(campaign: Campaign, recipient: Recipient, err: jinja2.TemplateError) -> Problem:
    """Describe a ``when`` rule that failed for a recipient."""
    return Problem(str(campaign.source), f"a 'when' or 'conditions' rule failed: {err}",
                   where=f"recipient {recipient.id}", field="when", recipient=recipient.id,
                   fix="use recipient columns and Jinja syntax, e.g. kind != \"landkreis\"")


def address_problem(campaign: Campaign, recipient: Recipient) -> Problem | None:
    """Return a problem when the address has more lines than the DIN 5008 address zone holds."""
    lines = german.address_lines(recipient.fields, campaign.letter_rules)
    printed = sum(max(1, math.ceil(len(line) / german.ADDRESS_LINE_CHARS)) for line in lines)
    if printed <= german.MAX_ADDRESS_LINES:
        return None
    wrapped = f" ({printed} once long lines wrap)" if printed > len(lines) else ""
    return Problem(str(recipient.source), f"the address has {len(lines)} lines{wrapped}, the DIN 5008 address "
                   f"field holds {german.MAX_ADDRESS_LINES}: {' / '.join(line[:60] for line in lines)}",
                   where=f"{recipient.place}",
                   field="address", fix="shorten it: drop the department or the contact line",
                   recipient=recipient.id)
