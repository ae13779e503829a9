"""The Jinja environment templates and rules run in: sandboxed, autoescaping, strict, no files.

Columns are read as ``Row``s, so ``recipient.items`` reads the column ``items``. The filters
and globals carry Word's field switches (``word_number``, ``word_date``, ``word_text``,
``word_if``) and the German letter conventions (``date_de``, ``money``, ``mio``); values
without a filter print in the campaign's locale (``LOCALE_KEY`` in the context).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from wir_letters.documents import _word_dates, _word_display, _word_if, _word_numbers, german
from wir_letters.i18n import N_, render

LOCALE_KEY = "_locale"  # the campaign's locale, in every template context


class _NoFiles(jinja2.BaseLoader):
    """Templates may not include or import anything: there is no file system behind them."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, None]:
        raise jinja2.TemplateNotFound(template, render(N_("templates cannot include or import other files "
                                                          "({template!r})"), {"template": template}))


class Row(dict[str, Any]):
    """A recipient's columns (or a table row) in templates: ``row.items`` reads the column
    ``items``, not the dict method, so any column name works with the dot."""


def as_row(value: Any) -> Any:
    """Return ``value`` with every mapping in it (nested ones and those in lists too) as a ``Row``.

    Args:
        value: a cell value, a recipient's fields or a table (a list of mappings).

    Returns:
        The same structure, mappings replaced by ``Row``s and lists copied; other values as they are.
    """
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
        """``row.name`` reads the column ``name`` of a ``Row``; anything else as the sandbox allows."""
        if isinstance(obj, Row) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def from_string(self, source: str | nodes.Template, globals: MutableMapping[str, Any] | None = None,  # noqa: A002
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        """Compile ``source``, or return the template compiled from the same source before."""
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) > 256:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


def _locale(context: Context) -> str:
    return str(context.get(LOCALE_KEY) or german.LOCALE)


@jinja2.pass_context
def _display(context: Context, value: Any) -> Any:
    """How a value prints: typed values in the campaign's locale (``23423,5``, ``16.01.2017``,
    ``ja``), lists joined by commas, None as nothing; text and Word XML unchanged."""
    if isinstance(value, str) or hasattr(value, "__html__"):
        return value
    return _word_display.display(value, _locale(context))


@jinja2.pass_context
def _word_text(context: Context, value: Any) -> str:
    """A value as text, the way it prints (for Word's case switches)."""
    return value if isinstance(value, str) else _word_display.display(value, _locale(context))


@jinja2.pass_context
def _word_number(context: Context, value: Any, picture: str) -> str:
    """Word's ``\\#`` switch; an empty cell stays empty."""
    return "" if value in ("", None) else _word_numbers.format_number(value, picture, _locale(context))


@jinja2.pass_context
def _word_date(context: Context, value: Any, picture: str) -> str:
    """Word's ``\\@`` switch; an empty cell stays empty."""
    return "" if value in ("", None) else _word_dates.format_datetime(value, picture, _locale(context))


def _if_field(left: Any, operator: str, right: Any, then: Any = "", otherwise: Any = "") -> Any:
    """Word's IF field: ``then`` when ``left operator right`` holds, else ``otherwise``."""
    return then if _word_if.compare(left, operator, right) else otherwise


def _run_xml(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _as_run(value: Any) -> Any:
    """``{{r x}}``: rich text as it is; plain text as a run (docxtpl turns line breaks into breaks)."""
    return value if hasattr(value, "__html__") else Markup(_run_xml(str(_display_plain(value))))


def _as_paragraph(value: Any) -> Any:
    """``{{p x}}``: rich content as it is; plain text as a paragraph holding it."""
    return value if hasattr(value, "__html__") else Markup(f"<w:p>{_run_xml(str(_display_plain(value)))}</w:p>")


def _display_plain(value: Any) -> Any:
    return value if isinstance(value, str) else _word_display.display(value)


def make_env(autoescape: bool = True) -> SandboxedEnvironment:
    """Return a new Jinja environment for templates: sandboxed, autoescaped (unless for plain text),
    strict undefined, no loader, with the Word-switch and German-letter filters."""
    env = _TemplateEnvironment(autoescape=autoescape, undefined=jinja2.StrictUndefined, loader=_NoFiles(),
                               finalize=_display)
    env._compiled = {}
    env.filters.update(date_de=german.date_de, money=german.money, mio=german.mio, word_number=_word_number,
                       word_date=_word_date, word_text=_word_text, docx_run=_as_run, docx_paragraph=_as_paragraph)
    env.globals.update(word_if=_if_field)
    return env


ENV = make_env()
"""The environment rendering, rule evaluation and template analysis share (rendering runs in one thread)."""
