"""Write ``examples/tabelle/foerderlinien.docx``: a one-page overview of a recipient's WIR funding
lines, a docxtpl ``{%tr for %}`` table over ``recipient.foerderlinien`` (see the README's "Tables").

Run from the repository root::

    .venv/bin/python tools/make_example_table.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

TARGET = Path(__file__).resolve().parent.parent / "examples" / "tabelle" / "foerderlinien.docx"


def main() -> None:
    document = Document()
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(11)
    document.add_paragraph("{{ recipient.name }}")
    document.add_paragraph("Übersicht der WIR-Förderlinien {{ campaign.date.year }}").runs[0].bold = True
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    rows = (("Förderlinie", "Betrag", "Antrag bis"),
            ("{%tr for linie in recipient.foerderlinien %}", "", ""),
            ("{{ linie.Foerderlinie }}", "{{ linie.Betrag|money }}", "{{ linie.Frist|date_de }}"),
            ("{%tr endfor %}", "", ""))
    for row, texts in zip(table.rows, rows):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    document.add_paragraph("{%p if not recipient.foerderlinien %}")
    document.add_paragraph("Für {{ recipient.unit }} sind noch keine Förderlinien eingetragen.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Summe: {{ recipient.foerderlinien|sum(attribute='Betrag')|money }}")
    document.core_properties.author = "wir_letters"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    document.save(TARGET)


if __name__ == "__main__":
    main()
