"""What to build for whom: the documents each recipient gets, their output paths and context."""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import german
from .campaign import Campaign, Document
from .errors import Problem
from .recipients import Recipient
from .render import LOCALE_KEY, as_row, when_applies

CONTEXT_NAMES = ("recipient", "sender", "campaign", "document", "address_lines", "salutation", "enclosures",
                 "conditions")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


@dataclass(frozen=True)
class DocumentPlan:
    document: Document
    docx: Path
    pdf: Path


@dataclass(frozen=True)
class RecipientPlan:
    """One recipient's outputs: the documents it gets (in campaign order) and its bundle."""

    recipient: Recipient
    documents: tuple[DocumentPlan, ...]
    bundle: Path

    @property
    def folder(self) -> Path:
        return self.documents[0].docx.parent if self.documents else self.bundle.parent / self.recipient.id


def plan_recipient(campaign: Campaign, recipient: Recipient, out: Path) -> RecipientPlan:
    """Select the recipient's documents by their ``when`` rules and name every output file.

    Raises:
        jinja2.TemplateError: when a ``when`` or ``conditions`` rule fails for this recipient
            (``rule_problem`` describes it; only that recipient fails).
        KeyError: when the bundle name pattern names an unknown column.
    """
    folder = out / recipient.id
    for rule in campaign.conditions.values():
        when_applies(rule, recipient.fields)  # fail at planning time, not in the middle of rendering
    documents = tuple(
        DocumentPlan(doc, folder / f"{doc.id}.docx", folder / f"{doc.id}.pdf")
        for doc in campaign.documents
        if when_applies(doc.when, recipient.fields)
    )
    bundle = out / bundle_name(campaign, recipient)
    if bundle.parent != out or folder.parent != out:  # cannot happen with safe names; never write elsewhere
        raise ValueError(f"output path outside {out}: {bundle}")
    return RecipientPlan(recipient, documents, bundle)


def rule_problem(campaign: Campaign, recipient: Recipient, err: jinja2.TemplateError) -> Problem:
    """Describe a ``when`` rule that failed for a recipient."""
    return Problem(str(campaign.source), f"a 'when' or 'conditions' rule failed: {err}",
                   where=f"recipient {recipient.id}", field="when", recipient=recipient.id,
                   fix="use recipient columns and Jinja syntax, e.g. kind != \"landkreis\"")


def bundle_name(campaign: Campaign, recipient: Recipient) -> str:
    """Fill the bundle name pattern and make it a safe, transliterated file name.

    Raises:
        KeyError: when the pattern names a column the recipient list lacks.
    """
    name = campaign.output.bundle_name.format_map(recipient.fields)
    return safe_file_name(name)


def bundle_pattern_problem(campaign: Campaign, columns: set[str] | None) -> Problem | None:
    """Return why ``output.bundle_name`` cannot name a bundle, or None.

    The pattern must give one file name ending in ``.pdf`` inside the output folder (no ``/``,
    ``\\`` or ``..``) and may only use ``{column}`` fields of the recipient list.
    """
    pattern = campaign.output.bundle_name
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as err:
        return _pattern_problem(campaign, f"{pattern!r} is not a valid pattern: {err}")
    literal = "".join(text for text, _, _, _ in parts)
    fields = [(name, spec, conversion) for _, name, spec, conversion in parts if name is not None]
    if "/" in literal or "\\" in literal or ".." in literal:
        return _pattern_problem(campaign, f"{pattern!r} is a path; it must be a file name in the output folder")
    if not pattern.lower().endswith(".pdf"):
        return _pattern_problem(campaign, f"{pattern!r} does not end in .pdf")
    for name, spec, conversion in fields:
        if not re.fullmatch(r"[^.\[\]{}!:]+", name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return _pattern_problem(campaign, f"{shown} is not allowed; use plain {{column}} fields")
        if columns is not None and name not in columns:
            return _pattern_problem(campaign, f"{{{name}}} is not a column of the recipient list")
    return None


def _pattern_problem(campaign: Campaign, message: str) -> Problem:
    return Problem(str(campaign.source), message, field="output.bundle_name",
                   fix='write a file name with columns of the recipient list, e.g. "{id}.pdf" or "{id}-{city}.pdf"')


_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\.|$)", re.IGNORECASE)  # Windows device names


def safe_file_name(name: str) -> str:
    """Return ``name`` as one safe path component: NFC, umlauts transliterated (ä → ae, ß → ss),
    no separators, no leading dots, no control characters, no Windows device names."""
    name = unicodedata.normalize("NFC", name).translate(_TRANSLIT)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", name)
    name = re.sub(r"(^|_)\.+(?=_|$)", r"\1", name)  # drop "." and ".." segments of a path
    name = re.sub(r"_+", "_", name).strip(" .")[:200]
    if _RESERVED.match(name):
        name = f"_{name}"
    return name or "_"


def bare_columns(columns: Sequence[str] | set[str] | frozenset[str]) -> set[str]:
    """The columns a template may also read by their bare name (``{{ city }}``): those that are
    names in Jinja and do not clash with a context name."""
    return {c for c in columns if c.isidentifier() and c not in CONTEXT_NAMES and not c.startswith("_")}


def make_context(campaign: Campaign, plan: RecipientPlan, document: DocumentPlan) -> dict[str, Any]:
    """Return the template context for one document of one recipient.

    Columns are ``recipient.<column>``, and also bare names where they do not clash with
    the context names (as docxtpl users write them).
    """
    fields = plan.recipient.fields
    row = as_row(fields)
    titles = [d.document.title for d in plan.documents] + [a.title for a in campaign.attachments]
    return {
        **{name: row[name] for name in bare_columns(set(fields))},
        LOCALE_KEY: campaign.locale,
        "recipient": row,
        "sender": campaign.sender.model_dump(),
        "campaign": {"title": campaign.title, "date": campaign.date},
        "document": {"id": document.document.id, "title": document.document.title},
        "address_lines": german.address_lines(fields, campaign.letter_rules),
        "salutation": german.salutation(fields, campaign.letter_rules),
        "enclosures": [t for t in titles if t != document.document.title],
        "conditions": {name: when_applies(rule, fields) for name, rule in campaign.conditions.items()},
    }


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


def select(recipients: Sequence[Recipient], only: Sequence[str] | None) -> list[Recipient]:
    """Return the recipients named in ``only`` (all when empty), in list order.

    Raises:
        KeyError: naming the ids that are not in the list.
    """
    if not only:
        return list(recipients)
    unknown = sorted(set(only) - {r.id for r in recipients})
    if unknown:
        raise KeyError(", ".join(unknown))
    return [r for r in recipients if r.id in set(only)]
