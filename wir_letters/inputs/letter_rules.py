"""Salutation and address-line patterns of a campaign (``letter_rules:`` in campaign.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LetterRules(BaseModel):
    """Salutation and address-line patterns, keyed by ``contact_salutation`` (Frau/Herr).

    Patterns are ``str.format`` strings over ``role``, ``title``, ``first_name`` and
    ``last_name``; runs of spaces are folded and a space before a comma is dropped.
    A campaign may override any of them under ``letter_rules:``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    salutation_with_role: dict[str, str] = {
        "Frau": "Sehr geehrte Frau {role},",
        "Herr": "Sehr geehrter Herr {role},",
    }
    salutation_with_name: dict[str, str] = {
        "Frau": "Sehr geehrte Frau {title} {last_name},",
        "Herr": "Sehr geehrter Herr {title} {last_name},",
    }
    salutation_fallback: str = "Sehr geehrte Damen und Herren,"
    address_contact: dict[str, str] = {
        "Frau": "Frau {role} {title} {first_name} {last_name}",
        "Herr": "Herrn {role} {title} {first_name} {last_name}",
    }
    address_contact_without_salutation: str = "{title} {first_name} {last_name}"
