"""A template opened once and written many times: the parts rendering never changes are kept
compressed, and only the parts with tags are rendered and compressed for each recipient.

This is docxtpl's own rendering of each part (``patch_xml`` once, ``render_xml_part`` per
recipient) without python-docx opening and saving the whole package every time, which cost
most of the render time (a Word template's styles alone are often several hundred KB).
Templates that need docxtpl's whole-document fixes (``{%tc %}`` column loops, pictures) take
the ordinary docxtpl path instead; ``docx_bytes`` packs what that path rendered the same
reproducible way (fixed timestamps, so equal content gives equal bytes).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from docx.opc.packuri import PackURI
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2 import Environment

from wir_letters.documents._filecache import per_file_version
from wir_letters.documents.mergefields import prepared_template
from wir_letters.documents.parts import STORY_PARTS

_RENDERED = re.compile(rf"{STORY_PARTS.pattern}|docProps/core\.xml")
_NEEDS_DOCXTPL = ("{%tc", "<wp:docPr", "{%p include")
_DOS_DATE = (1 << 5) | 1  # 1980-01-01: every entry gets this timestamp, so equal content gives equal bytes


_SPLIT_TAG = re.compile(r"(?<={)(<[^>]*>)+(?=[{%#])|(?<=[%}#])(<[^>]*>)+(?=})", re.DOTALL)
_TAG_RUNS = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.DOTALL)
_TEXT_BREAK = re.compile("</w:t>.*?(<w:t>|<w:t [^>]*>)", re.DOTALL)
_P_OR_R_TAG = re.compile(r"{{([pr])\s+([^}%]*?)\s*}}")
_NOTES = {f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
          for kind in ("footnotes", "endnotes")}


class WirTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl's template with two repairs: ``{{p x}}``/``{{r x}}`` with a plain text value give a
    paragraph/run holding the text (docxtpl would put bare text outside any paragraph, which
    LibreOffice drops), and endnotes are rendered like footnotes."""

    def patch_xml(self, src_xml: str) -> str:
        """Join tags Word split over runs, then docxtpl's repairs; ``{{p x}}``/``{{r x}}`` get a filter."""
        joined = _TAG_RUNS.sub(lambda m: _TEXT_BREAK.sub("", m.group(0)), _SPLIT_TAG.sub("", src_xml))
        marked = _P_OR_R_TAG.sub(lambda m: "{{%s (%s)|docx_%s }}" % (
            m.group(1), m.group(2), "paragraph" if m.group(1) == "p" else "run"), joined)
        return str(super().patch_xml(marked))

    def render_footnotes(self, context: dict[str, Any], jinja_env: Environment | None = None) -> None:
        """Render the footnotes and the endnotes (docxtpl renders footnotes only)."""
        for part in self.docx.part.package.parts:
            if part.content_type in _NOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                part._blob = self.render_xml_part(self.patch_xml(blob), part, context, jinja_env).encode("utf-8")


@dataclass(frozen=True)
class _Entry:
    """One zip member: its name, CRC, uncompressed size and deflated bytes."""

    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate stream

    @classmethod
    def of(cls, name: str, content: bytes) -> _Entry:
        """Deflate ``content`` (level 1) as the member ``name``."""
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        return cls(name.encode("utf-8"), zlib.crc32(content), len(content), packer.compress(content) + packer.flush())


@dataclass(frozen=True)
class PackedTemplate:
    """A template split into fixed, already compressed parts and Jinja sources to render."""

    order: tuple[str, ...]
    fixed: dict[str, _Entry]
    sources: dict[str, str]  # part name -> XML with docxtpl's tag repairs applied
    docxtpl: WirTemplate  # lends its render_xml_part

    def render(self, context: dict[str, Any], env: Environment) -> bytes:
        """Render every source part with ``context`` and return the DOCX bytes."""
        rendered = {name: _Entry.of(name, self.docxtpl.render_xml_part(source, None, context, env).encode("utf-8"))
                    for name, source in self.sources.items()}
        return _zip([rendered.get(name) or self.fixed[name] for name in self.order])


@per_file_version(maxsize=32)
def packed_template(path: Path) -> PackedTemplate | None:
    """Return the packed form of a template, or None when it needs docxtpl's full render."""
    source = prepared_template(path)
    with zipfile.ZipFile(source) as archive:
        contents = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    order = tuple(contents)
    docxtpl = WirTemplate(io.BytesIO(b""))  # only its string methods are used
    sources, fixed = {}, {}
    for name, content in contents.items():
        text = content.decode("utf-8") if _RENDERED.fullmatch(name) else ""
        if any(marker in text for marker in _NEEDS_DOCXTPL):
            return None
        if "{{" in text or "{%" in text:
            sources[name] = docxtpl.patch_xml(text)
        else:
            fixed[name] = _Entry.of(name, content)
    return PackedTemplate(order, fixed, sources, docxtpl)


def _zip_parts(parts: list[tuple[str, bytes]]) -> bytes:
    """Pack ``(name, content)`` pairs into a reproducible zip (fixed timestamps, deflate level 1)."""
    return _zip([_Entry.of(name, content) for name, content in parts])


def _zip(entries: list[_Entry]) -> bytes:
    """Write a zip of already deflated entries (what zipfile cannot do)."""
    out, central = bytearray(), bytearray()
    for entry in entries:
        flags = 0 if entry.name.isascii() else 0x0800
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, _DOS_DATE, entry.crc, len(entry.data),
                           entry.size, len(entry.name), 0) + entry.name + entry.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, 0, _DOS_DATE, entry.crc,
                               len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0, 0o644 << 16,
                               offset) + entry.name
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                       len(out) - len(central), 0)
    return bytes(out)


class _Collector:
    """Takes the parts python-docx's PackageWriter writes, for ``_zip_parts`` to pack."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.parts.append((pack_uri.membername, blob))

    def close(self) -> None:
        pass


def docx_bytes(doc: DocxTemplate) -> bytes:
    """Serialise a rendered document as ``OpcPackage.save`` does, packed reproducibly."""
    package = doc.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = cast(PhysPkgWriter, _Collector())  # PackageWriter only calls write()
    # python-docx leaves these two helpers without type hints:
    PackageWriter._write_content_types_stream(collector, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(collector, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(collector, parts)
    return _zip_parts(cast(_Collector, collector).parts)
