"""Spreadsheets as office staff save them: CSV encodings and separators, German and Word-style
headers, ``columns: {x: {header: …}}``, and the sheets of a workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import RECIPIENTS, FakeConverter, make_template, write_campaign
from wir_letters import CampaignError, RecipientError, build, load_campaign, load_recipients
from wir_letters.inputs._headers import ALIASES, header_key
from wir_letters.inputs.recipients import BUILTIN_COLUMNS

GERMAN = [" Kennung", "BEHÖRDE ", "typ", "Strasse", "plz", "Ort", "Anrede", "Titel", "Vorname", "Nachname",
          "Funktion", "E-Mail-Adresse", "Ihr Zeichen", "Ihre Nachricht vom", " Bemerkung "]
COLUMNS = ["id", "name", "kind", "street", "postcode", "city", "contact_salutation", "contact_title",
           "contact_first_name", "contact_last_name", "contact_role", "email", "your_ref", "your_message", "Bemerkung"]
ROWS = [
    ["landkreis-fulda", "Kreisausschuss des Landkreises Fulda, Fachdienst Integration", "landkreis",
     "Wörthstraße 15", "36037", "Fulda", "Frau", "Dr.", "Anna", "Groß", "Landrätin",
     "poststelle@landkreis-fulda.de", "I/2-4711", "12.01.2017", "Änderung: ß & ü"],
    ["kassel", 'Magistrat der Stadt Kassel; "Dezernat V"', "kreisfreie_stadt", "Obere Königsstraße 8", "34117",
     "Kassel", "", "", "", "", "", "", "", "", ""],
]
BYTE_FIX = "save it from Excel as 'CSV UTF-8' and read that file"


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ";") -> Path:
    """Write ``rows`` with Python's csv module (quoting what needs it), as Excel would."""
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def _error(path: Path) -> str:
    with pytest.raises(RecipientError) as caught:
        load_recipients(path)
    return str(caught.value)


def _workbook(path: Path, sheets: dict[str, list[dict[str, str]]]) -> Path:
    """Write an .xlsx with one sheet per entry: a header row of the built-in names, then the rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        header = ["id", "name", "kind", "street", "postcode", "city"]
        sheet.append(header)
        for row in rows:
            sheet.append([row[name] for name in header])
    workbook.save(path)
    return path


def _list_key(campaign: Path, value: object) -> Path:
    """Set ``recipients:`` of a campaign written by ``write_campaign`` (whose ``recipients`` are rows)."""
    data = yaml.safe_load(campaign.read_text(encoding="utf-8"))
    campaign.write_text(yaml.safe_dump({**data, "recipients": value}, allow_unicode=True), encoding="utf-8")
    return campaign


SHEETS = {"Hessen": RECIPIENTS[1:], "Thüringen": [dict(RECIPIENTS[1], id="erfurt", city="Erfurt")],
          "Notizen": [dict(RECIPIENTS[2], id="notiz")]}


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_every_encoding_and_separator_gives_the_same_records(tmp_path: Path, encoding: str,
                                                              delimiter: str) -> None:
    """This test ensures that a CSV in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252,
    separated by ';', ',' or tab, with German headers in odd case and spacing and a separator
    inside a quoted name, gives the records of the YAML list, plus each header as written."""
    path = _write_csv(tmp_path / "liste.csv", [GERMAN, *ROWS], encoding, delimiter)
    as_yaml = tmp_path / "liste.yaml"
    as_yaml.write_text(yaml.safe_dump([dict(zip(COLUMNS, row)) for row in ROWS], allow_unicode=True), "utf-8")
    expected = [dict(r.fields) for r in load_recipients(as_yaml)]
    records = [dict(r.fields) for r in load_recipients(path)]
    assert [{k: record[k] for k in want} for record, want in zip(records, expected)] == expected
    assert records[1]["name"] == 'Magistrat der Stadt Kassel; "Dezernat V"'
    assert (records[0]["contact_last_name"], records[0]["Bemerkung"]) == ("Groß", "Änderung: ß & ü")
    assert set(records[0]) - set(expected[0]) == {name.strip() for name in GERMAN} - {"Bemerkung"}
    assert (records[0]["plz"], records[0]["Kennung"], records[0]["BEHÖRDE"]) == \
           ("36037", "landkreis-fulda", ROWS[0][1])


def test_headers_as_written_serve_word_merge_fields(run_cli, tmp_path: Path) -> None:
    """This test ensures that a mapped header keeps its own name too (a Word template's MERGEFIELD
    PLZ or {{ recipient.Ort }} still works), without "no template uses this column" notes for it."""
    path = _write_csv(tmp_path / "liste.csv", [GERMAN[:7], ROWS[0][:7]])
    campaign = write_campaign(tmp_path)
    make_template(tmp_path / "templates" / "call.docx", ["{{ recipient.plz }} {{ recipient.Ort }} {{ Anrede }}"])
    result = run_cli("check", "-c", str(campaign), "--recipients", str(path))
    assert (result.code, result.err, result.out) == (0, "", "OK: 1 recipients, 2 documents, 1 attachments\n")


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """This test ensures that Excel's "Unicode Text" (UTF-16LE with BOM, tab-separated, CRLF) is read."""
    path = tmp_path / "unicode.txt.csv"
    text = "\r\n".join("\t".join(row) for row in [GERMAN[:6], ROWS[0][:6]]) + "\r\n"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert load_recipients(path)[0].fields["street"] == "Wörthstraße 15"


def test_a_byte_no_encoding_knows_is_one_clear_error(tmp_path: Path) -> None:
    """This test ensures that a byte invalid in UTF-8 and Windows-1252 (0x81, from a DOS code page)
    gives one error naming file, line, byte and fix, not a UnicodeDecodeError."""
    path = tmp_path / "dos.csv"
    path.write_bytes(b"id;name;kind;street;postcode;city\r\nkassel;Stadt Kassel;kreisfreie_stadt;S 1;34117;Kassel\r\n"
                     b"muenchen;Stadt M\x81nchen;kreisfreie_stadt;S 2;80331;M\x81nchen\r\n")
    assert _error(path) == (f"{path}: line 3: the byte 0x81 in 'Stadt M[0x81]nchen' is not a character in UTF-8 or "
                            f"Windows-1252 ({BYTE_FIX})")


def test_a_bad_byte_after_a_utf8_mark_names_utf8(tmp_path: Path) -> None:
    """This test ensures that a file announcing UTF-8 by its BOM but holding a Windows-1252 byte is
    refused (not read with a wrong guess), naming the line and the byte."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbfid;name;kind;street;postcode;city\r\nx;M\xfcnchen;landkreis;S 1;80331;M\r\n")
    assert _error(path) == (f"{path}: line 2: the byte 0xFC in 'M[0xFC]nchen' is not a character in UTF-8, "
                            f"which the file's byte-order mark announces ({BYTE_FIX})")


def test_the_cli_shows_the_bad_byte_once_with_exit_1(run_cli, tmp_path: Path) -> None:
    """This test ensures that `check` prints the encoding error once, with no traceback, and exits 1."""
    campaign = write_campaign(tmp_path)
    path = tmp_path / "dos.csv"
    path.write_bytes(b"id;name;kind;street;postcode;city\r\nx;M\x81nchen;landkreis;S 1;80331;M\r\n")
    result = run_cli("check", "-c", str(campaign), "--recipients", str(path))
    assert result.code == 1
    assert result.err == (f"{path}\n  error: line 2: the byte 0x81 in 'M[0x81]nchen' is not a character in UTF-8 "
                          f"or Windows-1252 ({BYTE_FIX})\n1 error(s), 0 note(s): nothing was written.\n")


@pytest.mark.parametrize("header", ["id|name|kind|street|postcode|city", "id name kind street postcode city"])
def test_an_unknown_separator_is_one_clear_error(tmp_path: Path, header: str) -> None:
    """This test ensures that a header no understood separator splits ('|', or one column) is one
    error saying which separators are understood."""
    path = tmp_path / "pipes.csv"
    path.write_text(f"{header}\nx|y|landkreis|S 1|12345|A\n", "utf-8")
    assert _error(path) == (f"{path}: line 1: cannot tell the columns apart in the header {header!r}: the "
                            "separators understood are ';', ',' and tab (save it from Excel as 'CSV UTF-8', or "
                            "separate the columns with ';')")


def test_two_headers_for_one_column_are_one_error(tmp_path: Path) -> None:
    """This test ensures that 'PLZ' and 'Postleitzahl' in one header are one error naming both."""
    path = _write_csv(tmp_path / "twice.csv", [["id", "Name", "Art", "Straße", "PLZ", "Ort", "Postleitzahl"],
                                               ["x", "y", "landkreis", "S 1", "12345", "A", "12345"]])
    assert _error(path) == (f"{path}: header: postcode: the columns E ('PLZ') and G ('Postleitzahl') are both read "
                            "as postcode (delete one of them, or rename it)")


def test_a_header_spelt_as_the_column_wins_over_its_aliases(tmp_path: Path) -> None:
    """This test ensures that next to a header spelt exactly as a built-in column ('name'), a header
    that would be its alias ('Company Name', 'PLZ') stays a column of its own instead of an error."""
    header = ["id", "name", "kind", "street", "postcode", "city", "Company Name", "PLZ"]
    path = _write_csv(tmp_path / "both.csv", [header, ["x", "Stadt A", "landkreis", "S 1", "12345", "A", "A GmbH",
                                                       "99999"]])
    fields = load_recipients(path)[0].fields
    assert (fields["name"], fields["Company Name"], fields["postcode"], fields["PLZ"]) == \
           ("Stadt A", "A GmbH", "12345", "99999")


def test_a_missing_column_is_named_once_with_the_closest_header(run_cli, tmp_path: Path) -> None:
    """This test ensures that a misspelt required header gives one error (recognised columns, the
    header that looks like the missing one, the fix), printed once and without follow-on errors
    for the template tags that read the columns."""
    campaign = write_campaign(tmp_path)
    path = _write_csv(tmp_path / "typo.csv", [["ID", "Name", "Art", "Straße", "Postleitzal", "Ort", "Bemerkung"],
                                              ["x", "y", "landkreis", "S 1", "12345", "A", ""]])
    result = run_cli("check", "-c", str(campaign), "--recipients", str(path))
    assert result.code == 1
    assert result.err == (
        f"{path}\n  error: header: missing required column(s): postcode; recognised: id, name, kind, street, city; "
        "not recognised: 'Postleitzal', 'Bemerkung' ('Postleitzal' looks like postcode: rename it to PLZ, or map it "
        "in campaign.yaml: columns: {postcode: {header: 'Postleitzal'}})\n"
        "1 error(s), 0 note(s): nothing was written.\n")


def test_headers_in_campaign_yaml_map_any_column(tmp_path: Path) -> None:
    """This test ensures that columns: {x: {header: …}} maps a header (case and spaces ignored) to a
    built-in or own column, overriding an alias ("Name" as the contact's last name), and that a
    declared column matches its header in any case."""
    path = _write_csv(tmp_path / "own.csv", [
        ["id", "Behörde", "kind", "ANSCHRIFT zeile 1", "PLZ", "Ort", "Name", "Betrag (EUR)", "FRIST"],
        ["kassel", "Magistrat der Stadt Kassel", "kreisfreie_stadt", "Obere Königsstraße 8", "34117", "Kassel",
         "Beispiel", "1.234,50", "31.12.2017"]])
    campaign = write_campaign(tmp_path, recipients=[], columns={
        "street": {"header": "Anschrift Zeile 1"}, "contact_last_name": {"header": "Name"},
        "amount": {"type": "number", "header": "Betrag (EUR)"}, "Frist": "date"})
    schema = load_campaign(campaign).schema
    assert schema.headers == {"Anschrift Zeile 1": "street", "Name": "contact_last_name", "Betrag (EUR)": "amount"}
    fields = load_recipients(path, schema)[0].fields
    assert (fields["street"], fields["contact_last_name"], fields["name"]) == \
           ("Obere Königsstraße 8", "Beispiel", "Magistrat der Stadt Kassel")
    assert (str(fields["amount"]), fields["Frist"].isoformat()) == ("1234.50", "2017-12-31")


def test_one_header_for_two_columns_in_campaign_yaml_is_refused(tmp_path: Path) -> None:
    """This test ensures that campaign.yaml cannot give the same header to two columns."""
    campaign = write_campaign(tmp_path, columns={"street": {"header": "Adresse 1"}, "x": {"header": "adresse 1"}})
    with pytest.raises(CampaignError) as caught:
        load_campaign(campaign)
    assert str(caught.value) == (f"{campaign}: columns: Value error, the header(s) 'Adresse 1', 'adresse 1' are "
                                 "given for more than one column (got {'street': {'header': 'Adresse 1'}, "
                                 "'x': {'header': 'adresse 1'}})")


def test_table_files_match_id_in_any_case_and_keep_other_headers(tmp_path: Path) -> None:
    """This test ensures that a per-recipient table's ' ID ' header means id, while its other headers
    (even 'Titel', an alias in the recipient list) keep their text."""
    table = _write_csv(tmp_path / "projekte.csv", [[" ID ", "Titel", "summe"], ["kassel", "Lotsen", "1.000"]])
    campaign = load_campaign(write_campaign(tmp_path, tables={"projekte": {"file": str(table),
                                                                         "columns": {"Summe": "number"}}}))
    kassel = next(r for r in load_recipients(campaign.recipients, campaign.schema) if r.id == "kassel")
    assert [(row["Titel"], str(row["Summe"])) for row in kassel.fields["projekte"]] == [("Lotsen", "1000")]


def test_aliases_cover_the_builtin_columns_without_clashes() -> None:
    """This test ensures that every built-in column has aliases and that no alias means two columns."""
    assert set(ALIASES) == BUILTIN_COLUMNS
    keys = [(header_key(name), column) for column, names in ALIASES.items() for name in (column, *names)]
    assert len({key for key, _ in keys}) == len(set(keys))
    assert header_key(" Straße ") == header_key("strasse") == "strasse"


def test_check_names_the_sheet_it_read(run_cli, tmp_path: Path) -> None:
    """This test ensures that with several sheets and none named, the first is read and `check`
    says so in a note, which neither fails `check` nor stops a build."""
    workbook = _workbook(tmp_path / "liste.xlsx", SHEETS)
    campaign = _list_key(write_campaign(tmp_path), "liste.xlsx")
    result = run_cli("check", "-c", str(campaign))
    assert result.code == 0
    assert result.err == (f"{workbook}\n  note: read sheet 'Hessen', the first of 3 ('Thüringen', 'Notizen' not "
                          "read) (pick another with --sheet NAME or recipients: {file: …, sheet: NAME} in "
                          "campaign.yaml)\n")
    assert result.out == "OK: 2 recipients, 2 documents, 1 attachments, 1 note(s)\n"
    built = build(load_campaign(campaign), converter=FakeConverter())
    assert built.ok and [r.id for r in built.results] == ["kassel", "fulda"]


def test_sheet_option_picks_the_sheet(run_cli, tmp_path: Path) -> None:
    """This test ensures that --sheet NAME on check and status reads that sheet, without a note."""
    workbook = _workbook(tmp_path / "liste.xlsx", SHEETS)
    campaign = write_campaign(tmp_path)
    checked = run_cli("check", "-c", str(campaign), "--recipients", str(workbook), "--sheet", "Thüringen")
    assert (checked.code, checked.err, checked.out) == (0, "", "OK: 1 recipients, 2 documents, 1 attachments\n")
    status = run_cli("status", "-c", str(campaign), "--recipients", str(workbook), "--sheet", "thüringen ")
    assert status.code == 0
    assert status.out.splitlines()[0] == "erfurt: new"


def test_sheet_in_campaign_yaml(run_cli, tmp_path: Path) -> None:
    """This test ensures that recipients: {file, sheet} reads that sheet, and that a list of its own
    given with --recipients is not read with the campaign's sheet."""
    workbook = _workbook(tmp_path / "liste.xlsx", SHEETS)
    campaign = _list_key(write_campaign(tmp_path), {"file": "liste.xlsx", "sheet": "Thüringen"})
    loaded = load_campaign(campaign)
    assert (loaded.recipients, loaded.sheet) == (workbook, "Thüringen")
    assert [r.id for r in load_recipients(loaded.recipients, loaded.schema)] == ["erfurt"]
    other = run_cli("check", "-c", str(campaign), "--recipients", str(tmp_path / "recipients.yaml"))
    assert (other.code, other.out) == (0, "OK: 3 recipients, 2 documents, 1 attachments\n")


def test_an_unknown_sheet_lists_the_sheets(run_cli, tmp_path: Path) -> None:
    """This test ensures that an unknown sheet (campaign.yaml or --sheet) is an error listing the
    sheets, exit 1, and that build writes nothing."""
    workbook = _workbook(tmp_path / "liste.xlsx", SHEETS)
    message = (f"{workbook}\n  error: the workbook has no sheet 'Bayern'; its sheets: 'Hessen', 'Thüringen', "
               "'Notizen' (use one of these names with --sheet or sheet: in campaign.yaml)\n")
    campaign = _list_key(write_campaign(tmp_path), {"file": "liste.xlsx", "sheet": "Bayern"})
    checked = run_cli("check", "-c", str(campaign))
    assert (checked.code, checked.err) == (1, message + "1 error(s), 0 note(s): nothing was written.\n")
    built = run_cli("build", "-c", str(write_campaign(tmp_path)), "--recipients", str(workbook), "--sheet", "Bayern")
    assert (built.code, built.err) == (1, message)
    assert not (tmp_path / "out").exists()


def test_a_sheet_for_a_csv_or_a_wrong_recipients_key_is_refused(run_cli, tmp_path: Path) -> None:
    """This test ensures that --sheet with a CSV list, and an unknown key under recipients:, are errors."""
    campaign = write_campaign(tmp_path)
    path = _write_csv(tmp_path / "liste.csv", [COLUMNS[:6], ROWS[1][:6]])
    result = run_cli("check", "-c", str(campaign), "--recipients", str(path), "--sheet", "Hessen")
    assert result.code == 1
    assert (f"{path}\n  error: sheet 'Hessen' was asked for, but a .csv file has no sheets (drop --sheet (or sheet: "
            "under recipients: in campaign.yaml), or read the .xlsx workbook)\n") in result.err
    wrong = _list_key(write_campaign(tmp_path), {"file": "liste.csv", "sheets": "Hessen"})
    result = run_cli("check", "-c", str(wrong))
    assert (result.code, result.err) == (1, f"{wrong}\n  error: recipients.sheets: unknown key (check the spelling "
                                            "or remove it)\n")
