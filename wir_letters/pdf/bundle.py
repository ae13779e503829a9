"""One PDF per recipient: the filled documents, then the attachments, one bookmark each."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from wir_letters.files import write_atomic
from wir_letters.pdf._pdfnorm import pdf_date

PRODUCER = "wir_letters (pypdf)"


@dataclass(frozen=True)
class BundlePart:
    """A PDF (already opened, so that a reader can serve many bundles) and its bookmark title."""

    title: str
    pdf: PdfReader


def write_bundle(parts: Sequence[BundlePart], target: Path, *, title: str, author: str, day: dt.date,
                 pdf_a: bool = False, durable: bool = True) -> int:
    """Merge ``parts`` into ``target`` (atomically; ``durable=False``: not synced to disk) with an
    outline entry per part.

    With ``pdf_a`` (every part is PDF/A) the bundle stays PDF/A: it gets the first part's output
    intent and XMP metadata that declares PDF/A-2b and repeats the document information.

    Returns:
        The page count of the bundle.
    """
    writer = PdfWriter()
    for part in parts:
        writer.append(part.pdf, outline_item=part.title, import_outline=False)
    writer.add_metadata({
        "/Title": title,
        "/Author": author,
        "/Producer": PRODUCER,
        "/CreationDate": pdf_date(day),
        "/ModDate": pdf_date(day),
    })
    writer.page_mode = "/UseOutlines"
    if pdf_a:
        keep_pdf_a(writer, parts[0].pdf, title=title, author=author, day=day)
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue(), durable=durable)
    return len(writer.pages)


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{producer}</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def keep_pdf_a(writer: PdfWriter, first: PdfReader, *, title: str, author: str, day: dt.date) -> None:
    """Give the bundle what PDF/A asks of its catalog: an output intent (the first part's ICC
    profile) and XMP metadata equal to the document information."""
    intents = _catalog(first).get("/OutputIntents")
    if intents is not None:
        writer._root_object[NameObject("/OutputIntents")] = intents.get_object().clone(writer)
    xmp = _XMP.format(title=escape(title), author=escape(author), producer=PRODUCER,
                      date=f"{day:%Y-%m-%d}T00:00:00")
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)


def is_pdf_a(reader: PdfReader) -> bool:
    """Whether a PDF declares PDF/A conformance in its XMP metadata (``pdfaid:part``)."""
    metadata = _catalog(reader).get("/Metadata")
    return metadata is not None and b"pdfaid:part" in metadata.get_object().get_data()


def _catalog(reader: PdfReader) -> DictionaryObject:
    return cast(DictionaryObject, reader.trailer["/Root"].get_object())
