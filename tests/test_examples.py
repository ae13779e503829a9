"""The README's Python API example runs as written (real LibreOffice, one recipient)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pdftext import page_texts

pytestmark = pytest.mark.libreoffice


def test_change_contact_example_builds_one_recipient(tmp_path: Path) -> None:
    """This test ensures that examples/change_contact.py builds Kassel with the new contact, and only Kassel."""
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "change_contact.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("kassel: new, ")
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["kassel.pdf"]
    letter = " ".join(page_texts(tmp_path / "kassel" / "anschreiben.pdf"))
    assert "Frau Oberbürgermeisterin Erika Mustermann" in letter
    assert "Sehr geehrte Frau Oberbürgermeisterin," in letter
