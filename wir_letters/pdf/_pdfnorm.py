"""Make LibreOffice's PDFs reproducible: fixed creation date, /ID and /DocChecksum from the content.

LibreOffice writes the current time into /CreationDate and random bytes into the trailer /ID
and /DocChecksum. Each is replaced by a value of the same length, so the cross-reference
offsets stay valid and the rest of the file is LibreOffice's output byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:\d{14})([^)]*)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")


def pdf_date(day: dt.date) -> str:
    """Return a PDF date string (``D:20170120000000``) for a fixed, reproducible timestamp."""
    return f"D:{day:%Y%m%d}000000"


def normalize_pdf(data: bytes, day: dt.date) -> bytes:
    """Return ``data`` with dates set to ``day`` and /ID, /DocChecksum derived from the content."""
    fixed_date = pdf_date(day).encode()
    data = _DATE.sub(lambda m: m.group(0).replace(m.group(2), fixed_date), data)
    xmp_date = f"{day:%Y-%m-%d}T00:00:00".encode()  # PDF/A: the XMP dates must match the document info
    data = _XMP_DATE.sub(lambda m: m.group(1) + xmp_date, data)
    blank = _CHECKSUM.sub(b"", _ID.sub(b"", data))
    digest = hashlib.sha256(blank).hexdigest().upper().encode()

    def same_length(hex_value: bytes) -> bytes:
        return (digest * 2)[: len(hex_value)]

    data = _ID.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1)))
                   .replace(m.group(2), same_length(m.group(2))), data)
    return _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1))), data)
