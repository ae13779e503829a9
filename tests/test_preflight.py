"""wir-letters check: one complete report; each problem names file, place, field and the fix."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from tests.conftest import RECIPIENTS, blank_pdf, make_template, write_campaign
from wir_letters import check, load_campaign


def problems_of(path: Path) -> list[str]:
    return [f"{p.severity}: {p}" for p in check(load_campaign(path))]


def test_shipped_campaign_is_clean() -> None:
    root = Path(__file__).resolve().parent.parent
    found = check(load_campaign(root / "campaign.yaml"))
    assert [p for p in found if p.severity == "error"] == []
    # notes: unused columns, and that the sample list has no e-mail addresses (unit is read by the cover e-mail)
    assert sorted(p.field for p in found) == ["email", "regierungsbezirk", "verified"]


def test_invalid_email_and_unused_column(tmp_path: Path) -> None:
    rows = [dict(RECIPIENTS[1], email="stadt kassel@kassel.de", Kostenstelle="4711")]
    path = write_campaign(tmp_path, recipients=rows)
    found = problems_of(path)
    assert (f"error: {tmp_path}/recipients.yaml: row 1 (kassel): email: e-mail address 'stadt kassel@kassel.de' "
            "is not valid (write it as name@domain.de, without spaces or a display name; separate several with ;)") in found
    assert f"note: {tmp_path}/recipients.yaml: Kostenstelle: no template or rule uses this column" in found


def _swap_template(tmp_path: Path, name: str, data: bytes) -> Path:
    target = tmp_path / "templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return write_campaign(tmp_path, documents=[{"id": "a", "title": "A", "template": f"templates/{name}"}])


def _docx_bytes(tmp_path: Path, extra: dict[str, bytes] | None = None, macro: bool = False) -> bytes:
    source = make_template(tmp_path / "base.docx", ["Hallo"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if macro and item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            dst.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make", "message"), [
    ("old.doc", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "is a Word 97-2003 .doc file, not .docx (open it in Word and save it as 'Word Document (*.docx)')"),
    ("macro.docm", lambda tmp: _docx_bytes(tmp, {"word/vbaProject.bin": b"VBA"}, macro=True),
     "contains macros (.docm); macro documents are refused"),
    ("renamed.docx", lambda tmp: _zip_of({"hello.txt": b"hi"}), "is a ZIP file but not a Word document (renamed?)"),
    ("text.docx", lambda tmp: b"Sehr geehrte Damen und Herren", "is not a Word document (.docx)"),
])
def test_templates_that_are_not_plain_docx(tmp_path: Path, name: str, make, message: str) -> None:
    path = _swap_template(tmp_path, name, make(tmp_path))
    found = problems_of(path)
    assert any(f"templates/{name}: documents[0].template: {message}" in line for line in found), found


def _zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_encrypted_and_unreadable_attachments(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(blank_pdf(1)))
    writer.encrypt("geheim")
    writer.write(tmp_path / "locked.pdf")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really")
    path = write_campaign(tmp_path, attachments=[{"title": "A", "file": "locked.pdf"},
                                                 {"title": "B", "file": "broken.pdf"}])
    found = problems_of(path)
    assert f"error: {tmp_path}/locked.pdf: attachments[0].file: is an encrypted (password-protected) PDF " \
           "(save or print an unprotected copy and name that in the campaign)" in found
    assert any(line.startswith(f"error: {tmp_path}/broken.pdf: attachments[1].file: cannot be read as a PDF")
               for line in found), found


def test_check_report_is_grouped_by_file(run_cli, tmp_path: Path) -> None:
    rows = [dict(RECIPIENTS[1], postcode="3411"), dict(RECIPIENTS[2], email="x@")]
    path = write_campaign(tmp_path, recipients=rows)
    make_template(tmp_path / "templates" / "call.docx", ["{{ recipient.fax }}"])
    result = run_cli("check", "-c", str(path))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{tmp_path}/recipients.yaml",
        "  error: row 2 (fulda): email: e-mail address 'x@' is not valid (write it as name@domain.de, without "
        "spaces or a display name; separate several with ;)",
        f"{tmp_path}/templates/call.docx",
        "  error: recipient.fax: no such column in the recipient list (add the column to the recipient list)",
        "2 error(s), 0 note(s): nothing was written.",
    ]


def test_numeric_four_digit_postcode_is_repaired_not_reported(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, recipients=[dict(RECIPIENTS[1], postcode="7548")])
    assert problems_of(path) == []


def test_notes_name_the_list_that_was_checked(tmp_path: Path, run_cli) -> None:
    path = write_campaign(tmp_path, recipients=[dict(RECIPIENTS[1], Kostenstelle="1")])
    other = tmp_path / "other.csv"
    other.write_text("id;name;kind;street;postcode;city;Projekt\nkassel;Stadt Kassel;kreisfreie_stadt;Weg 1;34117;Kassel;7\n",
                     "utf-8")
    result = run_cli("check", "-c", str(path), "--recipients", str(other))
    assert result.code == 0
    assert f"{other}\n  note: Projekt: no template or rule uses this column" in result.err
    assert "Kostenstelle" not in result.err
