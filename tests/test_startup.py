"""A short cold start: ``--help`` and ``status`` load only what they need (behaviour, not time:
the figures are in bench/startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_campaign

HEAVY = ("docxtpl", "docx", "pypdf", "pypdfium2", "lxml", "pydantic", "rich", "openpyxl", "jinja2", "babel",
         "watchfiles")
_PROBE = """
import json, sys
from wir_letters.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def _loaded(*args: str, cwd: Path | None = None) -> tuple[str, set[str]]:
    """Run ``wir-letters ARGS`` in a fresh interpreter; return its output and the top-level modules loaded."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=cwd,
                          check=True)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_loads_no_library_of_a_build() -> None:
    """This test ensures that ``wir-letters --help`` imports click and nothing heavy (no rich, pydantic,
    docxtpl, pypdf, lxml …), and still lists every command."""
    out, loaded = _loaded("--help")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    for command in ("build", "status", "check", "preview", "print-run", "watch"):
        assert command in out


def test_status_loads_neither_docxtpl_nor_pypdf(tmp_path: Path) -> None:
    """This test ensures that ``status`` reads the campaign and the manifest without loading the
    libraries that render, convert or bundle (docxtpl, python-docx, lxml, pypdf, pypdfium2, watchfiles)."""
    campaign = write_campaign(tmp_path)
    out, loaded = _loaded("status", "-c", str(campaign))
    assert "3 new" in out
    assert loaded.isdisjoint({"docxtpl", "docx", "lxml", "pypdf", "pypdfium2", "watchfiles"}), loaded


def test_the_cli_copy_of_the_removed_folder_name_agrees() -> None:
    """This test ensures that the folder named in ``build --help`` is the one the build uses."""
    from wir_letters.builder.layout import REMOVED_DIR
    from wir_letters.cli.commands import REMOVED_DIR as SHOWN

    assert SHOWN == REMOVED_DIR
