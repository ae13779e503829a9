"""Workers start from a copy of a LibreOffice profile made once (the seed), not from an empty one."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest

from tests.conftest import convert_watched, offices
from wir_letters.builder.results import BuildResult
from wir_letters.pdf._profile_seed import drop_seed, keep_as_seed, seed_folder, start_from_seed
from wir_letters.pdf.convert import ConversionJob
from wir_letters.pdf.warm import WarmConverter

LETTERS = 2


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own (the session's seed stays untouched)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def _program(folder: Path) -> Path:
    program = folder / "program" / "soffice.bin"
    program.parent.mkdir(parents=True)
    program.write_bytes(b"office")
    return program


def _profile(folder: Path) -> Path:
    (folder / "user").mkdir(parents=True)
    (folder / "user" / "registrymodifications.xcu").write_text("<items/>", "utf-8")
    (folder / ".lock").write_text("host,pid", "utf-8")
    return folder


def test_seed_is_kept_once_copied_without_lock_and_dropped(cache: Path, tmp_path: Path) -> None:
    """This test ensures that the first kept profile becomes the seed (without soffice's lock file), that a
    second one does not replace it, that a new profile starts as its copy, and that an existing one is left."""
    program = str(_program(tmp_path))
    keep_as_seed(_profile(tmp_path / "first"), program)
    seed = seed_folder(program)
    assert seed is not None and seed.is_relative_to(cache)
    assert (seed / "user" / "registrymodifications.xcu").read_text("utf-8") == "<items/>"
    assert not (seed / ".lock").exists()

    second = _profile(tmp_path / "second")
    (second / "user" / "registrymodifications.xcu").write_text("<other/>", "utf-8")
    keep_as_seed(second, program)
    assert (seed / "user" / "registrymodifications.xcu").read_text("utf-8") == "<items/>"
    assert [p.name for p in seed.parent.iterdir()] == [seed.name]  # no scratch copy left behind

    assert start_from_seed(tmp_path / "worker", program)
    assert (tmp_path / "worker" / "user" / "registrymodifications.xcu").read_text("utf-8") == "<items/>"
    assert not start_from_seed(second, program)  # a profile in use is never overwritten
    assert (second / "user" / "registrymodifications.xcu").read_text("utf-8") == "<other/>"

    drop_seed(program)
    assert not seed.exists()
    assert not start_from_seed(tmp_path / "another", program)


def test_scratch_copies_left_by_a_killed_build_are_removed(cache: Path, tmp_path: Path) -> None:
    """This test ensures that half-made seed copies a killed build left behind do not pile up in the cache:
    an old one goes when the next seed is saved, one that may still be in use stays."""
    program = str(_program(tmp_path))
    seed = seed_folder(program)
    assert seed is not None
    old, recent = seed.parent / f".{seed.name}-killed.tmp", seed.parent / f".{seed.name}-busy.tmp"
    for scratch in (old, recent):
        (scratch / "user").mkdir(parents=True)
    os.utime(old, (1, 1))
    profile = _profile(tmp_path / "first")
    os.utime(profile, (1, 1))  # an old worker profile: its copy must not look like an old scratch copy
    keep_as_seed(profile, program)
    assert seed.is_dir() and not old.exists() and recent.is_dir()
    assert seed.stat().st_mtime > time.time() - 600


def test_an_upgraded_office_gets_its_own_seed(cache: Path, tmp_path: Path) -> None:
    """This test ensures that the seed of one LibreOffice installation is not used for another: a changed
    soffice.bin (an upgrade) has a different seed folder."""
    program = _program(tmp_path)
    before = seed_folder(str(program))
    program.write_bytes(b"office, upgraded")
    os.utime(program, ns=(1, 1))
    assert seed_folder(str(program)) != before


def test_no_cache_folder_means_a_new_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a cache folder that cannot be written only means an empty profile."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    program = str(_program(tmp_path))
    keep_as_seed(_profile(tmp_path / "first"), program)
    assert not start_from_seed(tmp_path / "worker", program)
    assert not (tmp_path / "worker").exists()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _convert(shipped_build: BuildResult, folder: Path) -> tuple[dict[str, bytes], set[object]]:
    """Convert the first cover letters of the shipped build with a new converter; the PDFs and the pids
    of the LibreOffice processes it started (soffice.bin's own children, popen of helpers, not counted)."""
    return convert_watched(shipped_build, folder, LETTERS,
                           lambda work: [pid for pid in offices(work) if _parent(pid) == os.getpid()], merge=False)


@pytest.mark.libreoffice
def test_second_converter_starts_soffice_once_from_the_seed(
        shipped_build: BuildResult, cache: Path, tmp_path: Path) -> None:
    """This test ensures that the first conversion leaves a seed, that the next converter's soffice then
    starts once (an empty profile makes it exit and start again), and that both make the same PDFs."""
    fresh, fresh_started = _convert(shipped_build, tmp_path / "fresh")
    seeds = list((cache / "wir-letters" / "lo-seed").iterdir())
    assert len(seeds) == 1 and (seeds[0] / "user" / "registrymodifications.xcu").is_file()
    assert len(fresh_started) >= 2  # the first start of an empty profile ends with "start me again"

    seeded, seeded_started = _convert(shipped_build, tmp_path / "seeded")
    assert len(seeded_started) == 1
    assert seeded == fresh


@pytest.mark.libreoffice
def test_a_broken_seed_is_dropped_and_the_letters_still_convert(
        shipped_build: BuildResult, cache: Path, tmp_path: Path) -> None:
    """This test ensures that a seed LibreOffice cannot start from (its ``user`` folder is a file) costs
    only a retry: the PDFs are the same as from an empty profile, and a good seed replaces the broken one."""
    good, _ = _convert(shipped_build, tmp_path / "good")
    seed = next((cache / "wir-letters" / "lo-seed").iterdir())
    for path in sorted(seed.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (seed / "user").write_text("not a folder", "utf-8")

    again, _ = _convert(shipped_build, tmp_path / "broken")
    assert again == good
    assert (seed / "user").is_dir()


def test_workers_saving_at_once_leave_one_whole_seed(cache: Path, tmp_path: Path) -> None:
    """This test ensures that two workers of one build (threads of one process) saving their profiles at
    the same moment leave one complete seed and no scratch copies."""
    program = str(_program(tmp_path))
    profiles = []
    for name in ("one", "two"):
        profile = _profile(tmp_path / name)
        for n in range(300):
            (profile / "user" / f"part{n}.xcu").write_text(name, "utf-8")
        profiles.append(profile)
    for _ in range(5):
        drop_seed(program)
        threads = [threading.Thread(target=keep_as_seed, args=(profile, program)) for profile in profiles]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seed = seed_folder(program)
        assert seed is not None
        parts = sorted(seed.glob("user/part*.xcu"))
        assert len(parts) == 300 and len({p.read_text("utf-8") for p in parts}) == 1
        assert [p.name for p in seed.parent.iterdir()] == [seed.name]


def _pdf_text(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        return [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()


@pytest.mark.libreoffice
def test_watch_mode_starts_from_the_seed_too(shipped_build: BuildResult, cache: Path, tmp_path: Path) -> None:
    """This test ensures that watch mode's warm LibreOffice starts from a copy of the seed (a file put
    into the seed is in its profile) and makes the same pages and text as the batch converter."""
    batch, _ = _convert(shipped_build, tmp_path / "batch")  # leaves the seed
    seed = next((cache / "wir-letters" / "lo-seed").iterdir())
    (seed / "user" / "wir-letters-marker").write_text("from the seed", "utf-8")
    name, first = sorted(batch.items())[0]
    letter = shipped_build.out / Path(name).stem / "anschreiben.docx"
    with WarmConverter(tmp_path / "warm", workers=1) as warm:
        assert warm.convert_batch([ConversionJob(letter, tmp_path / "warm.pdf")], 0) == {}
        [profile] = (tmp_path / "warm").glob("*/profile")
        assert (profile / "user" / "wir-letters-marker").read_text("utf-8") == "from the seed"
    assert _pdf_text((tmp_path / "warm.pdf").read_bytes()) == _pdf_text(first)
