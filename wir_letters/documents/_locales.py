"""Locale names as campaign.yaml writes them (``de_DE`` or ``de-DE``), parsed for Babel."""

from __future__ import annotations

from babel import Locale


def babel_locale(locale: str) -> Locale:
    """Parse ``de_DE`` or ``de-DE``.

    Raises:
        ValueError: for a malformed name; babel.UnknownLocaleError for an unknown one.
    """
    return Locale.parse(locale.replace("-", "_"))
