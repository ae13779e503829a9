"""The Jinja2 environment of the report page and of a recipient's detail page (autoescaped).

The templates are files next to this module (``report_index.html.j2``, ``report_detail.html.j2``,
``report_style.css``), so ``pybabel extract`` finds their ``_("…")`` messages. ``_`` translates a
message into the chosen language and fills in its ``{names}``. Self-contained pages: inline CSS and
plain inline JavaScript, nothing from a network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from wir_letters.i18n import language, render

INDEX, DETAIL = "report_index.html.j2", "report_detail.html.j2"


def _translate(message: str, **params: Any) -> str:
    return render(message, params)


def report_environment() -> jinja2.Environment:
    """The environment the report templates render in, with ``_`` and ``lang`` as globals."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(_=_translate, lang=language())
    return env
