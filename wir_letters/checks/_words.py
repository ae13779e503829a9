"""Words as the text-fidelity check compares them: normalised, from DOCX text and from PDF text."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\w+")
_LINE_END_HYPHEN = re.compile(r"(\w+)[-\u2010][^\S\n]*\n\s*(?=(\w+))")
_LINE_END_DASH = re.compile(r"[-\u2010][^\S\n]*\n")
_SPACE = re.compile(r"\s+")


def without_soft_hyphens(text: str) -> str:
    """NFKC-normalise ``text`` and drop soft hyphens, keeping the case (ligature ﬁ becomes fi)."""
    return unicodedata.normalize("NFKC", text.replace("\u00ad", ""))


def normalize(text: str) -> str:
    """NFKC-normalise and casefold ``text``; soft hyphens vanish (ligature ﬁ becomes fi)."""
    return without_soft_hyphens(text).casefold()


def words(text: str) -> list[str]:
    """The words (``\\w+`` runs) of ``text``, normalised."""
    return WORD.findall(normalize(text))


def pdf_text(text: str) -> str:
    """Normalise PDF text; pdfium's marks for a hyphen at a line break become "-" and a newline."""
    return normalize(text.replace("\x02", "-\n").replace("\ufffe", "-\n"))


def pdf_words(text: str) -> list[str]:
    r"""The words of normalised PDF text, plus each line-end hyphenation joined into one word
    ("Aus-\nschreibung" also yields "ausschreibung")."""
    return WORD.findall(text) + [head + tail for head, tail in _LINE_END_HYPHEN.findall(text)]


def glued(text: str) -> str:
    """Normalised PDF text without line-end hyphens and whitespace."""
    return _SPACE.sub("", _LINE_END_DASH.sub("", text))
