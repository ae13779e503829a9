"""Make the screenshots of docs/anleitung.md from the shipped campaign, in German.

    .venv/bin/python docs/screenshots.py        # about a minute; writes docs/bilder/*.png

It builds the shipped campaign into a scratch folder with ``--lang de``, then takes: the report
page (headless Chromium through Playwright), the first page of one cover letter and of the
cover-letter template with its tags (both rendered with pdfium; the template is converted by
LibreOffice as Word would show it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from wir_letters.outputs.thumbnails import png_bytes, rasters

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "bilder"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _page_png(pdf: Path, target: Path, crop: float = 1.0) -> None:
    """Page 1 of ``pdf`` as a PNG 760 pixels wide, keeping the top ``crop`` of its height."""
    _, pages = rasters(pdf, [1], width=760, gray=False)
    pixels, width, height, stride, channels = pages[0][1]
    height = int(height * crop)
    target.write_bytes(png_bytes(pixels[:height * stride], width, height, stride, channels))


def _report_png(index: Path, target: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(index.as_uri())
        page.screenshot(path=str(target))
        browser.close()


def _template_pdf(template: Path, folder: Path) -> Path:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder), str(template)], check=True, capture_output=True, timeout=120)
    return folder / f"{template.stem}.pdf"


def main() -> None:
    """Build in German and write the screenshots."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        subprocess.run([sys.executable, "-m", "wir_letters", "--lang", "de", "build", "-q", "--out", str(out)],
                       cwd=ROOT, check=True)
        _report_png(out / "index.html", IMAGES / "bericht.png")
        _page_png(out / "landkreis-bergstrasse" / "anschreiben.pdf", IMAGES / "anschreiben.png", crop=0.62)
        _page_png(_template_pdf(ROOT / "templates" / "anschreiben.docx", Path(scratch)), IMAGES / "vorlage.png",
                  crop=0.62)
    for image in sorted(IMAGES.glob("*.png")):
        print(f"{image.relative_to(ROOT)}: {image.stat().st_size // 1024} KB")


if __name__ == "__main__":
    assert shutil.which("soffice"), "LibreOffice is needed (make setup)"
    main()
