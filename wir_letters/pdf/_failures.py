"""Whom to blame when LibreOffice leaves documents without a PDF: the document, the disk or LibreOffice."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from wir_letters.errors import ConverterFailed, DiskFull
from wir_letters.pdf._soffice import SofficeRun


def check_space(sources: Iterable[Path], folders: Iterable[Path], min_free: int) -> None:
    """Raise DiskFull when one of ``folders`` has less free than ``min_free`` or 4× a source's size.

    A folder that does not exist (yet) counts as having room.
    """
    need = max([min_free] + [4 * source.stat().st_size for source in sources if source.is_file()])
    for folder in dict.fromkeys(folders):
        free = shutil.disk_usage(folder).free if folder.is_dir() else need
        if free < need:
            raise DiskFull(folder, free)


def converter_failed(soffice: str, canary: SofficeRun) -> ConverterFailed:
    """The error for a LibreOffice that could not convert even a blank document (``canary``)."""
    return ConverterFailed(
        f"LibreOffice ({soffice}) could not convert even a blank test document "
        f"({_ending(canary)}), so the documents are not to blame. Try it by hand: "
        f"'{soffice} --headless --convert-to pdf x.docx' with any Word file x.docx; check the "
        "LibreOffice installation, WIR_LETTERS_SOFFICE (it may name the wrong program) and free disk space")


def failure_text(source: Path, run: SofficeRun, limit: float) -> str:
    """Why ``source`` has no PDF after ``run``, its retry (``limit``: the progress timeout)."""
    if run.timed_out:
        return (f"LibreOffice stopped making progress converting {source} (nothing for {limit:.0f} s), "
                "twice; open the document in Word to check it, or raise --timeout")
    if run.returncode not in (0, None):
        return (f"LibreOffice crashed (exit code {run.returncode}) converting {source}, twice; "
                f"open {source.name} in Word or LibreOffice to check it")
    return f"LibreOffice could not convert {source} (the document may be damaged); open it in Word to check it"


def _ending(run: SofficeRun) -> str:
    if run.timed_out:
        return "it stopped making progress"
    return f"exit code {run.returncode}" if run.returncode else "it ended without making a PDF"
