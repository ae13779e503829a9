"""output.pdf_a: every document and bundle as PDF/A-2b for the e-file (markers checked with pypdf;
veraPDF is not available from the package registries this project installs from)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import write_campaign
from wir_letters import build, check, load_campaign
from wir_letters.pdf.bundle import is_pdf_a

pytestmark = pytest.mark.libreoffice


def _fonts_embedded(reader: PdfReader) -> list[str]:
    """The fonts of every page that are NOT embedded (PDF/A forbids them)."""
    missing = []
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for name, ref in fonts.items():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object()
                                             for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(f"{name} {font.get('/BaseFont')}")
    return missing


def test_documents_and_bundles_are_pdf_a(tmp_path: Path) -> None:
    """This test ensures that with pdf_a: 2b every PDF declares PDF/A-2b, has an output intent,
    embeds its fonts and repeats the document dates in XMP (as PDF/A requires)."""
    campaign = write_campaign(tmp_path, attachments=[], output={"folder": "out", "pdf_a": "2b"})
    result = build(load_campaign(campaign))
    assert result.ok, [r.error for r in result.failed]
    kassel = next(r for r in result.results if r.id == "kassel")
    for pdf in [kassel.bundle, *kassel.documents.values()]:
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"].get_object()
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert is_pdf_a(pdf) and "<pdfaid:part>2</pdfaid:part>" in xmp and ">B</pdfaid:conformance>" in xmp, pdf
        assert "/OutputIntents" in root, pdf
        assert _fonts_embedded(reader) == [], pdf
        assert "2017-01-16T00:00:00" in xmp and reader.metadata["/CreationDate"].startswith("D:20170116000000"), pdf
    assert all("/ID" in PdfReader(pdf).trailer for pdf in [kassel.bundle, *kassel.documents.values()])
    bundle_xmp = PdfReader(kassel.bundle).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "Testkampagne – Magistrat der Stadt Kassel" in bundle_xmp


def test_an_attachment_that_is_not_pdf_a_is_refused(tmp_path: Path) -> None:
    """This test ensures that check stops a PDF/A campaign whose attachment would break conformance."""
    campaign = write_campaign(tmp_path, output={"folder": "out", "pdf_a": "2b"})
    problems = [str(p) for p in check(load_campaign(campaign))]
    assert (f"{tmp_path / 'templates' / 'plan.pdf'}: attachments[0].file: is not PDF/A, so the bundles cannot be "
            "PDF/A (output.pdf_a) (export it again as PDF/A-2b, or drop output.pdf_a)") in problems
