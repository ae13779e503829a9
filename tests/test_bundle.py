"""A recipient's bundle: every part's pages, one bookmark each, and what an attachment's pages need."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
from pypdf import PdfReader

from wir_letters.pdf.bundle import BundlePart, is_pdf_a, write_bundle

DAY = dt.date(2017, 1, 16)


def _letter(path: Path) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    return path


def _form_with_named_link(path: Path) -> Path:
    """Two pages: a text field and a link to the named destination "kap2" on page 1, "kap2" on page 2."""
    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(595, 842))
    first, second = pdf.pages
    field = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("Antragsteller"),
        V=pikepdf.String("Muster"), Rect=[100, 700, 300, 720], F=4, P=first.obj))
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[100, 600, 300, 620], Border=[0, 0, 0],
        A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.String("kap2"))))
    first.Annots = pdf.make_indirect(pikepdf.Array([field, link]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field], NeedAppearances=True)
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(
        Names=[pikepdf.String("kap2"), pikepdf.Array([second.obj, pikepdf.Name.Fit])]))
    pdf.save(path)
    return path


def test_an_attachments_form_fields_and_named_links_still_work_in_the_bundle(tmp_path: Path) -> None:
    """This test ensures that an attached application form keeps its fields, and a link that jumps to a
    named destination (a table of contents) still lands on its page, with one bookmark per part."""
    letter, form = _letter(tmp_path / "brief.pdf"), _form_with_named_link(tmp_path / "antrag.pdf")
    bundles = []
    for n in range(2):
        with pikepdf.open(letter) as one, pikepdf.open(form) as two:
            target = tmp_path / f"bundle{n}.pdf"
            pages = write_bundle([BundlePart("Anschreiben", one), BundlePart("Antrag – Förderung", two)], target,
                                 title="WIR – Kassel", author="Ministerium", day=DAY)
            bundles.append(target)
    assert pages == 3
    reader = PdfReader(bundles[0])
    assert [item.title for item in reader.outline] == ["Anschreiben", "Antrag – Förderung"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 1]
    assert list(reader.get_fields() or {}) == ["Antragsteller"]
    assert reader.get_destination_page_number(reader.named_destinations["kap2"]) == 2
    assert reader.metadata is not None and reader.metadata.title == "WIR – Kassel"
    assert bundles[0].read_bytes() == bundles[1].read_bytes()


def test_an_encrypted_or_damaged_pdf_is_not_pdf_a(tmp_path: Path) -> None:
    """This test ensures that asking whether a locked or broken attachment is PDF/A gives no, not a crash."""
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(_letter(tmp_path / "plain.pdf")) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a PDF")
    assert not is_pdf_a(locked) and not is_pdf_a(broken)
