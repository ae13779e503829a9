"""Baseline (a): the common docxtpl recipe – render in a loop, one soffice call per file, pypdf merge.

Usage: python bench/naive.py CAMPAIGN OUT COUNT   (builds the first COUNT recipients)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from docxtpl import DocxTemplate
from pypdf import PdfWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wir_letters import load_campaign, load_recipients  # noqa: E402
from wir_letters.builder.plan import make_context, plan_recipient  # noqa: E402
from wir_letters.documents.jinja import make_env  # noqa: E402


def main(campaign_file: str, out: str, count: str) -> None:
    campaign = load_campaign(campaign_file)
    for recipient in load_recipients(campaign.recipients)[: int(count)]:
        plan = plan_recipient(campaign, recipient, Path(out))
        plan.folder.mkdir(parents=True, exist_ok=True)
        writer = PdfWriter()
        for doc in plan.documents:
            template = DocxTemplate(doc.document.template)
            template.render(make_context(campaign, plan, doc), jinja_env=make_env(), autoescape=True)
            template.save(doc.docx)
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(plan.folder),
                            str(doc.docx)], check=True, capture_output=True)
            writer.append(str(doc.pdf))
        for attachment in campaign.attachments:
            writer.append(str(attachment.file))
        writer.write(plan.bundle)


if __name__ == "__main__":
    main(*sys.argv[1:])
