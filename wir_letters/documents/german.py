"""German letter conventions: dates, amounts, DIN 5008 address lines and salutations.

Formatting is delegated to Babel (CLDR data), so month names and digit grouping do not
depend on the operating system's locale.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from wir_letters.inputs.letter_rules import LetterRules

LOCALE = "de_DE"
NBSP = "\u00a0"
MAX_ADDRESS_LINES = 6  # DIN 5008 Anschriftzone: 6 lines below the return line
ADDRESS_LINE_CHARS = 55  # about what fits on the 80 mm line in 9 pt Liberation Sans; longer lines wrap

Number = int | float | Decimal


def date_de(value: dt.date | str) -> str:
    """Return the long German date, e.g. ``26. November 2026``; ISO strings are accepted.

    Raises:
        ValueError: for a string that is not an ISO date.
    """
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return format_date(value, "d. MMMM y", locale=LOCALE)


def money(value: Number, currency: str = "EUR") -> str:
    """Return an amount in German notation, e.g. ``1.600.000,00 €`` (non-breaking space)."""
    return format_currency(value, currency, locale=LOCALE)


def mio(value: Number, unit: str = "Euro") -> str:
    """Return a large amount in words, e.g. ``8,85 Mio. Euro`` or ``1,6 Mrd. Euro``."""
    billions = value >= 1_000_000_000 or value <= -1_000_000_000
    scale, word = (1_000_000_000, "Mrd.") if billions else (1_000_000, "Mio.")
    number = format_decimal(Decimal(str(value)) / scale, format="#,##0.###", locale=LOCALE)
    return f"{number}{NBSP}{word}{NBSP}{unit}"


def _fill(pattern: str, fields: Mapping[str, str]) -> str:
    """Fill a ``letter_rules`` pattern with the contact columns; fold spaces, none before a comma."""
    text = pattern.format(
        role=fields.get("contact_role", ""),
        title=fields.get("contact_title", ""),
        first_name=fields.get("contact_first_name", ""),
        last_name=fields.get("contact_last_name", ""),
    )
    return re.sub(r"\s+([,.])", r"\1", " ".join(text.split()))


def _salutation_key(fields: Mapping[str, str], patterns: Mapping[str, str]) -> str | None:
    """Return the key of ``patterns`` that matches the recipient's Frau/Herr(n), if any."""
    given = fields.get("contact_salutation", "").strip().lower().rstrip(".")
    given = "herr" if given == "herrn" else given
    return next((key for key in patterns if key.lower() == given), None)


def salutation(fields: Mapping[str, str], rules: LetterRules | None = None) -> str:
    """Return the Anrede: by office title, else by name, else ``Sehr geehrte Damen und Herren,``."""
    rules = rules or LetterRules()
    role = fields.get("contact_role", "").strip()
    last_name = fields.get("contact_last_name", "").strip()
    if role and (key := _salutation_key(fields, rules.salutation_with_role)):
        return _fill(rules.salutation_with_role[key], fields)
    if last_name and (key := _salutation_key(fields, rules.salutation_with_name)):
        return _fill(rules.salutation_with_name[key], fields)
    return rules.salutation_fallback


def contact_line(fields: Mapping[str, str], rules: LetterRules | None = None) -> str:
    """Return the person line of the address (``Frau Landrätin Dr. Anna Beispiel``) or ``""``."""
    rules = rules or LetterRules()
    role = fields.get("contact_role", "").strip()
    last_name = fields.get("contact_last_name", "").strip()
    key = _salutation_key(fields, rules.address_contact)
    if key and (role or last_name):
        return _fill(rules.address_contact[key], fields)
    if last_name:
        return _fill(rules.address_contact_without_salutation, fields)
    return ""


def address_lines(fields: Mapping[str, str], rules: LetterRules | None = None) -> list[str]:
    """Return the DIN 5008 address lines: authority, department, contact, street, postcode city.

    Empty parts are left out, so the address never has a blank line; a line break inside a
    cell starts a new line. The caller checks the
    count against ``MAX_ADDRESS_LINES``.
    """
    place = f"{fields.get('postcode', '').strip()} {fields.get('city', '').strip()}".strip()
    parts = [
        fields.get("name", ""),
        fields.get("department", ""),
        contact_line(fields, rules),
        fields.get("street", ""),
        place,
    ]
    lines = [line for part in parts for line in part.splitlines()]  # Alt+Enter in an Excel cell
    return [" ".join(line.split()) for line in lines if line.strip()]
