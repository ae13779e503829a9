"""The shipped cover letter, measured from the PDF: DIN 5008 Form B geometry and content rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import SHIPPED_CAMPAIGN
from tests.pdftext import find, page_texts, placed_text
from wir_letters import BuildResult, build, load_campaign, load_recipients
from wir_letters.recipients import RawRow, validate_rows

pytestmark = pytest.mark.libreoffice

CAMPAIGN = load_campaign(SHIPPED_CAMPAIGN)
RECIPIENTS = {r.id: r for r in load_recipients(CAMPAIGN.recipients)}

# DIN 5008 Form B, in mm from the top-left corner of the page
ADDRESS_LEFT, ADDRESS_RIGHT = 20.0, 105.0
ADDRESS_ZONE_TOP, ADDRESS_FIELD_BOTTOM = 45.0 + 17.7, 45.0 + 45.0
INFO_BLOCK_LEFT = 125.0


def letter(build_result: BuildResult, rid: str) -> Path:
    return build_result.out / rid / "anschreiben.pdf"


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
    for label in ("Geschäftszeichen", "Dokument-Nr.", "Bearbeiter/in", "Durchwahl", "Fax", "E-Mail",
                  "Ihr Zeichen", "Ihre Nachricht", "Datum"):
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


def test_contact_person_in_address_and_salutation(tmp_path: Path) -> None:
    row = dict(RECIPIENTS["landkreis-fulda"].fields, contact_salutation="Frau", contact_role="Landrätin",
               contact_title="Dr.", contact_first_name="Anna", contact_last_name="Beispiel",
               your_ref="I/3-2016", your_message="12. Dezember 2016")
    result = build(CAMPAIGN, validate_rows(Path("inline"), [RawRow(1, row)]), out=tmp_path, only=["landkreis-fulda"])
    assert not result.failed, result.failed
    pdf = tmp_path / "landkreis-fulda" / "anschreiben.pdf"
    items = placed_text(pdf)
    person = find(items, "Frau Landrätin Dr. Anna Beispiel")
    assert ADDRESS_ZONE_TOP < person.y_mm <= ADDRESS_FIELD_BOTTOM
    assert find(items, "I/3-2016").x_mm >= INFO_BLOCK_LEFT
    assert "Sehr geehrte Frau Landrätin, mit dem Landesprogramm" in page_texts(pdf)[0]
