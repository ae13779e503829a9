"""The names a template context holds, shared by rendering and by the checks of templates."""

from __future__ import annotations

from collections.abc import Sequence

CONTEXT_NAMES = ("recipient", "sender", "campaign", "document", "address_lines", "salutation", "enclosures",
                 "conditions")


def bare_columns(columns: Sequence[str] | set[str] | frozenset[str]) -> set[str]:
    """The columns a template may also read by their bare name (``{{ city }}``): those that are
    names in Jinja and do not clash with a context name."""
    return {c for c in columns if c.isidentifier() and c not in CONTEXT_NAMES and not c.startswith("_")}
