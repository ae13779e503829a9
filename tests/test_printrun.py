"""The print run (all bundles in one duplex-ready PDF) and the dispatch list (Versandliste)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import RECIPIENTS, FakeConverter, write_campaign
from wir_letters import build, load_campaign
from wir_letters.documents.german import address_lines
from wir_letters.outputs.dispatch import HEADERS, headers, write_dispatch_list
from wir_letters.outputs.printrun import BLANK_MARK, print_run, print_run_name

# with write_campaign: landkreis-fulda gets letter + 2-page attachment, the others letter + call + attachment
TITLES = [f"{r['id']}: {r['name']}" for r in RECIPIENTS]


def _built(tmp_path: Path, pages: int = 1, fail: tuple[str, ...] = (), **overrides: object) -> Path:
    path = write_campaign(tmp_path, **overrides)
    build(load_campaign(path), converter=FakeConverter(pages=pages, fail=fail), keep_going=True)
    return path


def _starts(reader: PdfReader) -> list[int]:
    """The 1-based page number each outline entry points to."""
    return [reader.get_destination_page_number(item) + 1 for item in reader.outline]


def _text(reader: PdfReader, number: int) -> str:
    return reader.pages[number - 1].extract_text()


@pytest.mark.parametrize("pages", [1, 2, 3])  # bundles of 3, 4, 4 / 4, 6, 6 / 5, 8, 8 pages
def test_every_recipient_starts_on_an_odd_page(tmp_path: Path, pages: int) -> None:
    """This test ensures that each bundle, odd or even in length, starts on the front of a sheet
    and that the blank pages added for it say "Leerseite"."""
    done = print_run(load_campaign(_built(tmp_path, pages=pages)))
    reader = PdfReader(done.pdf)
    # bundle lengths: 1 document + 2 attachment pages, or 2 documents + 2 attachment pages
    lengths = [pages + 2, 2 * pages + 2, 2 * pages + 2]
    starts = _starts(reader)
    assert all(start % 2 == 1 for start in starts)
    assert starts[0] == 3  # after the cover page and its back
    for start, length, following in zip(starts, lengths, [*starts[1:], len(reader.pages) + 1]):
        padding = following - start - length
        assert padding == length % 2
        if padding:
            assert _text(reader, following - 1).strip() == BLANK_MARK
        assert BLANK_MARK not in _text(reader, start)
    assert len(reader.pages) % 2 == 0
    assert _text(reader, 2).strip() == BLANK_MARK


def test_outline_names_the_recipients_in_list_order(tmp_path: Path) -> None:
    """This test ensures that the outline has one entry per recipient, in the recipient list's order."""
    done = print_run(load_campaign(_built(tmp_path)))
    assert [item.title for item in PdfReader(done.pdf).outline] == TITLES
    assert done.pdf.name == "Testkampagne-druck.pdf" and done.pdf.parent.name == "_print"


def test_postcode_sort_presorts_for_the_post(tmp_path: Path) -> None:
    """This test ensures that ``sort="postcode"`` orders the bundles by postcode, keeping the list
    order within one postcode."""
    done = print_run(load_campaign(_built(tmp_path)), sort="postcode")
    titles = [item.title for item in PdfReader(done.pdf).outline]
    assert titles == [TITLES[1], TITLES[0], TITLES[2]]  # 34117 Kassel, then the two 36037 Fulda


def test_separator_sheets_keep_duplex_parity(tmp_path: Path) -> None:
    """This test ensures that a separator sheet names the recipient, has a blank back, and the
    bundle after it still starts on an odd page."""
    done = print_run(load_campaign(_built(tmp_path)), separator=True)
    reader = PdfReader(done.pdf)
    starts = _starts(reader)
    assert starts == [3, 9, 15]  # separator 2 + bundle 3 + 1 blank; separator 2 + bundle 4; ...
    for start, recipient in zip(starts, RECIPIENTS):
        assert recipient["id"] in _text(reader, start) and recipient["name"] in _text(reader, start)
        assert _text(reader, start + 1).strip() == BLANK_MARK
        assert BLANK_MARK not in _text(reader, start + 2)
    assert done.pages == len(reader.pages) == 20


def test_cover_page_counts_recipients_sheets_and_pages(tmp_path: Path, german: None) -> None:
    """This test ensures that the cover page shows the counts of the PDF it begins."""
    done = print_run(load_campaign(_built(tmp_path)))
    reader = PdfReader(done.pdf)
    cover = _text(reader, 1)
    assert (done.recipients, done.pages, done.sheets) == (3, 14, 7)  # cover 2 + (3 + blank) + 4 + 4
    assert len(reader.pages) == done.pages
    assert "Testkampagne" in cover and "16.01.2017" in cover
    assert "Empfänger: 3" in cover and "Blätter (beidseitig): 7" in cover and "Seiten: 14" in cover


def test_a_failed_recipient_is_left_out_and_named(tmp_path: Path, german: None) -> None:
    """This test ensures that a recipient whose last build failed is not printed, is named on the
    cover page and is listed as failed in the dispatch list."""
    done = print_run(load_campaign(_built(tmp_path, fail=("kassel",))))
    reader = PdfReader(done.pdf)
    assert [item.title for item in reader.outline] == [TITLES[0], TITLES[2]]
    assert [item.recipient.id for item in done.missing] == ["kassel"]
    assert "kassel: Magistrat der Stadt Kassel" in _text(reader, 1)
    assert "Empfänger: 2" in _text(reader, 1)
    sheet = openpyxl.load_workbook(done.dispatch.xlsx).active
    assert sheet is not None
    assert [(row[1], row[7], row[11]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("landkreis-fulda", 3, "erstellt"), ("kassel", 0, "fehlgeschlagen"), ("fulda", 4, "erstellt")]


def test_dispatch_list_xlsx_has_a_bold_frozen_header_and_the_values(tmp_path: Path, german: None) -> None:
    """This test ensures that the XLSX dispatch list has German headers, bold and frozen, sized
    columns, wrapped addresses and one row per recipient with pages, sheets, date and hash."""
    path = _built(tmp_path)
    listed = write_dispatch_list(load_campaign(path))
    sheet = openpyxl.load_workbook(listed.xlsx).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == GERMAN_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    assert sheet["C2"].alignment.wrap_text
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [1, 2, 3]
    first = rows[0]
    assert first[1] == "landkreis-fulda"
    assert first[2] == "\n".join(address_lines(RECIPIENTS[0]))
    assert str(first[2]).splitlines()[-1] == "36037 Fulda"
    assert first[3:6] == ("36037", "Fulda", None)
    assert first[6] == "Anschreiben, Aktionsplan II"
    assert rows[1][6] == "Anschreiben, Ausschreibung, Aktionsplan II"
    assert (first[7], first[8]) == (3, 2) and (rows[1][7], rows[1][8]) == (4, 2)
    assert first[9] == dt.datetime(2017, 1, 16)
    bundle = tmp_path / "out" / "landkreis-fulda.pdf"
    assert first[10] == hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert first[11] == "erstellt"


GERMAN_HEADERS = ["Nr.", "ID", "Anschrift", "PLZ", "Ort", "E-Mail", "Dokumente", "Seiten", "Blätter", "Datum", "SHA-256",
                  "Status"]


def test_dispatch_list_headings_follow_the_language(german: None) -> None:
    """This test ensures that the headings are German under a German locale and English otherwise
    (the English ones are the catalog's message ids)."""
    from wir_letters.i18n import set_language

    assert headers() == GERMAN_HEADERS
    set_language("en")
    assert headers() == HEADERS and headers()[2] == "Address"


def test_dispatch_list_csv_is_for_german_excel(tmp_path: Path, german: None) -> None:
    """This test ensures that the CSV dispatch list is UTF-8 with BOM, separated by semicolons,
    with the same rows as the XLSX and the date written the German way."""
    listed = write_dispatch_list(load_campaign(_built(tmp_path)))
    raw = listed.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with listed.csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == GERMAN_HEADERS
    assert [row[1] for row in rows[1:]] == [r["id"] for r in RECIPIENTS]
    assert rows[1][2].splitlines()[-1] == "36037 Fulda" and "Wörthstraße 15" in rows[1][2]
    assert rows[1][7:10] == ["3", "2", "16.01.2017"]


def test_cli_print_run_writes_the_files_and_says_where(tmp_path: Path, run_cli) -> None:
    """This test ensures that ``wir-letters print-run`` exits 0 and prints the files it wrote."""
    path = _built(tmp_path)
    done = run_cli("print-run", "-c", str(path), "--sort", "postcode", "--separator")
    assert done.code == 0, done.err
    assert "Testkampagne-druck.pdf" in done.out and "3 recipients" in done.out and "versandliste.xlsx" in done.out
    for name in ("Testkampagne-druck.pdf", "versandliste.xlsx", "versandliste.csv"):
        assert (tmp_path / "out" / "_print" / name).is_file()


def test_cli_print_run_with_a_failed_recipient_exits_1_naming_it(tmp_path: Path, run_cli) -> None:
    """This test ensures that ``print-run`` exits 1 and names a recipient left out of the print run."""
    path = _built(tmp_path, fail=("kassel",))
    done = run_cli("print-run", "-c", str(path), "--out", str(tmp_path / "out"))
    assert done.code == 1
    assert "kassel (Magistrat der Stadt Kassel)" in done.err and "missing from the print run" in done.err
    assert (tmp_path / "out" / "_print" / "Testkampagne-druck.pdf").is_file()


def test_cli_print_run_before_any_build_names_everyone(tmp_path: Path, run_cli) -> None:
    """This test ensures that a print run without a build exits 1 and says to build first."""
    path = write_campaign(tmp_path)
    done = run_cli("print-run", "-c", str(path))
    assert done.code == 1
    assert "3 recipient(s) missing" in done.err and "run wir-letters build" in done.err


def test_build_writes_the_print_run_when_the_campaign_asks(tmp_path: Path, run_cli,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that ``output.print_run: true`` makes a successful ``build`` write the
    print run and the dispatch list too."""
    path = write_campaign(tmp_path, output={"folder": "out", "print_run": True})
    import wir_letters.builder.build as building

    real_build = building.build
    monkeypatch.setattr(building, "build", lambda *a, **k: real_build(*a, **k, converter=FakeConverter()))
    done = run_cli("build", "-c", str(path), "-q")
    assert done.code == 0, done.err
    assert "print run:" in done.out
    reader = PdfReader(tmp_path / "out" / "_print" / "Testkampagne-druck.pdf")
    assert [item.title for item in reader.outline] == TITLES
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["output"]["print_run"] is True



def test_print_run_is_named_after_the_campaign_title(tmp_path: Path) -> None:
    """This test ensures that the print run's file name is the campaign title made file-safe."""
    path = write_campaign(tmp_path, title="Landesprogramm WIR 2017 – Ausschreibungen")
    assert print_run_name(load_campaign(path)) == "Landesprogramm-WIR-2017-Ausschreibungen-druck.pdf"
