"""German conventions: dates, amounts, salutations and DIN 5008 address lines."""

from __future__ import annotations

import datetime as dt

import pytest

from wir_letters.documents.german import address_lines, date_de, mio, money, salutation
from wir_letters.inputs.letter_rules import LetterRules

NBSP = "\u00a0"


def test_long_german_dates() -> None:
    assert date_de(dt.date(2026, 11, 26)) == "26. November 2026"
    assert date_de(dt.date(2017, 1, 6)) == "6. Januar 2017"  # no leading zero in the long form
    assert date_de("2017-03-01") == "1. März 2017"


def test_amounts_in_german_notation() -> None:
    assert money(1_600_000) == f"1.600.000,00{NBSP}€"
    assert money(50000.5) == f"50.000,50{NBSP}€"
    assert mio(8_850_000) == f"8,85{NBSP}Mio.{NBSP}Euro"
    assert mio(4_600_000) == f"4,6{NBSP}Mio.{NBSP}Euro"
    assert mio(1_600_000_000) == f"1,6{NBSP}Mrd.{NBSP}Euro"


def person(**fields: str) -> dict[str, str]:
    return {"name": "Kreisausschuss des Landkreises Fulda", "street": "Wörthstraße 15", "postcode": "36037",
            "city": "Fulda", **fields}


@pytest.mark.parametrize(("fields", "expected"), [
    (dict(contact_salutation="Frau", contact_role="Landrätin", contact_last_name="Groß"), "Sehr geehrte Frau Landrätin,"),
    (dict(contact_salutation="Herr", contact_role="Oberbürgermeister", contact_title="Dr.",
          contact_last_name="Weiß"), "Sehr geehrter Herr Oberbürgermeister,"),  # Dr. dropped with an office title
    (dict(contact_salutation="Frau", contact_title="Dr.", contact_last_name="Süß"), "Sehr geehrte Frau Dr. Süß,"),
    (dict(contact_salutation="Herrn", contact_last_name="Öztürk"), "Sehr geehrter Herr Öztürk,"),
    (dict(contact_salutation="frau", contact_last_name="Groß"), "Sehr geehrte Frau Groß,"),
    (dict(contact_salutation="", contact_last_name="Groß"), "Sehr geehrte Damen und Herren,"),  # gender unknown
    (dict(contact_salutation="Frau"), "Sehr geehrte Damen und Herren,"),  # no name, no role
    ({}, "Sehr geehrte Damen und Herren,"),
])
def test_salutations(fields: dict[str, str], expected: str) -> None:
    assert salutation(person(**fields)) == expected


def test_salutation_rules_are_data() -> None:
    rules = LetterRules(salutation_fallback="Guten Tag,",
                        salutation_with_name={"Frau": "Liebe Frau {last_name},", "Divers": "Guten Tag {first_name} {last_name},"})
    assert salutation(person(), rules) == "Guten Tag,"
    assert salutation(person(contact_salutation="Frau", contact_last_name="Groß"), rules) == "Liebe Frau Groß,"
    assert salutation(person(contact_salutation="divers", contact_first_name="Kim", contact_last_name="Roß"),
                      rules) == "Guten Tag Kim Roß,"


def test_address_with_role_title_and_name() -> None:
    fields = person(contact_salutation="Herr", contact_role="Landrat", contact_title="Dr.",
                    contact_first_name="Jürgen", contact_last_name="Weiß", department="Fachdienst Migration")
    assert address_lines(fields) == [
        "Kreisausschuss des Landkreises Fulda", "Fachdienst Migration", "Herrn Landrat Dr. Jürgen Weiß",
        "Wörthstraße 15", "36037 Fulda"]


def test_address_with_role_only_and_without_contact() -> None:
    assert address_lines(person(contact_salutation="Frau", contact_role="Landrätin"))[1] == "Frau Landrätin"
    assert address_lines(person()) == ["Kreisausschuss des Landkreises Fulda", "Wörthstraße 15", "36037 Fulda"]
    assert address_lines(person(contact_first_name="Kim", contact_last_name="Groß"))[1] == "Kim Groß"


def test_address_has_no_blank_lines_and_folds_spaces() -> None:
    fields = person(department="  ", street="Wörthstraße   15 ", name="Magistrat der\nStadt Fulda")
    assert address_lines(fields) == ["Magistrat der", "Stadt Fulda", "Wörthstraße 15", "36037 Fulda"]
