"""Filling Word templates with docxtpl in a sandboxed, autoescaping, strict Jinja environment."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from . import german
from .errors import Problem, TemplateError
from .files import write_atomic
from .mergefields import prepared_template

# Fixed zip timestamp (the DOS epoch): the same inputs give byte-identical DOCX files.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class _NoFiles(jinja2.BaseLoader):
    """Templates may not include or import anything: there is no file system behind them."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, None]:
        raise jinja2.TemplateNotFound(template, f"templates cannot include or import other files ({template!r})")


def make_env() -> SandboxedEnvironment:
    """Return the Jinja environment for templates: sandboxed, autoescaped, strict undefined."""
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, loader=_NoFiles())
    env.filters.update(date_de=german.date_de, money=german.money, mio=german.mio)
    return env


def render_docx(template: Path, context: Mapping[str, Any], target: Path, *, recipient_id: str = "") -> None:
    """Render ``template`` with ``context`` and write a reproducible DOCX to ``target`` atomically.

    Raises:
        TemplateError: naming the template, the recipient and the undefined variable or syntax error.
    """
    doc = DocxTemplate(prepared_template(template))
    try:
        doc.render(dict(context), jinja_env=make_env(), autoescape=True)
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
    buffer = io.BytesIO()
    doc.save(buffer)
    write_atomic(target, normalize_zip(buffer.getvalue()))


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def undefined_name(err: jinja2.UndefinedError) -> str:
    """Pull the variable name out of Jinja's message (``'x' is undefined`` / ``has no attribute 'x'``)."""
    found = re.findall(r"'([^']+)'", str(err))
    return found[-1] if found else str(err)


def syntax_problem(template: Path, err: jinja2.TemplateSyntaxError, source: str | None = None) -> Problem:
    """Describe a Jinja syntax error with the document text around the broken tag."""
    lines = getattr(err, "docx_context", None)
    if lines is None and source is not None and err.lineno:
        lines = source.splitlines()[max(err.lineno - 2, 0):err.lineno + 1]
    around = " ".join(text for line in lines or [] if (text := re.sub(r"<[^>]+>", "", line).strip()))
    where = f"near: {around[:160]}" if around else ""
    return Problem(str(template), f"Jinja syntax error: {err.message}", where=where,
                   fix="correct the {{ }} / {% %} tag in Word")


def template_source(template: Path) -> str:
    """Return the Jinja source docxtpl would render: body, headers and footers, tags repaired."""
    doc = DocxTemplate(prepared_template(template))
    doc.init_docx()
    xml = doc.patch_xml(doc.get_xml())
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _key, part in doc.get_headers_footers(uri):
            xml += doc.patch_xml(doc.get_part_xml(part))
    return xml


def used_names(template: Path) -> dict[str, set[str]]:
    """Return the top-level names a template uses, each with the attributes read from it.

    ``{{ recipient.city }}`` gives ``{"recipient": {"city"}}``; loop variables are excluded.

    Raises:
        TemplateError: when the template has a Jinja syntax error.
    """
    source = template_source(template)
    try:
        ast = make_env().parse(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(syntax_problem(template, err, source)) from err
    top = meta.find_undeclared_variables(ast)
    names: dict[str, set[str]] = {name: set() for name in top}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.name in names:
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(key, str):
                names[base.name].add(key)
    return names


def when_applies(rule: str | None, fields: Mapping[str, str]) -> bool:
    """Evaluate a document's ``when`` rule (a Jinja expression) on a recipient's columns.

    Raises:
        jinja2.TemplateError: on a syntax error or an unknown field (callers add the place).
    """
    if not rule:
        return True
    expression = make_env().compile_expression(rule, undefined_to_none=False)
    return bool(expression(**fields, recipient=fields))


def rule_names(rule: str) -> set[str]:
    """Return the field names a ``when`` rule reads (``recipient.x`` counts as ``x``)."""
    ast = make_env().parse("{{ " + rule + " }}")
    names = meta.find_undeclared_variables(ast) - {"recipient"}
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "recipient":
            names.add(node.attr)
    return names
