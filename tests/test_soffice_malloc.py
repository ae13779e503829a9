"""soffice.bin runs with jemalloc preloaded (faster), makes the same PDFs, and can be told not to."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.conftest import offices
from wir_letters.builder.results import BuildResult
from wir_letters.pdf._soffice import JEMALLOC, malloc_library, office_environment
from wir_letters.pdf.convert import ConversionJob, LibreOfficeConverter

LETTERS = 4


def _libraries_of_offices(root: Path, stop: threading.Event, seen: set[str]) -> None:
    """Collect the shared libraries mapped by live processes started with a profile under ``root``."""
    while not stop.wait(0.05):
        for pid in offices(root):
            try:
                seen.update(line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
                            if line.endswith(".so") or ".so." in line)
            except OSError:  # the process ended meanwhile
                pass


def _convert(shipped_build: BuildResult, folder: Path) -> tuple[dict[str, bytes], set[str]]:
    """Convert the first cover letters of the shipped build; their PDFs and the libraries soffice mapped."""
    letters = sorted(shipped_build.out.glob("*/anschreiben.docx"))[:LETTERS]
    jobs = [ConversionJob(docx, folder / f"{docx.parent.name}.pdf") for docx in letters]
    seen: set[str] = set()
    stop = threading.Event()
    watcher = threading.Thread(target=_libraries_of_offices, args=(folder / "work", stop, seen))
    watcher.start()
    try:
        failed = LibreOfficeConverter(folder / "work", workers=1).convert_batch(jobs, slot=0)
    finally:
        stop.set()
        watcher.join()
    assert failed == {}
    return {job.target.name: job.target.read_bytes() for job in jobs}, seen


def test_jemalloc_is_installed_where_the_tests_run() -> None:
    """This test ensures that the machine running the tests (make test installs libjemalloc2) has it,
    so that the next test exercises the preload rather than passing without it."""
    assert malloc_library() is not None, f"install libjemalloc2 (looked for {', '.join(JEMALLOC)})"


def test_soffice_runs_with_jemalloc_and_makes_the_same_pdfs(
        shipped_build: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that soffice.bin maps jemalloc by default, not with WIR_LETTERS_SOFFICE_MALLOC=system,
    and that both make byte-identical PDFs of the same letters."""
    monkeypatch.delenv("WIR_LETTERS_SOFFICE_MALLOC", raising=False)
    preloaded, libraries = _convert(shipped_build, tmp_path / "jemalloc")
    assert any("libjemalloc" in name for name in libraries), sorted(libraries)

    monkeypatch.setenv("WIR_LETTERS_SOFFICE_MALLOC", "system")
    plain, libraries = _convert(shipped_build, tmp_path / "system")
    assert libraries and not any("libjemalloc" in name for name in libraries), sorted(libraries)
    assert len(plain) == LETTERS and plain == preloaded


def test_the_configured_library_is_preloaded_before_the_callers_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that WIR_LETTERS_SOFFICE_MALLOC names the library to preload, that an
    LD_PRELOAD of the caller stays, and that a library that does not exist is not preloaded."""
    library = tmp_path / "libmymalloc.so"
    library.write_bytes(b"")
    monkeypatch.setenv("WIR_LETTERS_SOFFICE_MALLOC", str(library))
    monkeypatch.setenv("LD_PRELOAD", "/opt/own.so")
    env = office_environment(direct=True)
    assert env is not None and env["LD_PRELOAD"] == f"{library} /opt/own.so"
    assert env["SAL_ENABLE_FILE_LOCKING"] == "1"
    assert office_environment(direct=False) is None  # a wrapper script gets the environment as it is

    monkeypatch.setenv("WIR_LETTERS_SOFFICE_MALLOC", str(tmp_path / "missing.so"))
    env = office_environment(direct=True)
    assert env is not None and env["LD_PRELOAD"] == "/opt/own.so"
