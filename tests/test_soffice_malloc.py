"""soffice.bin runs with jemalloc preloaded (faster), makes the same PDFs, and can be told not to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import convert_watched, offices
from wir_letters.builder.results import BuildResult
from wir_letters.pdf._soffice import JEMALLOC, malloc_library, office_environment

LETTERS = 4


def _libraries(root: Path) -> set[str]:
    """The shared libraries mapped by live processes started with a profile under ``root``."""
    seen: set[str] = set()
    for pid in offices(root):
        try:
            seen.update(line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
                        if line.endswith(".so") or ".so." in line)
        except OSError:  # the process ended meanwhile
            pass
    return seen


def _convert(shipped_build: BuildResult, folder: Path) -> tuple[dict[str, bytes], set[object]]:
    """Convert the first cover letters of the shipped build; their PDFs and the libraries soffice mapped."""
    return convert_watched(shipped_build, folder, LETTERS, _libraries)


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
