"""A short cold start: ``--help`` and ``status`` load only what they need (behaviour, not time:
the figures are in bench/startup.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import fresh_cli, write_campaign

HEAVY = ("docxtpl", "docx", "pypdf", "pypdfium2", "lxml", "pydantic", "rich", "openpyxl", "jinja2", "babel",
         "watchfiles")


def test_help_loads_no_library_of_a_build() -> None:
    """This test ensures that ``wir-letters --help`` imports click and nothing heavy (no rich, pydantic,
    docxtpl, pypdf, lxml …), and still lists every command."""
    out, loaded = fresh_cli("--help")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    for command in ("build", "status", "check", "preview", "print-run", "watch"):
        assert command in out


def test_status_loads_neither_docxtpl_nor_pypdf(tmp_path: Path) -> None:
    """This test ensures that ``status`` reads the campaign and the manifest without loading the
    libraries that render, convert or bundle (docxtpl, python-docx, lxml, pypdf, pypdfium2, watchfiles)."""
    campaign = write_campaign(tmp_path)
    out, loaded = fresh_cli("status", "-c", str(campaign))
    assert "3 new" in out
    assert loaded.isdisjoint({"docxtpl", "docx", "lxml", "pypdf", "pypdfium2", "watchfiles"}), loaded


def test_the_cli_copy_of_the_removed_folder_name_agrees() -> None:
    """This test ensures that the folder named in ``build --help`` is the one the build uses."""
    from wir_letters.builder.layout import REMOVED_DIR
    from wir_letters.cli.commands import REMOVED_DIR as SHOWN

    assert SHOWN == REMOVED_DIR
