"""Is a template really a macro-free Word document, and is an attachment a readable PDF?"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache
from pathlib import Path

import pikepdf
from lxml import etree
from pypdf import PdfReader, PdfWriter

from wir_letters.errors import Problem
from wir_letters.i18n import N_
from wir_letters.pdf.bundle import BundlePart, bundle_bytes

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc (and other OLE files)


def template_file_problem(path: Path, key: str = "") -> Problem | None:
    """Return why ``path`` cannot be used as a template, or None for a plain .docx."""
    save_as = N_("open it in Word and save it as 'Word Document (*.docx)'")
    head = path.read_bytes()[:8]
    if head == _OLE_MAGIC:
        return Problem(str(path), N_("is a Word 97-2003 .doc file, not .docx"), field=key, fix=save_as,
                       code="template.doc_format")
    if not zipfile.is_zipfile(path):
        return Problem(str(path), N_("is not a Word document (.docx)"), field=key, fix=save_as,
                       code="template.not_docx")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace") if "[Content_Types].xml" in names else ""
    if _MACRO_MAIN in types or "word/vbaProject.bin" in names or path.suffix.lower() == ".docm":
        return Problem(str(path), N_("contains macros (.docm); macro documents are refused"), field=key,
                       fix=N_("save a copy as 'Word Document (*.docx)' without macros"), code="template.macros")
    if _DOCX_MAIN not in types or "word/document.xml" not in names:
        return Problem(str(path), N_("is a ZIP file but not a Word document (renamed?)"), field=key, fix=save_as,
                       code="template.not_docx")
    return _damaged_part(path, key)


def _damaged_part(path: Path, key: str) -> Problem | None:
    """Return a problem when a text part of the DOCX is not well-formed XML."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                try:
                    etree.fromstring(archive.read(name))
                except etree.XMLSyntaxError as err:
                    return Problem(str(path), N_("is damaged: {part} is not valid XML ({error})"), field=key,
                                   fix=N_("open it in Word, repair it, and save it again as .docx"),
                                   code="template.damaged", params={"part": name, "error": str(err)})
    return None


def attachment_problem(path: Path, key: str = "") -> Problem | None:
    """Return why ``path`` cannot be appended to a bundle, or None for a readable, unencrypted PDF.

    The PDF is read completely: every page's content decoded and every object copied by pypdf,
    and every page copied by qpdf as bundling copies it, so a file damaged in the middle is found
    here and not in the middle of a build.
    """
    stat = path.stat()
    return _attachment_problem(path, key, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _attachment_problem(path: Path, key: str, size: int, mtime_ns: int) -> Problem | None:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return Problem(str(path), N_("is an encrypted (password-protected) PDF"), field=key,
                           fix=N_("save or print an unprotected copy and name that in the campaign"),
                           code="attachment.encrypted")
        if len(reader.pages) == 0:
            return Problem(str(path), N_("has no pages"), field=key, fix=N_("name the right PDF in the campaign"),
                           code="attachment.no_pages")
        _read_completely(reader)
        _copy_with_qpdf(path)
    except Exception as err:  # noqa: BLE001 - pypdf raises many types (PdfReadError, ValueError, KeyError …)
        return Problem(str(path), N_("cannot be read as a PDF: {error_type}: {error}"), field=key,
                       fix=N_("export it again as PDF, or name the right file in the campaign"),
                       code="attachment.unreadable", params={"error_type": type(err).__name__, "error": str(err)})
    return None


def _copy_with_qpdf(path: Path) -> None:
    """Make a bundle of the PDF alone, with the bundles' own code (raises what qpdf raises)."""
    with pikepdf.open(path) as source:
        bundle_bytes([BundlePart(path.name, source)], title=path.name, author="", day=dt.date.today())


def _read_completely(reader: PdfReader) -> None:
    """Decode every page's content and copy every object, as bundling will."""
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    writer = PdfWriter()
    writer.append(reader)
    writer.write(io.BytesIO())
