"""output.keep: keep only the bundles (or only the PDFs); rebuilds stay incremental and right."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import FakeConverter, make_template, write_campaign
from wir_letters import build, load_campaign
from wir_letters.builder.assess import assess_all
from wir_letters.builder.status import State
from wir_letters.inputs.recipients import read_recipients


def _campaign(tmp_path: Path, keep: list[str]) -> Path:
    return write_campaign(tmp_path, output={"folder": "out", "keep": keep})


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and not p.relative_to(out).parts[0].startswith((".", "_")))


def test_only_bundles_are_kept_and_the_next_build_has_nothing_to_do(tmp_path: Path) -> None:
    """This test ensures that keep: [] leaves the bundles and the manifest only, and that the
    missing documents do not count as outputs to make again."""
    path = _campaign(tmp_path, [])
    assert build(load_campaign(path), converter=FakeConverter()).ok
    out = tmp_path / "out"
    assert _files(out) == ["fulda.pdf", "kassel.pdf", "landkreis-fulda.pdf", "manifest.json"]
    campaign = load_campaign(path)
    statuses, _ = assess_all(campaign, read_recipients(campaign.recipients), out)
    assert {s.state for s in statuses} == {State.UP_TO_DATE}


def test_keeping_pdfs_only_drops_the_docx_files(tmp_path: Path) -> None:
    """This test ensures that keep: [pdf] keeps each document's PDF and deletes its DOCX."""
    path = _campaign(tmp_path, ["pdf"])
    assert build(load_campaign(path), converter=FakeConverter()).ok
    files = _files(tmp_path / "out")
    assert "kassel/call.pdf" in files and not [f for f in files if f.endswith(".docx")]


def test_a_template_change_rebuilds_from_the_cache_without_the_dropped_files(tmp_path: Path) -> None:
    """This test ensures that after keep: [] a change to one template rebuilds the recipients that
    get it, makes their other documents again from the conversion cache (not LibreOffice), and
    writes a new bundle."""
    path = _campaign(tmp_path, [])
    converter = FakeConverter()
    assert build(load_campaign(path), converter=converter).ok
    bundle = tmp_path / "out" / "kassel.pdf"
    before = bundle.read_bytes()
    make_template(tmp_path / "templates" / "call.docx", ["Neue Ausschreibung für {{ recipient.name }}"])
    again = build(load_campaign(path), converter=FakeConverter())
    assert again.ok
    rebuilt = sorted(r.id for r in again.results if r.status is not None and r.status.needs_build)
    assert rebuilt == ["fulda", "kassel"]  # the landkreis gets no call
    assert again.converted == 2 and again.cache_hits == 2  # the new calls; the letters from the cache
    assert bundle.read_bytes() != before
    assert _files(tmp_path / "out") == ["fulda.pdf", "kassel.pdf", "landkreis-fulda.pdf", "manifest.json"]


def test_the_report_and_preview_work_without_the_documents(tmp_path: Path, run_cli,
                                                            monkeypatch) -> None:
    """This test ensures that the report shows a bundle's pages when its documents were not kept,
    links no missing file, and that preview --document says the PDF is not kept."""
    import wir_letters.builder.build as building

    path = _campaign(tmp_path, [])
    real = building.build
    monkeypatch.setattr(building, "build", lambda *a, **k: real(*a, **{**k, "converter": FakeConverter()}))
    assert run_cli("build", "-c", str(path), "-q").code == 0
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="kassel/' not in index and "kassel.pdf" in index
    detail = (tmp_path / "out" / "_report" / "kassel.html").read_text(encoding="utf-8")
    assert detail.count("<figure>") == 4  # letter 1 page, call 1 page (from the bundle), attachment 2 pages
    done = run_cli("preview", "kassel", "-c", str(path), "--document", "call")
    assert done.code == 1 and "not kept (output.keep)" in done.err


def test_changing_keep_rebuilds_everything(tmp_path: Path) -> None:
    """This test ensures that switching output.keep back to both makes the dropped files again."""
    path = _campaign(tmp_path, [])
    assert build(load_campaign(path), converter=FakeConverter()).ok
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["output"]["keep"] = ["docx", "pdf"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    again = build(load_campaign(path), converter=FakeConverter())
    assert all(r.status is not None and r.status.needs_build for r in again.results)
    assert "kassel/call.docx" in _files(tmp_path / "out") and "kassel/call.pdf" in _files(tmp_path / "out")
