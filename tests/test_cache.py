"""Conversion cache: each distinct DOCX is converted once, within a build and across builds."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FakeConverter, make_template, write_campaign
from wir_letters import build, load_campaign
from wir_letters.builder.layout import OutputLayout


def test_identical_documents_are_converted_once(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    make_template(tmp_path / "templates" / "call.docx", ["Ausschreibung, für alle gleich"])
    converter = FakeConverter()
    result = build(load_campaign(path), converter=converter)
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in converter.converted)
    assert names == ["fulda/letter.docx", "kassel/call.docx", "kassel/letter.docx", "landkreis-fulda/letter.docx"]
    assert (result.converted, result.cache_hits) == (4, 1)
    out = tmp_path / "out"
    assert (out / "fulda" / "call.pdf").read_bytes() == (out / "kassel" / "call.pdf").read_bytes()


def test_cache_is_reused_across_builds_and_pruned(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    build(load_campaign(path), converter=FakeConverter())
    shutil.rmtree(tmp_path / "out" / "kassel")
    converter = FakeConverter()
    result = build(load_campaign(path), converter=converter)
    assert converter.converted == [] and result.cache_hits == 2
    cache = OutputLayout(tmp_path / "out").cache / "2017-01-16"
    assert len(list(cache.glob("*.pdf"))) == 5
    make_template(tmp_path / "templates" / "call.docx", ["Neu: {{ recipient.name }}"])
    build(load_campaign(path), converter=FakeConverter())
    assert len(list(cache.glob("*.pdf"))) == 5  # the two old call PDFs were pruned


def test_force_converts_again(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    build(load_campaign(path), converter=FakeConverter())
    converter = FakeConverter()
    build(load_campaign(path), force=True, converter=converter)
    assert len(converter.converted) == 5
