"""The template context: every name a template reads, built in one place.

``CONTEXT_NAMES`` is derived from the table that builds the values, so the names the
checks know and the names rendering fills cannot drift apart; ``MAPPING_KEYS`` lists the
keys of the context values that are mappings with fixed keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wir_letters.documents import german
from wir_letters.documents.jinja import LOCALE_KEY, as_row
from wir_letters.documents.rules import when_applies
from wir_letters.inputs.campaign import Campaign, Document, Sender

CAMPAIGN_KEYS = ("title", "date")  # {{ campaign.title }}, {{ campaign.date }}
DOCUMENT_KEYS = ("id", "title")  # {{ document.id }}, {{ document.title }}


@dataclass(frozen=True)
class _Inputs:
    """What one document of one recipient is filled from."""

    campaign: Campaign
    fields: Mapping[str, Any]
    row: Any  # the fields as a Row, shared by ``recipient`` and the bare column names
    document: Document
    documents: Sequence[Document]  # every document the recipient gets, in campaign order


def _enclosures(inputs: _Inputs) -> list[str]:
    """The titles of the recipient's other documents and of the attachments."""
    titles = [d.title for d in inputs.documents] + [a.title for a in inputs.campaign.attachments]
    return [t for t in titles if t != inputs.document.title]


_VALUES: dict[str, Callable[[_Inputs], Any]] = {
    "recipient": lambda i: i.row,
    "sender": lambda i: i.campaign.sender.model_dump(),
    "campaign": lambda i: {key: getattr(i.campaign, key) for key in CAMPAIGN_KEYS},
    "document": lambda i: {key: getattr(i.document, key) for key in DOCUMENT_KEYS},
    "address_lines": lambda i: german.address_lines(i.fields, i.campaign.letter_rules),
    "salutation": lambda i: german.salutation(i.fields, i.campaign.letter_rules),
    "enclosures": _enclosures,
    "conditions": lambda i: {name: when_applies(rule, i.fields) for name, rule in i.campaign.conditions.items()},
}

CONTEXT_NAMES = tuple(_VALUES)
"""The names every template context holds (besides the bare column names)."""

MAPPING_KEYS: Mapping[str, frozenset[str]] = {
    "sender": frozenset(Sender.model_fields),
    "campaign": frozenset(CAMPAIGN_KEYS),
    "document": frozenset(DOCUMENT_KEYS),
}
"""The keys of the context values that are mappings with fixed keys (``sender.city`` …)."""


def bare_columns(columns: Sequence[str] | set[str] | frozenset[str]) -> set[str]:
    """The columns a template may also read by their bare name (``{{ city }}``): those that are
    names in Jinja and do not clash with a context name."""
    return {c for c in columns if c.isidentifier() and c not in CONTEXT_NAMES and not c.startswith("_")}


def template_context(campaign: Campaign, fields: Mapping[str, Any], document: Document,
                     documents: Sequence[Document]) -> dict[str, Any]:
    """Return the context one document of one recipient is rendered with.

    Columns are ``recipient.<column>``, and also bare names where they do not clash with
    the context names (as docxtpl users write them); ``LOCALE_KEY`` holds the campaign's locale.

    Args:
        campaign: the campaign.
        fields: the recipient's columns.
        document: the document being filled.
        documents: every document the recipient gets (for ``enclosures``).

    Raises:
        jinja2.TemplateError: when a ``conditions`` rule fails for this recipient.
    """
    row = as_row(fields)
    inputs = _Inputs(campaign, fields, row, document, documents)
    return {
        **{name: row[name] for name in bare_columns(set(fields))},
        LOCALE_KEY: campaign.locale,
        **{name: value(inputs) for name, value in _VALUES.items()},
    }


MAIL_DOCUMENT = Document(id="mail", title="", template=Path("mail"))
"""What ``document`` holds in the cover e-mail's context: it is not one of the documents."""


def mail_context(campaign: Campaign, fields: Mapping[str, Any], documents: Sequence[Document]) -> dict[str, Any]:
    """Return the context of a recipient's cover e-mail: the letters' context, with ``enclosures``
    naming every document and attachment of the bundle."""
    return template_context(campaign, fields, MAIL_DOCUMENT, documents)
