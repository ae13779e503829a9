"""The shipped cover letter, measured from the PDF: DIN 5008 Form B geometry and content rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import SHIPPED_CAMPAIGN
from tests.pdftext import find, page_texts, placed_text
from wir_letters import BuildResult, build, load_campaign, load_recipients
from wir_letters.inputs.recipients import RawRow, validate_rows

pytestmark = pytest.mark.libreoffice

CAMPAIGN = load_campaign(SHIPPED_CAMPAIGN)
RECIPIENTS = {r.id: r for r in load_recipients(CAMPAIGN.recipients)}

# DIN 5008 Form B, in mm from the top-left corner of the page
ADDRESS_LEFT, ADDRESS_RIGHT = 20.0, 105.0
ADDRESS_ZONE_TOP, ADDRESS_FIELD_BOTTOM = 45.0 + 17.7, 45.0 + 45.0
INFO_BLOCK_LEFT = 125.0
INFO_VALUE_LEFT = INFO_BLOCK_LEFT + 22.0  # the value column of the information block
SUBJECT_TOP = 98.0
INFO_LABELS = ("Geschäftszeichen", "Dokument-Nr.", "Bearbeiter/in", "Durchwahl", "Fax", "E-Mail",
               "Ihr Zeichen", "Ihre Nachricht", "Datum")


def _template_generator():
    """Import tools/make_templates.py, which documents the limits of the information block."""
    path = Path(__file__).resolve().parent.parent / "tools" / "make_templates.py"
    spec = importlib.util.spec_from_file_location("make_templates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


#: The longest your_ref / your_message the information block holds (characters).
INFO_MAX_CHARS: dict[str, int] = _template_generator().INFO_MAX_CHARS


def letter(build_result: BuildResult, rid: str) -> Path:
    return build_result.out / rid / "anschreiben.pdf"


@pytest.fixture(scope="module")
def inline_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One real build of two edited recipients: a contact person (landkreis-fulda) and the
    longest information-block values of the widest letter "W" (kassel)."""
    fulda = dict(RECIPIENTS["landkreis-fulda"].fields, contact_salutation="Frau", contact_role="Landrätin",
                 contact_title="Dr.", contact_first_name="Anna", contact_last_name="Beispiel",
                 your_ref="I/3-2016", your_message="12. Dezember 2016")
    kassel = dict(RECIPIENTS["kassel"].fields, your_ref="W" * INFO_MAX_CHARS["your_ref"],
                  your_message="W" * INFO_MAX_CHARS["your_message"])
    rows = [RawRow(1, fulda), RawRow(2, kassel)]
    return build(CAMPAIGN, validate_rows(Path("inline"), rows),
                 out=tmp_path_factory.mktemp("inline") / "out", only=["landkreis-fulda", "kassel"])


def built_letter(build_result: BuildResult, rid: str) -> Path:
    """Return the letter of ``rid``, failing the test if its build failed."""
    assert not [r.error for r in build_result.failed if r.id == rid]
    return letter(build_result, rid)


@pytest.mark.parametrize("rid", ["landkreis-waldeck-frankenberg", "kassel", "bad-homburg"])
def test_address_lines_lie_in_the_din_address_zone(shipped_build: BuildResult, rid: str) -> None:
    """This test ensures that the address shows through the window of a DIN C4/DL envelope."""
    items = placed_text(letter(shipped_build, rid))
    recipient = RECIPIENTS[rid]
    first = find(items, recipient.name)
    last = find(items, f"{recipient.fields['postcode']} {recipient.fields['city']}")
    assert first.text == recipient.name  # on one line, not wrapped
    for line in (first, last):
        assert ADDRESS_LEFT <= line.x_mm < ADDRESS_RIGHT - 10
        assert ADDRESS_ZONE_TOP < line.y_mm <= ADDRESS_FIELD_BOTTOM
    return_line = find(items, "Postfach 31 40")
    assert 45.0 < return_line.y_mm < ADDRESS_ZONE_TOP


def test_information_block_and_date(shipped_build: BuildResult) -> None:
    items = placed_text(letter(shipped_build, "kassel"))
    date = find(items, "16. Januar 2017")
    assert date.x_mm >= INFO_BLOCK_LEFT and 50.0 <= date.y_mm <= 95.0
    for label in INFO_LABELS:
        assert find(items, label).x_mm >= INFO_BLOCK_LEFT - 0.5, label
    assert find(items, "VI2-59a6000-0001/2014/015").x_mm >= INFO_BLOCK_LEFT


def test_page_numbers_from_page_two(shipped_build: BuildResult) -> None:
    pages = page_texts(letter(shipped_build, "kassel"))
    assert len(pages) == 2
    assert "Seite" not in pages[0]
    assert "Seite 2 von 2" in pages[1]


def test_seed_text_salutation_and_closing(shipped_build: BuildResult) -> None:
    text = " ".join(page_texts(letter(shipped_build, "kassel")))
    assert "Sehr geehrte Damen und Herren, mit dem Landesprogramm WIR" in text
    assert "Mittel in Höhe von 1,6 Mrd. Euro zur Verfügung stellen" in text
    assert "von derzeit 4,6 Mio. Euro auf 8,85 Mio. Euro erhöht" in text
    assert "(Frau Schindel, Tel.: 0611/817-3316)" in text
    assert "Mit freundlichen Grüßen Jo Dreiseitel" in text
    assert text.count("– ") >= 4  # the four programme parts as list items


@pytest.mark.parametrize("rid", sorted(RECIPIENTS))
def test_anlagen_list_follows_the_bundle(shipped_build: BuildResult, rid: str) -> None:
    """The Anlagen list names exactly the other bookmarks of the recipient's bundle, in order."""
    titles = [item.title for item in PdfReader(shipped_build.out / f"{rid}.pdf").outline]
    text = page_texts(letter(shipped_build, rid))[-1]
    anlagen = text.split("Anlagen ", 1)[1].split(" Nachrichtlich")[0].strip()
    assert anlagen == " ".join(titles[1:])
    nachrichtlich = "Nachrichtlich" in text
    assert nachrichtlich == (RECIPIENTS[rid].fields["kind"] == "sonderstatusstadt")
    if nachrichtlich:
        assert text.endswith(f"Nachrichtlich {RECIPIENTS[rid].fields['district']}")


def test_contact_person_in_address_and_salutation(inline_build: BuildResult) -> None:
    pdf = built_letter(inline_build, "landkreis-fulda")
    items = placed_text(pdf)
    person = find(items, "Frau Landrätin Dr. Anna Beispiel")
    assert ADDRESS_ZONE_TOP < person.y_mm <= ADDRESS_FIELD_BOTTOM
    assert find(items, "I/3-2016").x_mm >= INFO_BLOCK_LEFT
    assert "Sehr geehrte Frau Landrätin, mit dem Landesprogramm" in page_texts(pdf)[0]


def test_longest_references_keep_the_date_above_the_subject(inline_build: BuildResult) -> None:
    """This test ensures that no recipient's letter goes out without a date: the longest
    your_ref and your_message (as wide as "W" can make them) wrap in the value column of the
    information block, and every row down to the date stays above the subject line."""
    items = placed_text(built_letter(inline_build, "kassel"))
    labels = {label: find(items, label) for label in INFO_LABELS}
    for label, item in labels.items():
        assert INFO_BLOCK_LEFT - 0.5 <= item.x_mm < INFO_VALUE_LEFT, label
    date = find(items, "16. Januar 2017")
    subject = find(items, "Landesprogramm WIR – Ausschreibungen 2017")
    assert date.y_mm == pytest.approx(labels["Datum"].y_mm, abs=0.1)
    assert labels["Geschäftszeichen"].y_mm < date.y_mm <= SUBJECT_TOP - 2.0 < subject.y_mm

    values = [item for item in items if item.x_mm > INFO_BLOCK_LEFT - 1 and set(item.text) == {"W"}]
    ref = [item for item in values if item.y_mm < labels["Ihre Nachricht"].y_mm - 0.1]
    message = [item for item in values if item.y_mm >= labels["Ihre Nachricht"].y_mm - 0.1]
    assert len(ref) > 1 and len(message) > 1  # both wrap
    assert sum(len(item.text) for item in ref) == INFO_MAX_CHARS["your_ref"]
    assert sum(len(item.text) for item in message) == INFO_MAX_CHARS["your_message"]
    for first, rows in ((labels["Ihr Zeichen"], ref), (labels["Ihre Nachricht"], message)):
        assert min(item.y_mm for item in rows) == pytest.approx(first.y_mm, abs=0.1)  # beside its label
        for item in rows:  # continuation lines start under the value, not under the label
            assert item.x_mm == pytest.approx(INFO_VALUE_LEFT, abs=0.5), item
    assert max(item.y_mm for item in message) < date.y_mm
