"""Write recipients/hessen-2017.xlsx from recipients/hessen-2017.yaml, for office staff who use Excel.

Run: .venv/bin/python tools/export_recipients_xlsx.py   (tests/test_recipients.py checks both agree)
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from wir_letters import load_recipients

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    recipients = load_recipients(ROOT / "recipients" / "hessen-2017.yaml")
    columns = list(recipients[0].fields)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Empfänger"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for recipient in recipients:
        sheet.append([recipient.fields[c] for c in columns])
    for column in sheet.columns:  # postcodes and ids stay text; widths fit the content
        for cell in column:
            cell.number_format = "@"
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(len(str(c.value or "")) for c in column) + 2)
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "wir_letters"
    target = ROOT / "recipients" / "hessen-2017.xlsx"
    workbook.save(target)
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
