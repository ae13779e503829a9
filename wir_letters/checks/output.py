"""Checks on what was rendered: no tags left over, no empty salutation, page limits kept."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from wir_letters.documents.parts import STORY_PARTS
from wir_letters.i18n import N_, render

_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:(br|tab|cr)\b[^>]*/>")
_BREAKS = {"br": "\n", "cr": "\n", "tab": "\t"}
_LEFTOVER = re.compile(r"\{\{|\{%|«[^»]{1,60}»")
_EMPTY_SALUTATION = re.compile(r"^\s*(Sehr geehrte[rs]?|Liebe[r]?|Guten Tag|Hallo)(\s+(Frau|Herrn?|Dr\.))*\s*,\s*$")


def paragraphs(docx: Path) -> list[str]:
    """Return the text of every paragraph in the body, headers, footers, footnotes and endnotes of a DOCX."""
    texts = []
    with zipfile.ZipFile(docx) as archive:
        for name in archive.namelist():
            if STORY_PARTS.fullmatch(name):
                xml = archive.read(name).decode("utf-8")
                texts += [_paragraph_text(p) for p in _PARAGRAPH.findall(xml)]
    return texts


def _paragraph_text(xml: str) -> str:
    return "".join(html.unescape(text) if not br else _BREAKS[br] for text, br in _TEXT.findall(xml))


def context_values(context: Mapping[str, Any]) -> list[str]:
    """Every text value a template may have inserted, longest first."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, Iterable):
            for item in value:
                walk(item)

    walk(context)
    return sorted((v for v in found if v), key=len, reverse=True)


def rendered_problems(docx: Path, context: Mapping[str, Any]) -> list[str]:
    """Return what is wrong in a rendered DOCX: leftover tags or an empty salutation (in the chosen language).

    Tag-like text that came from the data (a name containing ``{{``) is not a leftover:
    the inserted values are removed before the search.
    """
    problems = []
    values = context_values(context)
    for text in paragraphs(docx):
        rest = text
        for value in values:
            if value in rest:
                rest = rest.replace(value, " ")
        leftover = _LEFTOVER.search(rest)
        if leftover:
            problems.append(render(N_("a template tag was not filled: {tag!r} in \"{text}\""),
                                   {"tag": leftover.group(0), "text": text.strip()[:80]}))
        if _EMPTY_SALUTATION.match(text):
            problems.append(render(N_("the salutation is empty: \"{text}\""), {"text": text.strip()}))
    return problems
