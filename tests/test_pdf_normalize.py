"""A converted PDF's bytes depend on its content only: dates, /ID and LibreOffice's object numbering."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from wir_letters.pdf._pdfnorm import normalize_pdf

DAY = dt.date(2017, 1, 16)


def _pdf(font_numbers: tuple[int, int], created: str = "D:20261128153012+01'00'") -> bytes:
    """A one-page PDF in LibreOffice's shape: two fonts whose object numbers are ``font_numbers``,
    a creation time and random-looking /ID and /DocChecksum."""
    regular, bold = font_numbers
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 %d 0 R"
            b" /F2 %d 0 R >> >> >>" % (regular, bold)),
        4: None,
        regular: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        bold: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
        7: b"<< /Producer (LibreOffice 25.2) /CreationDate (" + created.encode() + b") >>",
    }
    content = b"BT /F1 12 Tf 72 770 Td (Sehr geehrte Damen und Herren,) Tj /F2 12 Tf 0 -20 Td (WIR) Tj ET"
    objects[4] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 8\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, 8)))
    out.write(b"trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R /ID [ <%s> <%s> ] /DocChecksum /%s >>\nstartxref\n%d\n%%%%EOF\n"
              % (created.encode().hex()[:32].encode(), b"0" * 32, b"AB" * 16, xref))
    return out.getvalue()


def _text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return str(document[0].get_textpage().get_text_range())
    finally:
        document.close()


def test_font_objects_numbered_the_other_way_round_give_the_same_bytes() -> None:
    """This test ensures that LibreOffice's address-dependent font order does not change a PDF's bytes."""
    one = _pdf((5, 6))
    other = _pdf((6, 5), created="D:20261128160544+01'00'")
    assert one != other
    assert normalize_pdf(one, DAY) == normalize_pdf(other, DAY)
    normalized = normalize_pdf(one, DAY)
    assert "Sehr geehrte Damen und Herren" in _text(normalized) and "WIR" in _text(normalized)
    assert b"/CreationDate (D:20170116000000" in normalized and b"/DocChecksum" not in normalized


def test_other_content_gives_another_id() -> None:
    """This test ensures that /ID follows the content, so two different letters never share one."""
    one = normalize_pdf(_pdf((5, 6)), DAY)
    changed = normalize_pdf(_pdf((5, 6)).replace(b"(WIR)", b"(WER)"), DAY)
    ids = [data[data.index(b"/ID"):].split(b"]")[0] for data in (one, changed)]
    assert ids[0] != ids[1]


def test_a_pdf_qpdf_cannot_read_keeps_its_length_and_gets_fixed_dates() -> None:
    """This test ensures that a damaged conversion output is passed on (for the checks to report), not lost."""
    damaged = b"%PDF-1.7\n<< /CreationDate (D:20261128153012+01'00') >>\ntrailer << /ID [ <0123abcd> <0123abcd> ] >>"
    result = normalize_pdf(damaged, DAY)
    assert len(result) == len(damaged)
    assert b"D:20170116000000" in result and b"<0123abcd>" not in result
