"""Evaluating a document's ``when`` rule (and a campaign's ``conditions``) on a recipient's columns."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from wir_letters.documents.jinja import ENV, as_row


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
    return ENV.compile_expression(rule, undefined_to_none=False)

