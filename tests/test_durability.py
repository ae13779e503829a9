"""Outputs reach the disk before the manifest records them, with one file-system sync per manifest
write instead of an ``fsync`` per file; a cache entry cut off by a power cut is not used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FakeConverter, blank_pdf, write_campaign
from wir_letters import build, load_campaign
from wir_letters.builder import manifest as manifest_module
from wir_letters.files import sync_filesystem
from wir_letters.pdf.cache import ConversionCache


def test_every_manifest_write_follows_a_sync_of_the_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that the file system is synced after the outputs are written and before
    each manifest write, so a power cut cannot leave the manifest naming files that are not on disk."""
    events: list[str] = []
    out = tmp_path / "out"

    def sync(folder: Path) -> None:
        bundles = sorted(p.name for p in out.glob("*.pdf"))
        events.append(f"sync {len(bundles)}")
        sync_filesystem(folder)

    real_write = manifest_module.write_text_atomic

    def write(path: Path, writer):  # type: ignore[no-untyped-def]
        events.append("manifest")
        return real_write(path, writer)

    monkeypatch.setattr(manifest_module, "sync_filesystem", sync)
    monkeypatch.setattr(manifest_module, "write_text_atomic", write)
    build(load_campaign(write_campaign(tmp_path)), converter=FakeConverter())
    assert events and events[-1] == "manifest"
    assert all(events[n - 1].startswith("sync") for n, event in enumerate(events) if event == "manifest")
    assert events[-2] == "sync 3"  # the last sync came after all three bundles were written


def test_a_cut_off_cache_entry_is_not_used(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(blank_pdf(2))
    cache = ConversionCache(tmp_path / "cache", "2017-01-16")
    cache.put("abc", pdf)
    entry = cache.get("abc")
    assert entry is not None and entry.read_bytes() == pdf.read_bytes()
    entry.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 2])  # as after a power cut
    assert cache.get("abc") is None
    entry.write_bytes(b"")
    assert cache.get("abc") is None


def test_a_failing_sync_is_an_error_not_a_silent_success(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that when the file system cannot bring the outputs to disk (EIO, a full
    quota on a network share), the manifest is not written as if they were there."""
    import ctypes
    import errno

    from wir_letters import files

    def failing_syncfs(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(files, "_syncfs", failing_syncfs)
    with pytest.raises(OSError) as raised:
        files.sync_filesystem(tmp_path)
    assert raised.value.errno == errno.EIO


def test_a_manifest_with_a_hand_edited_position_still_loads(tmp_path: Path) -> None:
    from wir_letters.builder.manifest import ManifestEntry

    entry = ManifestEntry.from_json({"name": "Kassel", "documents": {"call": {"title": "A", "pages": 1, "position": "x"},
                                                                     "letter": {"title": "B", "pages": 2, "position": 1}}})
    assert list(entry.documents) == ["call", "letter"]
