"""One PDF per recipient: the filled documents, then the attachments, one bookmark each.

qpdf (through pikepdf) copies the parts' pages with everything they use, in C++: a bundle of the
shipped campaign's five documents and its attachment takes a fifth of the time pypdf needed, and
the stream data is copied as it is, not decoded and compressed again.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf

from wir_letters.files import write_atomic
from wir_letters.pdf._pdfnorm import pdf_date

PRODUCER = "wir_letters (pikepdf)"


@dataclass(frozen=True)
class BundlePart:
    """A PDF (already opened, so that an attachment can serve many bundles) and its bookmark title."""

    title: str
    pdf: pikepdf.Pdf


def write_bundle(parts: Sequence[BundlePart], target: Path, *, title: str, author: str, day: dt.date,
                 pdf_a: bool = False, durable: bool = True) -> int:
    """Merge ``parts`` into ``target`` (atomically; ``durable=False``: not synced to disk) with an
    outline entry per part (see :func:`bundle_bytes`).

    Returns:
        The page count of the bundle.

    Raises:
        pikepdf.PikepdfError: a part cannot be copied.
    """
    data, pages = bundle_bytes(parts, title=title, author=author, day=day, pdf_a=pdf_a)
    write_atomic(target, data, durable=durable)
    return pages


def bundle_bytes(parts: Sequence[BundlePart], *, title: str, author: str, day: dt.date,
                 pdf_a: bool = False) -> tuple[bytes, int]:
    """``parts`` merged into one PDF with an outline entry per part, and its page count.

    With ``pdf_a`` (every part is PDF/A) the bundle stays PDF/A: it gets the first part's output
    intent and XMP metadata that declares PDF/A-2b and repeats the document information.

    Raises:
        pikepdf.PikepdfError: a part cannot be copied.
    """
    with pikepdf.new() as bundle:
        starts = []
        for part in parts:  # with each part's form fields and named destinations (links to them)
            starts.append(len(bundle.pages))
            bundle.add_pages_from(part.pdf, outlines="ignore")
        with bundle.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(part.title, start) for part, start in zip(parts, starts))
        bundle.trailer.Info = bundle.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Author=pikepdf.String(author), Producer=pikepdf.String(PRODUCER),
            CreationDate=pikepdf.String(pdf_date(day)), ModDate=pikepdf.String(pdf_date(day))))
        bundle.Root.PageMode = pikepdf.Name.UseOutlines
        if pdf_a:
            keep_pdf_a(bundle, parts[0].pdf, title=title, author=author, day=day)
        buffer = io.BytesIO()
        bundle.save(buffer, deterministic_id=True, min_version=max(part.pdf.pdf_version for part in parts),
                    stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False,
                    object_stream_mode=pikepdf.ObjectStreamMode.disable, fix_metadata_version=False)
        return buffer.getvalue(), len(bundle.pages)


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


def keep_pdf_a(bundle: pikepdf.Pdf, first: pikepdf.Pdf, *, title: str, author: str, day: dt.date) -> None:
    """Give the bundle what PDF/A asks of its catalog: an output intent (the first part's ICC
    profile) and XMP metadata equal to the document information."""
    intents = first.Root.get("/OutputIntents")
    if intents is not None:  # qpdf copies only indirect objects: the source is read, never saved
        bundle.Root.OutputIntents = bundle.copy_foreign(intents if intents.is_indirect else first.make_indirect(intents))
    xmp = _XMP.format(title=escape(title), author=escape(author), producer=PRODUCER,
                      date=f"{day:%Y-%m-%d}T00:00:00")
    bundle.Root.Metadata = bundle.make_stream(xmp.encode("utf-8"), Type=pikepdf.Name.Metadata,
                                              Subtype=pikepdf.Name.XML)


def is_pdf_a(pdf: Path) -> bool:
    """Whether a PDF declares PDF/A conformance in its XMP metadata (``pdfaid:part``); False when
    qpdf cannot read it."""
    try:
        with pikepdf.open(pdf) as document:
            metadata = document.Root.get("/Metadata")
            return isinstance(metadata, pikepdf.Stream) and b"pdfaid:part" in metadata.read_bytes()
    except pikepdf.PikepdfError:  # damaged, encrypted
        return False
