"""Render page 1 of the cover letter for two sample recipients to docs/*.png (README pictures).

A Landkreis with a (fictional) Landrätin contact and a city without a contact person.
Run: .venv/bin/python tools/render_previews.py   (needs LibreOffice and pdftoppm)
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from wir_letters import build, load_campaign, load_recipients
from wir_letters.inputs.recipients import RawRow, validate_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONTACT = {  # fictional person: the shipped list names no office holders
    "contact_salutation": "Frau", "contact_role": "Landrätin", "contact_title": "Dr.",
    "contact_first_name": "Anna", "contact_last_name": "Beispiel",
}
PREVIEWS = {"landkreis-fulda": "anschreiben-landkreis-fulda.png", "kassel": "anschreiben-kassel.png"}


def main() -> None:
    campaign = load_campaign(ROOT / "campaign.yaml")
    shipped = {r.id: r for r in load_recipients(campaign.recipients)}
    rows = [RawRow(1, {**shipped["landkreis-fulda"].fields, **SAMPLE_CONTACT}),
            RawRow(2, dict(shipped["kassel"].fields))]
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        result = build(campaign, validate_rows(Path("previews"), rows), out=out)
        assert not result.failed, result.failed
        for rid, png in PREVIEWS.items():
            stem = ROOT / "docs" / png.removesuffix(".png")
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", "-l", "1",
                            str(out / rid / "anschreiben.pdf"), str(stem)], check=True)
            print(f"wrote docs/{png}")


if __name__ == "__main__":
    main()
