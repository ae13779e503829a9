"""What templates and ``when`` rules read, found without rendering: the names and attributes a
template uses, and the columns whose truth a template or rule tests."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from wir_letters.documents._docxpack import WirTemplate
from wir_letters.documents._filecache import per_file_version
from wir_letters.documents._syntax import syntax_problem
from wir_letters.documents.jinja import ENV
from wir_letters.documents.mergefields import prepared_template
from wir_letters.errors import TemplateError


def used_names(template: Path) -> dict[str, set[str]]:
    """Return the top-level names a template uses, each with the attributes read from it.

    ``{{ recipient.city }}`` gives ``{"recipient": {"city"}}``; loop variables are excluded.

    Raises:
        TemplateError: when the template has a Jinja syntax error.
    """
    ast = _parsed(template)
    names: dict[str, set[str]] = {name: set() for name in meta.find_undeclared_variables(ast)}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, (nodes.Getattr, nodes.Getitem)) and isinstance(node.node, nodes.Name) \
                and node.node.name in names and (key := _key(node)) is not None:
            names[node.node.name].add(key)
    return names


def truth_tested(template: Path) -> set[str]:
    """Return the columns whose truth a template tests (``{% if recipient.paid %}``, ``{% if paid %}``).

    Raises:
        TemplateError: when the template has a Jinja syntax error.
    """
    ast = _parsed(template)
    tests = [node.test for node in ast.find_all((nodes.If, nodes.CondExpr))
             if isinstance(node, (nodes.If, nodes.CondExpr)) and node.test is not None]
    return {name for test in tests for name in _truth_operands(test)}


def rule_truth_tested(rule: str) -> set[str]:
    """Like ``truth_tested`` for a ``when`` rule.

    Raises:
        jinja2.TemplateSyntaxError: when the rule does not parse.
    """
    output = _parsed_rule(rule).body[0]
    return set(_truth_operands(output.nodes[0])) if isinstance(output, nodes.Output) else set()


def rule_names(rule: str) -> set[str]:
    """Return the field names a ``when`` rule reads (``recipient.x`` counts as ``x``).

    Raises:
        jinja2.TemplateSyntaxError: when the rule does not parse.
    """
    ast = _parsed_rule(rule)
    names = meta.find_undeclared_variables(ast) - {"recipient"}
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "recipient":
            names.add(node.attr)
    return names


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
    """The attribute or constant key read: ``x`` in ``a.x`` and ``a["x"]``."""
    key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
    return key if isinstance(key, str) else None


def _parsed_rule(rule: str) -> nodes.Template:
    return ENV.parse("{{ " + rule + " }}")


def _template_source(template: Path) -> str:
    """Return the Jinja source docxtpl would render: body, headers and footers, tags repaired."""
    doc = WirTemplate(prepared_template(template))
    doc.init_docx()
    xml: str = doc.patch_xml(doc.get_xml())
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _key, part in doc.get_headers_footers(uri):
            xml += doc.patch_xml(doc.get_part_xml(part))
    for part in doc.docx.part.package.parts:
        if part.partname.endswith(("/footnotes.xml", "/endnotes.xml")):
            xml += doc.patch_xml(part.blob.decode("utf-8"))
    return xml


@per_file_version(maxsize=64)
def _parsed(template: Path) -> nodes.Template:
    """Parse the template's Jinja source."""
    source = _template_source(template)
    try:
        return ENV.parse(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(syntax_problem(template, err, source)) from err
