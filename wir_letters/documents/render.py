"""Filling Word templates with docxtpl in a sandboxed, autoescaping, strict Jinja environment."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from wir_letters.documents import german

from wir_letters.documents import wordformat
from wir_letters.errors import Problem, TemplateError
from wir_letters.files import write_atomic
from wir_letters.documents.docxpack import WirTemplate, packed_template, zip_parts
from wir_letters.documents.mergefields import prepared_template


class _NoFiles(jinja2.BaseLoader):
    """Templates may not include or import anything: there is no file system behind them."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, None]:
        raise jinja2.TemplateNotFound(template, f"templates cannot include or import other files ({template!r})")


class Row(dict):  # type: ignore[type-arg]
    """A recipient's columns (or a table row) in templates: ``row.items`` reads the column
    ``items``, not the dict method, so any column name works with the dot."""


def as_row(value: Any) -> Any:
    """Return mappings (nested ones and those in lists too) as ``Row``s."""
    if isinstance(value, Mapping):
        return Row({k: as_row(v) for k, v in value.items()})
    if isinstance(value, list):
        return [as_row(v) for v in value]
    return value


class _TemplateEnvironment(SandboxedEnvironment):
    """The sandbox, compiling each distinct template source once.

    docxtpl hands the environment the same document XML for every recipient; compiling it
    once instead of per recipient halves the render time.
    """

    _compiled: dict[str, jinja2.Template]

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Row) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def from_string(self, source: str | nodes.Template, globals: Mapping[str, Any] | None = None,  # noqa: A002
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) > 256:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


LOCALE_KEY = "_locale"  # the campaign's locale, in every template context


def _locale(context: Any) -> str:
    return str(context.get(LOCALE_KEY) or german.LOCALE)


@jinja2.pass_context
def _display(context: Any, value: Any) -> Any:
    """How a value prints: typed values in the campaign's locale (``23423,5``, ``16.01.2017``,
    ``ja``), lists joined by commas, None as nothing; text and Word XML unchanged."""
    if isinstance(value, str) or hasattr(value, "__html__"):
        return value
    return wordformat.display(value, _locale(context))


@jinja2.pass_context
def _word_text(context: Any, value: Any) -> str:
    """A value as text, the way it prints (for Word's case switches)."""
    return value if isinstance(value, str) else wordformat.display(value, _locale(context))


@jinja2.pass_context
def _word_number(context: Any, value: Any, picture: str) -> str:
    """Word's ``\\#`` switch; an empty cell stays empty."""
    return "" if value in ("", None) else wordformat.format_number(value, picture, _locale(context))


@jinja2.pass_context
def _word_date(context: Any, value: Any, picture: str) -> str:
    """Word's ``\\@`` switch; an empty cell stays empty."""
    return "" if value in ("", None) else wordformat.format_datetime(value, picture, _locale(context))


def _word_if(left: Any, operator: str, right: Any, then: Any = "", otherwise: Any = "") -> Any:
    """Word's IF field: ``then`` when ``left operator right`` holds, else ``otherwise``."""
    return then if wordformat.compare(left, operator, right) else otherwise


def _run_xml(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _as_run(value: Any) -> Any:
    """``{{r x}}``: rich text as it is; plain text as a run (docxtpl turns line breaks into breaks)."""
    return value if hasattr(value, "__html__") else Markup(_run_xml(str(_display_plain(value))))


def _as_paragraph(value: Any) -> Any:
    """``{{p x}}``: rich content as it is; plain text as a paragraph holding it."""
    return value if hasattr(value, "__html__") else Markup(f"<w:p>{_run_xml(str(_display_plain(value)))}</w:p>")


def _display_plain(value: Any) -> Any:
    return value if isinstance(value, str) else wordformat.display(value)


def make_env() -> SandboxedEnvironment:
    """Return the Jinja environment for templates: sandboxed, autoescaped, strict undefined, no loader."""
    env = _TemplateEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, loader=_NoFiles(),
                               finalize=_display)
    env._compiled = {}
    env.filters.update(date_de=german.date_de, money=german.money, mio=german.mio, word_number=_word_number,
                       word_date=_word_date, word_text=_word_text, docx_run=_as_run, docx_paragraph=_as_paragraph)
    env.globals.update(word_if=_word_if)
    return env


_ENV = make_env()  # shared: rendering runs in one thread


def render_docx(template: Path, context: Mapping[str, Any], target: Path, *, recipient_id: str = "") -> None:
    """Render ``template`` with ``context`` and write a reproducible DOCX to ``target`` atomically.

    Raises:
        TemplateError: naming the template, the recipient and the undefined variable or syntax error.
    """
    try:
        data = _render(template, dict(context))
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(syntax_problem(template, err)) from err
    except jinja2.UndefinedError as err:
        name = undefined_name(err)
        raise TemplateError(Problem(
            str(template), f"undefined variable {name!r}", where=f"recipient {recipient_id}", field=name,
            fix="add the column to the recipient list or correct the tag in the template")) from err
    except jinja2.TemplateError as err:
        raise TemplateError(Problem(str(template), f"template error: {err}", where=f"recipient {recipient_id}")) from err
    except (etree.LxmlError, KeyError, zipfile.BadZipFile, ValueError) as err:
        raise TemplateError(Problem(str(template), f"the Word document cannot be processed: {err}",
                                    where=f"recipient {recipient_id}",
                                    fix="open it in Word, save it again as .docx, and check it")) from err
    write_atomic(target, data)


def _render(template: Path, context: dict[str, Any]) -> bytes:
    """Render through the packed template, or through docxtpl's full render when it needs that."""
    packed = packed_template(template)
    if packed is not None:
        return packed.render(context, _ENV)
    doc = WirTemplate(prepared_template(template))
    doc.render(context, jinja_env=_ENV, autoescape=True)
    return docx_bytes(doc)


class _Collector:
    """Takes the parts python-docx's PackageWriter writes, for ``zip_parts`` to pack."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts.append((pack_uri.membername, blob))

    def close(self) -> None:
        pass


def docx_bytes(doc: DocxTemplate) -> bytes:
    """Serialise a rendered document as ``OpcPackage.save`` does, packed reproducibly."""
    package = doc.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    return zip_parts(collector.parts)


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
    where = f"near: {around[:160]}" if around else ""
    return Problem(str(template), f"Jinja syntax error: {err.message}", where=where,
                   fix="correct the {{ }} / {% %} tag in Word")


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
        _ENV.parse(source)
    except jinja2.TemplateSyntaxError:
        return False
    return True


def template_source(template: Path) -> str:
    """Return the Jinja source docxtpl would render: body, headers and footers, tags repaired."""
    doc = WirTemplate(prepared_template(template))
    doc.init_docx()
    xml = doc.patch_xml(doc.get_xml())
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _key, part in doc.get_headers_footers(uri):
            xml += doc.patch_xml(doc.get_part_xml(part))
    for part in doc.docx.part.package.parts:
        if part.partname.endswith(("/footnotes.xml", "/endnotes.xml")):
            xml += doc.patch_xml(part.blob.decode("utf-8"))
    return xml


def used_names(template: Path) -> dict[str, set[str]]:
    """Return the top-level names a template uses, each with the attributes read from it.

    ``{{ recipient.city }}`` gives ``{"recipient": {"city"}}``; loop variables are excluded.

    Raises:
        TemplateError: when the template has a Jinja syntax error.
    """
    ast = _parsed(template)
    top = meta.find_undeclared_variables(ast)
    names: dict[str, set[str]] = {name: set() for name in top}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.name in names:
            key = _key(node)
            if key is not None:
                names[base.name].add(key)
    return names


def truth_tested(template: Path) -> set[str]:
    """Return the columns whose truth a template tests (``{% if recipient.paid %}``, ``{% if paid %}``).

    Raises:
        TemplateError: when the template has a Jinja syntax error.
    """
    ast = _parsed(template)
    tests = [node.test for node in ast.find_all((nodes.If, nodes.CondExpr)) if node.test is not None]
    return {name for test in tests for name in _truth_operands(test)}


def rule_truth_tested(rule: str) -> set[str]:
    """Like ``truth_tested`` for a ``when`` rule."""
    return set(_truth_operands(_ENV.parse("{{ " + rule + " }}").body[0].nodes[0]))  # type: ignore[attr-defined]


def _truth_operands(node: nodes.Node) -> list[str]:
    """The column names whose value itself decides ``node``'s truth (through not/and/or)."""
    if isinstance(node, nodes.Not):
        return _truth_operands(node.node)
    if isinstance(node, (nodes.And, nodes.Or)):
        return _truth_operands(node.left) + _truth_operands(node.right)
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, (nodes.Getattr, nodes.Getitem)) and isinstance(node.node, nodes.Name) \
            and node.node.name == "recipient":
        key = _key(node)
        return [key] if key is not None else []
    return []


def _key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
    return key if isinstance(key, str) else None


def _parsed(template: Path) -> nodes.Template:
    stat = template.stat()
    return _parse(template, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _parse(template: Path, size: int, mtime_ns: int) -> nodes.Template:
    source = template_source(template)
    try:
        return _ENV.parse(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(syntax_problem(template, err, source)) from err


def when_applies(rule: str | None, fields: Mapping[str, str]) -> bool:
    """Evaluate a document's ``when`` rule (a Jinja expression) on a recipient's columns.

    Raises:
        jinja2.TemplateError: on a syntax error or an unknown field (callers add the place).
    """
    if not rule:
        return True
    row = as_row(fields)
    return bool(_expression(rule)(**row, recipient=row))


@lru_cache(maxsize=256)
def _expression(rule: str) -> Any:
    return _ENV.compile_expression(rule, undefined_to_none=False)


def rule_names(rule: str) -> set[str]:
    """Return the field names a ``when`` rule reads (``recipient.x`` counts as ``x``)."""
    ast = _ENV.parse("{{ " + rule + " }}")
    names = meta.find_undeclared_variables(ast) - {"recipient"}
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "recipient":
            names.add(node.attr)
    return names
