"""Whom to blame when LibreOffice leaves documents without a PDF: the document, the disk or LibreOffice."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from wir_letters.errors import ConverterFailed, DiskFull
from wir_letters.i18n import N_, render
from wir_letters.inputs.values import Phrase
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
        N_("LibreOffice ({soffice}) could not convert even a blank test document "
           "({ending}), so the documents are not to blame. Try it by hand: "
           "'{soffice} --headless --convert-to pdf x.docx' with any Word file x.docx; check the "
           "LibreOffice installation, WIR_LETTERS_SOFFICE (it may name the wrong program) and free disk space"),
        code="libreoffice.broken", soffice=soffice, ending=_ending(canary))


def failure_text(source: Path, run: SofficeRun, limit: float) -> str:
    """Why ``source`` has no PDF after ``run``, its retry (``limit``: the progress timeout), in the
    chosen language (it becomes the recipient's error)."""
    if run.timed_out:
        return render(N_("LibreOffice stopped making progress converting {source} (nothing for {seconds} s), "
                         "twice; open the document in Word to check it, or raise --timeout"),
                      {"source": source, "seconds": f"{limit:.0f}"})
    if run.returncode not in (0, None):
        return render(N_("LibreOffice crashed (exit code {code}) converting {source}, twice; "
                         "open {name} in Word or LibreOffice to check it"),
                      {"code": run.returncode, "source": source, "name": source.name})
    return render(N_("LibreOffice could not convert {source} (the document may be damaged); open it in Word to "
                     "check it"), {"source": source})


def _ending(run: SofficeRun) -> Phrase:
    if run.timed_out:
        return Phrase(N_("it stopped making progress"))
    return Phrase(N_("exit code {code}"), {"code": run.returncode}) if run.returncode \
        else Phrase(N_("it ended without making a PDF"))
