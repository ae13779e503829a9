"""Recipient lists: YAML, CSV as German Excel writes it, XLSX, and the errors for bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from wir_letters import RecipientError, load_recipients

HEADER = ["id", "name", "kind", "street", "postcode", "city", "contact_last_name", "Bemerkung"]
ROWS = [
    ["landkreis-fulda", "Kreisausschuss des Landkreises Fulda", "landkreis", "Wörthstraße 15", "36037", "Fulda",
     "Groß", "Änderung: ß & ü"],
    ["saalfeld", "Landratsamt Saalfeld-Rudolstadt", "landkreis", "Schloßstraße 24", "07318", "Saalfeld/Saale",
     "", ""],
]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


def _records(path: Path) -> list[dict[str, str]]:
    return [dict(r.fields) for r in load_recipients(path)]


def test_csv_yaml_and_xlsx_give_the_same_records(tmp_path: Path) -> None:
    """This test ensures that the four input forms office staff use yield identical records."""
    semicolon_cp1252 = tmp_path / "excel-semicolon.csv"
    semicolon_cp1252.write_bytes(_csv([HEADER, *ROWS], ";").encode("cp1252"))
    bom_utf8 = tmp_path / "excel-utf8.csv"
    bom_utf8.write_bytes(_csv([HEADER, *ROWS], ",").encode("utf-8-sig"))
    as_yaml = tmp_path / "list.yaml"
    as_yaml.write_text(yaml.safe_dump([dict(zip(HEADER, row)) for row in ROWS], allow_unicode=True), "utf-8")
    as_xlsx = tmp_path / "list.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])  # Excel stores 07318 as 7318
    workbook.save(as_xlsx)
    assert sheet.cell(3, 5).value == 7318

    expected = _records(as_yaml)
    assert expected[1]["postcode"] == "07318"
    assert expected[0]["Bemerkung"] == "Änderung: ß & ü"
    assert expected[1]["contact_role"] == ""  # optional columns always present
    for path in (semicolon_cp1252, bom_utf8, as_xlsx):
        assert _records(path) == expected, path.name


def test_csv_with_quoted_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('id;name;kind;street;postcode;city\nx;"Magistrat; Stadt ""A""";landkreis;S 1;12345;A\n', "utf-8")
    assert load_recipients(path)[0].name == 'Magistrat; Stadt "A"'


def _error(path: Path) -> str:
    with pytest.raises(RecipientError) as caught:
        load_recipients(path)
    return str(caught.value)


def test_duplicate_id_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(_csv([HEADER[:6], ROWS[0][:6], ROWS[0][:6]], ";"), "utf-8")
    message = _error(path)
    assert f"{path}: row 3 (landkreis-fulda): id: duplicate id 'landkreis-fulda', first used in row 2" in message


def test_missing_required_column_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "nocity.csv"
    path.write_text(_csv([HEADER[:5], ROWS[0][:5]], ";"), "utf-8")
    assert f"{path}: header: missing required column(s): city" in _error(path)


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump([
        {"id": "Bad Id", "name": "A", "kind": "landkreis", "street": "S", "postcode": "1234x", "city": "C"},
        {"id": "ok", "name": "", "kind": "landkreis", "street": "S", "postcode": "12345", "city": "C"},
    ]), "utf-8")
    message = _error(path)
    assert "row 1 (Bad Id): id: id 'Bad Id' is not safe as a file name" in message
    assert "row 1 (Bad Id): postcode: postcode '1234x' is not five digits" in message
    assert "row 2 (ok): name: is empty" in message


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "list.ods"
    path.write_bytes(b"x")
    assert "unsupported file type '.ods'" in _error(path)


def test_shipped_list_has_the_33_units() -> None:
    recipients = load_recipients(Path(__file__).parent.parent / "recipients" / "hessen-2017.yaml")
    kinds = [r.fields["kind"] for r in recipients]
    assert (len(recipients), kinds.count("landkreis"), kinds.count("kreisfreie_stadt"),
            kinds.count("sonderstatusstadt")) == (33, 21, 5, 7)


def test_shipped_excel_copy_matches_the_yaml_list() -> None:
    """The XLSX for office staff holds exactly the records of the YAML list."""
    folder = Path(__file__).parent.parent / "recipients"
    as_yaml = [dict(r.fields) for r in load_recipients(folder / "hessen-2017.yaml")]
    as_xlsx = [dict(r.fields) for r in load_recipients(folder / "hessen-2017.xlsx")]
    assert as_xlsx == as_yaml
