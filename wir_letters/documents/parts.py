"""The parts of a DOCX package that Word prints text from: body, headers, footers, footnotes, endnotes."""

from __future__ import annotations

import re

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
