"""The parts of a DOCX package that Word prints text from: body, headers, footers, footnotes, endnotes."""

from __future__ import annotations

import re

from wir_letters.i18n import N_

STORY_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
"""Matches (with ``fullmatch``) the zip member names of the story parts: ``word/document.xml``,
``word/header1.xml``, ``word/footer2.xml``, ``word/footnotes.xml``, ``word/endnotes.xml``."""


def story_name(part: str) -> str:
    """Return a story part's name as Word users know it: ``body``, ``header1``, ``footnotes`` …

    Args:
        part: the zip member name, e.g. ``word/document.xml``.
    """
    name = part.removeprefix("word/").removesuffix(".xml")
    return "body" if name == "document" else name


def story_place(part: str) -> tuple[str, dict[str, str]]:
    """Return a story part's name as a template to show (``body``, ``header{number}`` …) and its parameters.

    Shown in English it is ``story_name(part)``; ``{number}`` is the part's number (``1`` in ``header1``).
    """
    name = story_name(part)
    for kind, template in (("header", N_("header{number}")), ("footer", N_("footer{number}"))):
        if name.startswith(kind):
            return template, {"number": name.removeprefix(kind)}
    named = {"body": N_("body"), "footnotes": N_("footnotes"), "endnotes": N_("endnotes")}
    return named.get(name, name), {"number": ""}
