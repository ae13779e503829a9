"""Screenshot of the report page (OUT/index.html) for the README: docs/report.png.

Builds the shipped campaign into a temporary folder with LibreOffice (``--fake``: the tests'
small campaign with blank pages instead, no LibreOffice needed), with one recipient made to
fail, writes the report, and photographs it in headless Chromium (Playwright).

Run: .venv/bin/python tools/report_screenshot.py [--fake] [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import FakeConverter, write_campaign  # noqa: E402
from wir_letters import build, load_campaign  # noqa: E402
from wir_letters.outputs.report import write_report  # noqa: E402
from wir_letters.pdf.convert import ConversionJob  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
FAIL = "kassel"  # made to fail, to show a failed row with its message


class _FailOne:
    """Wraps a converter: the documents of ``FAIL`` come out as no PDF, the others as usual."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.workers = getattr(inner, "workers", 1)
        self.renders_text = getattr(inner, "renders_text", True)

    def convert_batch(self, jobs: Sequence[ConversionJob], slot: int) -> dict[Path, str]:
        failed = {job.target: f"LibreOffice produced no PDF for {job.source.name} (made to fail for the picture)"
                  for job in jobs if job.source.parent.name == FAIL}
        rest = [job for job in jobs if job.source.parent.name != FAIL]
        done: dict[Path, str] = self.inner.convert_batch(rest, slot) if rest else {}  # type: ignore[attr-defined]
        return {**done, **failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fake", action="store_true", help="the tests' campaign, blank pages, no LibreOffice")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        if options.fake:
            campaign = load_campaign(write_campaign(folder))
            result = build(campaign, out=folder / "out", converter=FakeConverter(fail=[FAIL]), keep_going=True)
        else:
            import os

            from wir_letters.pdf.convert import LibreOfficeConverter

            campaign = load_campaign(ROOT / "campaign.yaml")
            out = folder / "out"
            real = LibreOfficeConverter(out / ".wir", workers=os.cpu_count() or 2, day=campaign.date)
            result = build(campaign, out=out, keep_going=True, converter=_FailOne(real))  # type: ignore[arg-type]
        index = write_report(result, campaign).path
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 640})
            page.goto(index.as_uri())
            page.fill("#search", "kassel")  # the Landkreis (built) and the city (made to fail)
            page.wait_for_function("Array.from(document.images).slice(0, 4)"
                                   ".every(i => i.complete && i.naturalWidth > 0)")
            options.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(options.out))
            browser.close()
    print(options.out)


if __name__ == "__main__":
    main()
