"""Typed recipient data: YAML and Excel keep their types, campaign.yaml declares types for CSV,
per-recipient tables, length limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import FakeConverter, make_template, write_campaign
from wir_letters import RecipientError, assess_all, build, check, load_campaign, load_recipients
from wir_letters.checks.output import paragraphs

BASE = {"id": "kassel", "name": "Magistrat der Stadt Kassel", "kind": "kreisfreie_stadt",
        "street": "Obere Königsstraße 8", "postcode": "34117", "city": "Kassel"}
TEMPLATE = ["{%p if recipient.is_paid %}", "BEZAHLT", "{%p else %}", "OFFEN", "{%p endif %}",
            "Betrag {{ recipient.amount }} / {{ recipient.amount|money }}", "Frist {{ recipient.deadline }}",
            "Themen: {{ recipient.topics }}", "{%p for t in recipient.topics %}", "Thema {{ t }}", "{%p endfor %}"]


def _use_list(campaign: Path, path: Path) -> Path:
    """Point the campaign at another recipient list."""
    data = yaml.safe_load(campaign.read_text(encoding="utf-8"))
    campaign.write_text(yaml.safe_dump({**data, "recipients": str(path)}, allow_unicode=True), encoding="utf-8")
    return campaign


def _build(tmp_path: Path, rows: list[dict], csv: Path | None = None, **overrides: object) -> list[str]:
    """Build with the fake converter; return the rendered letter's paragraphs of the first recipient."""
    template = make_template(tmp_path / "templates" / "typed.docx", TEMPLATE)
    campaign = write_campaign(tmp_path, rows, documents=[{"id": "t", "title": "T", "template": str(template)}],
                              **overrides)
    if csv:
        _use_list(campaign, csv)
    result = build(load_campaign(campaign), converter=FakeConverter())
    assert result.ok, [r.error for r in result.failed]
    return paragraphs(result.out / rows[0]["id"] / "t.docx")


@pytest.mark.parametrize("paid, shown", [(False, "OFFEN"), (True, "BEZAHLT")])
def test_yaml_booleans_choose_the_branch(tmp_path: Path, paid: bool, shown: str) -> None:
    """This test ensures that YAML false is false (not the text "nein", which Jinja treats as true)."""
    rows = [dict(BASE, is_paid=paid, amount=1234.5, deadline=dt.date(2017, 12, 31), topics=["Sprache", "Arbeit"])]
    text = _build(tmp_path, rows)
    assert shown in text and ({"OFFEN", "BEZAHLT"} - {shown}).isdisjoint(text)


def test_yaml_values_print_in_german(tmp_path: Path) -> None:
    """This test ensures that numbers, dates and lists print in the campaign locale, not as Python reprs."""
    rows = [dict(BASE, is_paid=True, amount=1234.5, deadline=dt.date(2017, 12, 31), topics=["Sprache", "Arbeit"])]
    text = _build(tmp_path, rows)
    assert "Betrag 1234,5 / 1.234,50\xa0€" in text
    assert "Frist 31.12.2017" in text
    assert "Themen: Sprache, Arbeit" in text and "Thema Sprache" in text and "Thema Arbeit" in text


def test_declared_types_for_csv(tmp_path: Path) -> None:
    """This test ensures that columns declared in campaign.yaml are parsed from CSV text (German forms)."""
    csv = tmp_path / "list.csv"
    csv.write_text("id;name;kind;street;postcode;city;is_paid;amount;deadline;topics\n"
                   "kassel;Magistrat der Stadt Kassel;kreisfreie_stadt;Obere Königsstraße 8;34117;Kassel;"
                   "nein;1.234,56;31.12.2017;Sprache\n", encoding="utf-8")
    columns = {"is_paid": "boolean", "amount": "number", "deadline": "date"}
    text = _build(tmp_path, [dict(BASE)], csv, columns=columns)
    assert "OFFEN" in text and "BEZAHLT" not in text
    assert "Betrag 1234,56 / 1.234,56\xa0€" in text and "Frist 31.12.2017" in text
    recipient = load_recipients(csv, load_campaign(tmp_path / "campaign.yaml").schema)[0]
    assert recipient.fields["amount"] == Decimal("1234.56") and recipient.fields["deadline"] == dt.date(2017, 12, 31)


def test_bad_value_in_declared_column_names_file_row_and_column(tmp_path: Path) -> None:
    """This test ensures that a value that does not parse is an error with file, row, column and fix."""
    csv = tmp_path / "list.csv"
    csv.write_text("id;name;kind;street;postcode;city;is_paid\n"
                   "kassel;Magistrat;kreisfreie_stadt;Str 1;34117;Kassel;vielleicht\n", encoding="utf-8")
    campaign = _use_list(write_campaign(tmp_path, columns={"is_paid": "boolean"}), csv)
    problems = [str(p) for p in check(load_campaign(campaign))]
    assert any(p.startswith(f"{csv}: row 2 (kassel): is_paid: 'vielleicht' is not a boolean") and
               "columns: in campaign.yaml" in p for p in problems), problems


def test_excel_keeps_cell_types(tmp_path: Path) -> None:
    """This test ensures that Excel booleans, numbers and dates arrive typed; postcodes stay text."""
    path = tmp_path / "list.xlsx"
    book = Workbook()
    book.active.append(["id", "name", "kind", "street", "postcode", "city", "is_paid", "amount", "deadline"])
    book.active.append(["kassel", "Magistrat", "kreisfreie_stadt", "Str 1", 7318, "Kassel", False, 23423.0,
                        dt.datetime(2017, 3, 31)])
    book.save(path)
    fields = load_recipients(path)[0].fields
    assert fields["is_paid"] is False and fields["amount"] == 23423 and fields["deadline"] == dt.date(2017, 3, 31)
    assert fields["postcode"] == "07318"


def test_excel_formula_without_value_is_an_error(tmp_path: Path) -> None:
    """This test ensures that a formula Excel never calculated is an error naming the cell, not an empty text."""
    path = tmp_path / "list.xlsx"
    book = Workbook()
    book.active.append(["id", "name", "kind", "street", "postcode", "city", "amount"])
    book.active.append(["kassel", "Magistrat", "kreisfreie_stadt", "Str 1", "34117", "Kassel", "=2*21"])
    book.save(path)  # openpyxl stores formulas without a cached result
    with pytest.raises(RecipientError) as caught:
        load_recipients(path)
    assert str(caught.value).startswith(f"{path}: row 2: amount: cell G2 holds the formula =2*21 without a "
                                        "calculated value (open the workbook in Excel")


def test_table_from_yaml_list(tmp_path: Path) -> None:
    """This test ensures that a YAML list of mappings is a table a {%p for %} can walk, with row.items readable."""
    template = make_template(tmp_path / "templates" / "t.docx", [
        "{%p for p in recipient.items %}", "{{ p.title }}: {{ p.items }} Stück", "{%p endfor %}"])
    rows = [dict(BASE, items=[{"title": "Broschüre", "items": 3}, {"title": "Plakat", "items": 1}])]
    campaign = write_campaign(tmp_path, rows, documents=[{"id": "t", "title": "T", "template": str(template)}])
    assert [p for p in check(load_campaign(campaign)) if p.severity == "error"] == []
    result = build(load_campaign(campaign), converter=FakeConverter())
    assert ["Broschüre: 3 Stück", "Plakat: 1 Stück"] == [t for t in paragraphs(result.out / "kassel" / "t.docx") if t]


def test_table_rows_for_unknown_recipients_are_errors(tmp_path: Path) -> None:
    """This test ensures that a table row whose id is not a recipient is reported, with file, row and fix."""
    table = tmp_path / "projekte.csv"
    table.write_text("id;Projekt;Summe\nkassel;Lotsen;1.000\nkasel;Tippfehler;5\n", encoding="utf-8")
    campaign = write_campaign(tmp_path, [dict(BASE)], tables={"projekte": {"file": str(table),
                                                                         "columns": {"Summe": "number"}}})
    problems = [str(p) for p in check(load_campaign(campaign))]
    assert f"{table}: row 3: id: id 'kasel' is not in the recipient list (use an id from the recipient list, or " \
           "delete the row)" in problems
    listed = load_campaign(campaign)
    with pytest.raises(RecipientError):
        load_recipients(listed.recipients, listed.schema)


def test_max_length_is_checked(tmp_path: Path) -> None:
    """This test ensures that a value longer than its declared room fails check, naming the field and the limit."""
    campaign = write_campaign(tmp_path, [dict(BASE, your_ref="x" * 91)], columns={"your_ref": {"max_length": 90}})
    problems = [str(p) for p in check(load_campaign(campaign))]
    assert any("your_ref: has 91 characters, the letter has room for 90 (shorten it to at most 90 characters)" in p
               for p in problems)


def test_typed_rows_are_up_to_date_after_a_build(tmp_path: Path) -> None:
    """This test ensures that dates and decimals stored in the manifest compare equal on the next run."""
    rows = [dict(BASE, is_paid=True, amount=1234.5, deadline=dt.date(2017, 12, 31), topics=["Sprache"])]
    _build(tmp_path, rows)
    campaign = load_campaign(tmp_path / "campaign.yaml")
    statuses, _ = assess_all(campaign, load_recipients(campaign.recipients, campaign.schema), campaign.output.folder)
    assert [s.state for s in statuses] == ["up to date"]


def test_unknown_type_in_campaign_is_refused(tmp_path: Path) -> None:
    """This test ensures that a misspelt column type is a campaign error naming the key."""
    campaign = write_campaign(tmp_path, columns={"amount": "zahl"})
    with pytest.raises(Exception, match=r"columns\.amount\.type"):
        load_campaign(campaign)


def test_yaml_types_survive_in_the_recipient(tmp_path: Path) -> None:
    """This test ensures that the loader keeps YAML types (3 is 3, lists and mappings stay)."""
    path = tmp_path / "l.yaml"
    path.write_text(yaml.safe_dump([dict(BASE, n=3, flag=False, m={"a": 1}, l=[1, 2])]), encoding="utf-8")
    fields = load_recipients(path)[0].fields
    assert (fields["n"], fields["flag"], fields["m"], fields["l"]) == (3, False, {"a": 1}, [1, 2])


def test_yes_no_text_tested_by_if_is_refused(tmp_path: Path) -> None:
    """This test ensures that an undeclared CSV column saying "nein" cannot silently choose the true branch."""
    csv = tmp_path / "list.csv"
    csv.write_text("id;name;kind;street;postcode;city;is_paid\n"
                   "kassel;Magistrat;kreisfreie_stadt;Str 1;34117;Kassel;nein\n", encoding="utf-8")
    template = make_template(tmp_path / "templates" / "typed.docx", TEMPLATE[:5])
    campaign = _use_list(write_campaign(tmp_path, documents=[{"id": "t", "title": "T", "template": str(template)}]),
                         csv)
    problems = [str(p) for p in check(load_campaign(campaign))]
    assert f"{csv}: is_paid: holds yes/no words as text, and {template} tests it with if: the text 'nein' counts " \
           "as true there (declare it in campaign.yaml: columns: {is_paid: boolean})" in problems
    _use_list(write_campaign(tmp_path, documents=[{"id": "t", "title": "T", "template": str(template)}],
                             columns={"is_paid": "boolean"}), csv)
    assert not [p for p in check(load_campaign(campaign)) if p.severity == "error"]


def test_shipped_table_example(tmp_path: Path) -> None:
    """This test ensures that the README's table example (examples/tabelle) checks clean and fills its rows."""
    campaign = load_campaign(Path(__file__).parent.parent / "examples" / "tabelle" / "campaign.yaml")
    assert [p for p in check(campaign) if p.severity == "error"] == []
    result = build(campaign, out=tmp_path, only=["kassel", "marburg"], converter=FakeConverter())
    assert result.ok
    kassel = paragraphs(tmp_path / "kassel" / "uebersicht.docx")
    assert "WIR-Integrationslotsen" in kassel and "12.500,00\xa0€" in kassel and "31. März 2017" in kassel
    assert "Summe: 60.500,00\xa0€" in kassel
    assert "Für Universitätsstadt Marburg sind noch keine Förderlinien eingetragen." in \
        paragraphs(tmp_path / "marburg" / "uebersicht.docx")
