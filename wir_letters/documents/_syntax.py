"""Jinja errors as the person editing the template in Word can act on them: the variable that is
undefined, and for a syntax error the document text around the tag that is broken."""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2

from wir_letters.documents.jinja import ENV
from wir_letters.errors import Problem
from wir_letters.i18n import N_


def undefined_name(err: jinja2.UndefinedError) -> str:
    """Pull the variable name out of Jinja's message (``'x' is undefined`` / ``has no attribute 'x'``)."""
    found = re.findall(r"'([^']+)'", str(err))
    return found[-1] if found else str(err)


def syntax_problem(template: Path, err: jinja2.TemplateSyntaxError, source: str | None = None) -> Problem:
    """Describe a Jinja syntax error with the document text around the broken tag."""
    around = _around_broken_tag(source) if source is not None else ""
    if not around:
        lines = getattr(err, "docx_context", None)
        if lines is None and source is not None and err.lineno:
            lines = source.splitlines()[max(err.lineno - 2, 0):err.lineno + 1]
        around = " ".join(text for line in lines or [] if (text := re.sub(r"<[^>]+>", "", line).strip()))
    return Problem(str(template), N_("Jinja syntax error: {error}"), where=N_("near: {text}") if around else "",
                   fix=N_("correct the {{{{ }}}} / {{% %}} tag in Word"), code="template.syntax_error",
                   params={"error": err.message, "text": around[:160]})


_XML_TAG = re.compile(r"<[^>]+>")
_JINJA_TAG = re.compile(r"\{\{[^\n]*?\}\}|\{%[^\n]*?%\}|\{#[^\n]*?#\}")
_BLOCK_END = {"if": "endif", "for": "endfor", "with": "endwith", "macro": "endmacro", "call": "endcall",
              "filter": "endfilter", "raw": "endraw", "autoescape": "endautoescape", "set": "endset"}


def _around_broken_tag(source: str) -> str:
    """The document text around the first tag that does not parse on its own or does not pair up."""
    text = html.unescape(_XML_TAG.sub("", source.replace("</w:p>", "\n")))
    span = _broken_span(text)
    if span is None:
        return ""
    before = text[max(0, span[0] - 50):span[0]].split("\n")[-1]
    return " ".join(f"{before}{text[span[0]:span[1] + 50].split(chr(10))[0]}".split())


def _broken_span(text: str) -> tuple[int, int] | None:
    """Where the first broken tag is: unclosed, unparsable, or a block that does not pair up."""
    open_blocks: list[tuple[str, tuple[int, int]]] = []
    covered = 0
    for match in _JINJA_TAG.finditer(text):
        unclosed = re.search(r"\{[{%]", text[covered:match.start()])
        if unclosed:
            return covered + unclosed.start(), match.start()
        covered = match.end()
        if not _tag_fits(match.group(0), open_blocks, match.span()):
            return match.span()
    unclosed = re.search(r"\{[{%]", text[covered:])
    if unclosed:
        return covered + unclosed.start(), len(text)
    return open_blocks[-1][1] if open_blocks else None


def _tag_fits(tag: str, open_blocks: list[tuple[str, tuple[int, int]]], span: tuple[int, int]) -> bool:
    """Whether one tag parses where it stands; keeps the stack of open blocks."""
    if tag.startswith("{#"):
        return True
    inner = tag[2:-2].strip("-+ ")
    word = inner.split(None, 1)[0] if inner else ""
    if tag.startswith("{{") or (word not in _BLOCK_END and word not in ("elif", "else")
                                and not word.startswith("end")) or (word == "set" and "=" in inner):
        return _parses(tag)
    if word in _BLOCK_END:
        open_blocks.append((word, span))
        return _parses(tag + "{% " + _BLOCK_END[word] + " %}")
    if word in ("elif", "else"):
        return bool(open_blocks) and open_blocks[-1][0] in ("if", "for") and (
            word == "else" or _parses("{% if 1 %}" + tag + "{% endif %}"))
    if open_blocks and _BLOCK_END[open_blocks[-1][0]] == word:
        open_blocks.pop()
        return True
    return False


def _parses(source: str) -> bool:
    try:
        ENV.parse(source)
    except jinja2.TemplateSyntaxError:
        return False
    return True

