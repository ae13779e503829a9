"""File names from recipient data: the bundle name pattern, filled and made safe."""

from __future__ import annotations

import re
import string
import unicodedata

from typing import Any

from wir_letters.errors import Problem
from wir_letters.i18n import N_
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.recipients import Recipient

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


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
        return _pattern_problem(campaign, N_("{pattern!r} is not a valid pattern: {error}"), "invalid",
                                pattern=pattern, error=str(err))
    literal = "".join(text for text, _, _, _ in parts)
    fields = [(name, spec, conversion) for _, name, spec, conversion in parts if name is not None]
    if "/" in literal or "\\" in literal or ".." in literal:
        return _pattern_problem(campaign, N_("{pattern!r} is a path; it must be a file name in the output folder"),
                                "path", pattern=pattern)
    if not pattern.lower().endswith(".pdf"):
        return _pattern_problem(campaign, N_("{pattern!r} does not end in .pdf"), "not_pdf", pattern=pattern)
    for name, spec, conversion in fields:
        if not re.fullmatch(r"[^.\[\]{}!:]+", name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return _pattern_problem(campaign, N_("{field} is not allowed; use plain {{column}} fields"), "field",
                                    field=shown)
        if columns is not None and name not in columns:
            return _pattern_problem(campaign, N_("{{{column}}} is not a column of the recipient list"),
                                    "unknown_column", column=name)
    return None


def _pattern_problem(campaign: Campaign, message: str, code: str, **params: Any) -> Problem:
    return Problem(str(campaign.source), message, field="output.bundle_name",
                   fix=N_('write a file name with columns of the recipient list, e.g. "{{id}}.pdf" or '
                          '"{{id}}-{{city}}.pdf"'), code=f"bundle_name.{code}", params=params)


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
