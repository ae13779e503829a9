"""Filling a Word template for one recipient and writing the DOCX (docxtpl in the sandbox of ``jinja.py``)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from wir_letters.documents._docxpack import WirTemplate, docx_bytes, packed_template
from wir_letters.documents._syntax import syntax_problem, undefined_name
from wir_letters.documents.jinja import ENV
from wir_letters.documents.mergefields import prepared_template
from wir_letters.errors import Problem, TemplateError
from wir_letters.files import write_atomic
from wir_letters.i18n import N_


def render_docx(template: Path, context: Mapping[str, Any], target: Path, *, recipient_id: str = "",
                durable: bool = True) -> None:
    """Render ``template`` with ``context`` and write a reproducible DOCX to ``target`` atomically
    (``durable=False``: not synced to disk; the build syncs before its manifest records the file).

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
            str(template), N_("undefined variable {name!r}"), where=N_("recipient {recipient_id}"), field=name,
            fix=N_("add the column to the recipient list or correct the tag in the template"),
            code="template.undefined_variable", params={"name": name, "recipient_id": recipient_id})) from err
    except jinja2.TemplateError as err:
        raise TemplateError(Problem(str(template), N_("template error: {error}"), where=N_("recipient {recipient_id}"),
                                    code="template.render_error",
                                    params={"error": str(err), "recipient_id": recipient_id})) from err
    except (etree.LxmlError, KeyError, zipfile.BadZipFile, ValueError) as err:
        raise TemplateError(Problem(str(template), N_("the Word document cannot be processed: {error}"),
                                    where=N_("recipient {recipient_id}"),
                                    fix=N_("open it in Word, save it again as .docx, and check it"),
                                    code="template.unprocessable",
                                    params={"error": str(err), "recipient_id": recipient_id})) from err
    write_atomic(target, data, durable=durable)


def _render(template: Path, context: dict[str, Any]) -> bytes:
    """Render through the packed template, or through docxtpl's full render when it needs that."""
    packed = packed_template(template)
    if packed is not None:
        return packed.render(context, ENV)
    doc = WirTemplate(prepared_template(template))
    doc.render(context, jinja_env=ENV, autoescape=True)
    return docx_bytes(doc)
