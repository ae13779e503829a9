"""The report page OUT/index.html, opened in a real headless Chromium (Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import RECIPIENTS, FakeConverter, write_campaign
from wir_letters import build, load_campaign
from wir_letters.builder.manifest import Manifest
from wir_letters.builder.results import Silent
from wir_letters.outputs.prefetch import ImagePrefetch
from wir_letters.outputs.report import write_report
from wir_letters.outputs.thumbnails import png_bytes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MORE = [{"id": "marburg", "name": "Magistrat der Universitätsstadt Marburg", "kind": "sonderstatusstadt",
         "street": "Markt 1", "postcode": "35037", "city": "Marburg"},
        {"id": "xss", "name": "<script>alert(1)</script> & Co", "kind": "kreisfreie_stadt",
         "street": "Weg 1", "postcode": "60311", "city": "Frankfurt"}]


@pytest.fixture
def report(tmp_path: Path):
    campaign = load_campaign(write_campaign(tmp_path, RECIPIENTS + MORE))
    result = build(campaign, converter=FakeConverter(fail=["kassel"]), keep_going=True)
    return campaign, result, write_report(result, campaign)


def test_images_are_cached_by_pdf_hash(report, tmp_path: Path) -> None:
    campaign, result, first = report
    assert first.rendered > 0
    again = write_report(result, campaign)
    assert again.rendered == 0 and again.reused == first.rendered + first.reused
    images = tmp_path / "out" / "_report" / "img"
    one = next(images.glob("*-1-120.png"))
    one.unlink()
    assert write_report(result, campaign).rendered == 1  # only what is missing is rendered


def test_images_made_during_the_build_are_the_ones_the_report_uses(tmp_path: Path) -> None:
    """This test ensures that the images rendered in one pass per PDF while the build runs (every
    page, plus page 1's thumbnail for the first document) leave the report nothing to render."""
    campaign = load_campaign(write_campaign(tmp_path))
    out = tmp_path / "out"
    prefetch = ImagePrefetch(out, Silent())
    result = build(campaign, converter=FakeConverter(pages=2), reporter=prefetch)
    prefetch.close()
    made = sorted(path.name for path in (out / "_report" / "img").glob("*.png"))
    documents = sum(len(r.documents) for r in result.results)
    assert len(made) == documents * 2 + len(result.results)  # 2 pages each, one thumbnail per recipient
    entry = Manifest.load(out / "manifest.json").get("kassel")
    assert entry is not None and list(entry.documents) == ["letter", "call"]  # bundle order, not sorted by id
    written = write_report(result, campaign)
    assert written.rendered == 2  # the attachment's two pages only
    assert written.reused >= len(made)


def test_an_odd_page_width_still_names_images_by_the_width_asked_for(tmp_path: Path) -> None:
    """This test ensures that a page whose width pdfium rounds up (520.71 pt → 641 px) still gets
    images named for 640 and 120 pixels, so the report finds them instead of rendering again."""
    from pypdf import PdfWriter

    from wir_letters.outputs.thumbnails import PAGE_WIDTH, THUMB_WIDTH, PageImages

    pdf = tmp_path / "odd.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=520.71, height=800)
    with pdf.open("wb") as handle:
        writer.write(handle)
    images = PageImages(tmp_path / "img")
    images.render_all(pdf, "abc", thumb=True)
    assert sorted(p.name for p in (tmp_path / "img").iterdir()) == [f"abc-1-{THUMB_WIDTH}.png", f"abc-1-{PAGE_WIDTH}.png"]
    again = PageImages(tmp_path / "img")
    again.images(pdf, "abc", [1], PAGE_WIDTH)
    assert again.rendered == 0 and again.reused == 1


def test_page_is_escaped_and_has_no_network_or_inline_images(report) -> None:
    _, _, written = report
    html = written.path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "http://" not in html and "https://" not in html and "data:image" not in html


def test_png_encoder_writes_a_valid_header() -> None:
    data = png_bytes(bytes(2 * 2 * 3), 2, 2, 6, 3)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def test_cli_build_writes_the_report(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    campaign_file = write_campaign(tmp_path)
    import wir_letters.builder.build as builder

    real = builder.build
    monkeypatch.setattr("wir_letters.builder.build.build", lambda *a, **k: real(*a, **{**k, "converter": FakeConverter()}))
    done = run_cli("build", "-c", str(campaign_file))
    assert done.code == 0, done.err
    assert (tmp_path / "out" / "index.html").is_file()
    assert len(list((tmp_path / "out" / "_report" / "img").glob("*.png"))) > 0


def _watched_page(browser, problems: list[str]):  # type: ignore[no-untyped-def]
    """A new page whose console errors, warnings, page errors and failed requests go to ``problems``."""
    page = browser.new_page()
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
    return page


def _resolves(base: Path, ref: str) -> bool:
    url = urlparse(ref)
    if url.scheme not in ("", "file") or url.netloc:
        return False
    return (base.parent / unquote(url.path)).resolve().exists()


def test_report_in_headless_chromium(report, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    _, _, written = report
    index = written.path
    assert Path(CHROMIUM).exists(), "make test installs chromium (tools/system-deps.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        problems: list[str] = []
        page = _watched_page(browser, problems)
        requested: list[str] = []
        page.on("request", lambda req: requested.append(req.url))
        page.goto(index.as_uri())
        page.wait_for_load_state("load")

        rows = page.locator("#recipients tbody tr")
        assert rows.count() == 5
        assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.id)")) == sorted(
            [r["id"] for r in RECIPIENTS + MORE])
        assert page.locator("#recipients tbody tr:visible").count() == 5

        page.fill("#search", "marburg")
        assert page.locator("#recipients tbody tr:visible").count() == 1
        assert page.locator("#recipients tbody tr:visible").get_attribute("data-id") == "marburg"
        page.fill("#search", "Wörthstraße")  # by street, with ß and umlaut
        assert [r.get_attribute("data-id") for r in page.locator("#recipients tbody tr:visible").all()] == [
            "landkreis-fulda"]
        page.fill("#search", "fulda")  # the city: two recipients
        assert page.locator("#recipients tbody tr:visible").count() == 2
        page.fill("#search", "")

        page.select_option("#state", "failed")
        visible = page.locator("#recipients tbody tr:visible")
        assert visible.count() == 1 and visible.get_attribute("data-id") == "kassel"
        assert "LibreOffice produced no PDF" in visible.locator(".error").inner_text()
        assert "--retry-failed" in visible.locator(".fix").inner_text()
        page.select_option("#state", "built")
        assert page.locator("#recipients tbody tr:visible").count() == 4
        page.select_option("#state", "")
        assert page.locator("#shown").inner_text() == "5 of 5 shown"

        # every image is lazy, loads, and every link and image resolves to a file
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        images = page.locator("img")
        assert images.count() == 4  # the failed recipient has no thumbnail
        for img in images.all():
            assert img.get_attribute("loading") == "lazy"
            img.scroll_into_view_if_needed()
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        refs = page.eval_on_selector_all("a[href], img[src]", "es => es.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert refs and all(_resolves(index, ref) for ref in refs), [r for r in refs if not _resolves(index, r)]

        # the detail view: every page of one recipient as an image
        page.click("tr[data-id=fulda] a >> nth=1")
        page.wait_for_load_state("load")
        assert page.url.endswith("_report/fulda.html")
        detail_images = page.locator(".pages img")
        assert detail_images.count() == 4  # letter 1 + call 1 + attachment 2
        for img in detail_images.all():
            img.scroll_into_view_if_needed()
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        detail = index.parent / "_report" / "fulda.html"
        refs = page.eval_on_selector_all("a[href], img[src]", "es => es.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert all(_resolves(detail, ref) for ref in refs), refs
        browser.close()
    assert problems == []
    assert all(url.startswith(("file://", "data:")) for url in requested), requested


def test_removed_recipient_is_listed(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    campaign = load_campaign(path)
    build(campaign, converter=FakeConverter())
    write_campaign(tmp_path, RECIPIENTS[:2])
    campaign = load_campaign(path)
    result = build(campaign, converter=FakeConverter())
    html = write_report(result, campaign).path.read_text(encoding="utf-8")
    assert 'data-id="fulda"' in html and 'data-state="removed"' in html
    assert not (tmp_path / "out" / "_report" / "fulda.html").exists()
    shutil.rmtree(tmp_path / "out" / "_report")


@pytest.mark.libreoffice
def test_report_of_the_shipped_campaign_with_one_failure(shipped_build, tmp_path: Path) -> None:
    """This test ensures that the report of the shipped campaign (33 recipients, real PDFs) shows every
    recipient, finds one by city, shows the one that failed with its message, and that every link and
    image on it resolves, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import SHIPPED_CAMPAIGN
    from wir_letters import load_recipients, make_recipient
    from wir_letters.pdf.convert import LibreOfficeConverter

    class FailKassel(LibreOfficeConverter):
        def convert_batch(self, jobs, slot):  # type: ignore[no-untyped-def]
            failed = {j.target: "LibreOffice produced no PDF (made to fail for this test)" for j in jobs
                      if j.source.parent.name == "kassel"}
            rest = [j for j in jobs if j.target not in failed]
            return {**(super().convert_batch(rest, slot) if rest else {}), **failed}

    out = tmp_path / "out"
    shutil.copytree(shipped_build.out, out)  # with its conversion cache: only kassel is converted again
    campaign = load_campaign(SHIPPED_CAMPAIGN)
    recipients = [make_recipient({**r.fields, "contact_last_name": "Neu"}, campaign.schema) if r.id == "kassel"
                  else r for r in load_recipients(campaign.recipients, campaign.schema)]
    result = build(campaign, recipients, out=out, converter=FailKassel(out / ".wir", workers=2, day=campaign.date))
    assert [r.id for r in result.failed] == ["kassel"]
    index = write_report(result, campaign).path
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        problems: list[str] = []
        page = _watched_page(browser, problems)
        page.goto(index.as_uri())
        assert page.locator("#recipients tbody tr").count() == 33
        page.fill("#search", "Heppenheim")  # a city: the seat of the Kreis Bergstraße
        assert [r.get_attribute("data-id") for r in page.locator("#recipients tbody tr:visible").all()] == [
            "landkreis-bergstrasse"]
        page.fill("#search", "")
        page.select_option("#state", "failed")
        failed = page.locator("#recipients tbody tr:visible")
        assert failed.count() == 1 and failed.get_attribute("data-id") == "kassel"
        assert "made to fail for this test" in failed.locator(".error").inner_text()
        page.select_option("#state", "")
        refs = page.eval_on_selector_all("a[href], img[src]",
                                         "es => es.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert len(refs) > 33 and all(_resolves(index, ref) for ref in refs)
        browser.close()
    assert problems == []
