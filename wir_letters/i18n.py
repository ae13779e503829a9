"""The language of what wir_letters says: English or German, from gettext catalogs made with Babel.

Messages in the code are English ``str.format`` templates marked with ``N_`` (for
``pybabel extract``); they are translated only where a person reads them (``render``), so the
library itself stays language-neutral: problems and errors keep their template, a ``code`` and
their parameters. The language is chosen as programs usually do: ``set_language`` (the
``--lang`` option), else ``WIR_LETTERS_LANG``, else ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
(``de_*`` → German), else English. Catalogs live in ``wir_letters/locale/<lang>/LC_MESSAGES/``;
``make setup`` compiles the ``.po`` files, and a missing ``.mo`` is compiled in memory.
"""

from __future__ import annotations

import gettext
import io
import os
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DOMAIN = "wir_letters"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "de")

_chosen: str | None = None
_catalogs: dict[str, gettext.NullTranslations] = {}


def N_(message: str) -> str:  # noqa: N802  (the name gettext tools look for)
    """Mark ``message`` for translation without translating it (it is translated when shown)."""
    return message


def language() -> str:
    """The language messages are shown in: ``en`` or ``de``."""
    return _chosen or language_from_environment(os.environ)


def language_from_environment(environ: Mapping[str, str]) -> str:
    """``WIR_LETTERS_LANG``, else the POSIX locale variables: ``de…`` gives German, anything else English."""
    for name in ("WIR_LETTERS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def set_language(lang: str | None) -> None:
    """Show messages in ``lang`` (``de`` or ``en``); None goes back to the environment's choice."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    global _chosen
    _chosen = lang


def gettext_(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    return _catalog(language()).gettext(message) if message else message


def render(message: str, params: Mapping[str, Any] | None = None) -> str:
    """Translate the template ``message`` and fill in ``params`` (``{name}``, ``{name!r}``)."""
    text = gettext_(message)
    if not params:
        return text
    for template in (text, message):  # a broken translation must not hide the message
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError, AttributeError):
            continue
    return message


def placeholders(message: str) -> set[str]:
    """The ``{names}`` a template fills in (for the catalog check)."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogs:
        _catalogs[lang] = _load(lang)
    return _catalogs[lang]


def _load(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if compiled.is_file() and (not source.is_file() or compiled.stat().st_mtime >= source.stat().st_mtime):
        with compiled.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not source.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
