"""Make LibreOffice's PDFs reproducible: fixed dates, objects in a canonical order, /ID from the content.

LibreOffice writes the current time into /CreationDate and random bytes into the trailer /ID and
/DocChecksum. It also numbers the embedded fonts in an order that depends on memory addresses, so
two conversions of the same DOCX now and then differ in their object numbers (same pages, same
text, other bytes). The dates are set to the campaign's date, then qpdf (pikepdf) writes the PDF
again: objects renumbered in the order they are reached from the catalog, stream data copied as
it is, /ID derived from the content. A PDF qpdf cannot read is left to the checks after the
conversion; it only gets its dates, /ID and /DocChecksum replaced in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pikepdf

_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:\d{14})([^)]*)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")


def pdf_date(day: dt.date) -> str:
    """Return a PDF date string (``D:20170120000000``) for a fixed, reproducible timestamp."""
    return f"D:{day:%Y%m%d}000000"


def normalize_pdf(data: bytes, day: dt.date) -> bytes:
    """Return ``data`` with dates set to ``day``, its objects in canonical order and an /ID from the content."""
    fixed_date = pdf_date(day).encode()
    data = _DATE.sub(lambda m: m.group(0).replace(m.group(2), fixed_date), data)
    xmp_date = f"{day:%Y-%m-%d}T00:00:00".encode()  # PDF/A: the XMP dates must match the document info
    data = _XMP_DATE.sub(lambda m: m.group(1) + xmp_date, data)
    try:
        return canonical_pdf(data)
    except pikepdf.PikepdfError:
        return _ids_from_content(data)


def canonical_pdf(data: bytes) -> bytes:
    """``data`` written again by qpdf: the same objects and stream bytes, numbered in the order they
    are reached from the trailer, without LibreOffice's /DocChecksum, /ID from the content.

    Raises:
        pikepdf.PikepdfError: qpdf cannot read ``data``.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/ID", "/DocChecksum"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 fix_metadata_version=False)
    return buffer.getvalue()


def _ids_from_content(data: bytes) -> bytes:
    """/ID and /DocChecksum replaced in place by values of the same length derived from the content."""
    blank = _CHECKSUM.sub(b"", _ID.sub(b"", data))
    digest = hashlib.sha256(blank).hexdigest().upper().encode()

    def same_length(hex_value: bytes) -> bytes:
        return (digest * 2)[: len(hex_value)]

    data = _ID.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1)))
                   .replace(m.group(2), same_length(m.group(2))), data)
    return _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1))), data)
