"""A contact changed: update one recipient and rebuild only its letters, with the Python API.

Run from the repository root (LibreOffice needed)::

    .venv/bin/python examples/change_contact.py [OUTPUT_FOLDER]

It loads the shipped campaign, gives the city of Kassel a named contact person, builds that
one recipient (the other 32 are not touched) and prints what the build produced.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wir_letters import build, load_campaign, load_recipients, make_recipient

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> int:
    campaign = load_campaign(ROOT / "campaign.yaml")
    recipients = load_recipients(campaign.recipients, campaign.schema)
    kassel = next(r for r in recipients if r.id == "kassel")
    changed = make_recipient({**kassel.fields, "contact_salutation": "Frau", "contact_role": "Oberbürgermeisterin",
                              "contact_first_name": "Erika", "contact_last_name": "Mustermann"},
                             campaign.schema)
    result = build(campaign, [changed], out=out, only=["kassel"])
    for recipient in result.results:
        state = recipient.status.state if recipient.status else "-"
        print(f"{recipient.id}: {state}, {recipient.pages} pages, {recipient.bundle}")
        if recipient.error:
            print(f"  failed: {recipient.error}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "example"))
